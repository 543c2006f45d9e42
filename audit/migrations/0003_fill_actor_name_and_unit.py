"""Existing entries get their actor's username and the unit of the object they are about,
so the audit page can filter them (before 0004 makes the table append-only)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

UNIT_FIELDS = ("organization", "owner", "organizer", "lead", "host", "unit")
BATCH = 2000


def _unit_field(model):
    fields = {f.name: f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one}
    for name in UNIT_FIELDS:
        field = fields.get(name)
        if field is not None and field.related_model._meta.label == "organizations.Organization":
            return field
    return None


def _units_of(model, ids):
    """{object id as text: unit id} for the objects of `model` with those ids."""
    if model._meta.label == "organizations.Organization":
        return {str(pk): pk for pk in model.objects.filter(pk__in=ids).values_list("pk", flat=True)}
    field = _unit_field(model)
    if field is not None:
        rows = model.objects.filter(pk__in=ids).values_list("pk", field.attname)
        return {str(pk): unit for pk, unit in rows}
    for hop in model._meta.concrete_fields:
        if (hop.many_to_one or hop.one_to_one) and _unit_field(hop.related_model):
            path = f"{hop.name}__{_unit_field(hop.related_model).attname}"
            rows = model.objects.filter(pk__in=ids).values_list("pk", path)
            return {str(pk): unit for pk, unit in rows}
    return {}


def fill(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    User = apps.get_model("accounts", "User")
    AuditEntry.objects.filter(actor__isnull=False).update(
        actor_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("username")[:1])
    )
    AuditEntry.objects.filter(actor_name__isnull=True).update(actor_name="")
    for ct in ContentType.objects.filter(
        pk__in=AuditEntry.objects.values("content_type_id").distinct()
    ):
        try:
            model = apps.get_model(ct.app_label, ct.model)
        except LookupError:
            continue
        object_ids = list(
            AuditEntry.objects.filter(content_type=ct, organization__isnull=True)
            .values_list("object_id", flat=True)
            .distinct()
        )
        for start in range(0, len(object_ids), BATCH):
            batch = [i for i in object_ids[start : start + BATCH] if i.isdigit()]
            by_unit: dict[int, list[str]] = {}
            for object_id, unit in _units_of(model, [int(i) for i in batch]).items():
                if unit is not None:
                    by_unit.setdefault(unit, []).append(object_id)
            for unit, ids in by_unit.items():
                AuditEntry.objects.filter(content_type=ct, object_id__in=ids).update(
                    organization_id=unit
                )


class Migration(migrations.Migration):
    # Every app whose objects the trail speaks of, so that their models are in the state.
    dependencies = [
        ("audit", "0002_actor_name_unit_and_optional_object"),
        ("accounts", "0002_alter_rolegrant_role"),
        ("organizations", "0004_count_exempt_members"),
        ("members", "0002_member_search_trigram_index_on_postgresql"),
        ("documents", "0003_document_newest_first_index"),
        ("campaigns", "0002_campaign_blind_review_campaign_report_cutoff"),
        ("conferences", "0002_drop_indexes_covered_by_composites"),
        ("reports", "0002_bandkey_lookup_by_key"),
        ("news", "0001_initial"),
        ("programmes", "0002_task_escalated"),
        ("reporting", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
