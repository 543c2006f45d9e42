"""Recording who did what. Every user-made write, every sign-in event and every bulk read
of personal data calls `audit_record`."""

import datetime as dt
from collections.abc import Sequence
from contextvars import ContextVar
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from audit.models import AuditEntry

# Set per request by AuditContextMiddleware; background jobs leave it empty.
request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)

UNIT_MODEL = "organizations.Organization"
# The field that names an object's unit, in the order it is looked for.
UNIT_FIELDS = ("organization", "owner", "organizer", "lead", "host", "unit")


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _unit_field(model) -> models.Field | None:
    fields = {f.name: f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one}
    for name in UNIT_FIELDS:
        field = fields.get(name)
        if field is not None and field.related_model._meta.label == UNIT_MODEL:
            return field
    return None


def unit_of(obj: models.Model | None) -> int | None:
    """The id of the unit an object belongs to: a unit itself, the unit named by one of
    its fields, or that of the first object it points to that has one (a target through
    its programme, a report version through its report)."""
    if obj is None:
        return None
    if obj._meta.label == UNIT_MODEL:
        return obj.pk
    field = _unit_field(obj.__class__)  # __class__ sees through request.user's lazy wrapper
    if field is not None:
        return getattr(obj, field.attname)
    for field in obj._meta.concrete_fields:
        if (field.many_to_one or field.one_to_one) and _unit_field(field.related_model):
            parent = getattr(obj, field.name)
            if parent is not None:
                return getattr(parent, _unit_field(parent.__class__).attname)
    return None


def _home_unit(user) -> int | None:
    if user is None:
        return None
    from accounts.policy import home_unit_id  # the policy sits above every app

    return home_unit_id(user)


def audit_entry(
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    *,
    unit=None,
    label: str = "",
) -> AuditEntry:
    """An unsaved entry, for bulk_create by importers.

    `obj` may be None for events about no stored object (a failed sign-in); `label` then
    says what the entry is about. `unit` (a unit or its id) overrides the unit found from
    the object, which falls back to the actor's own unit.
    """
    user = actor if actor is not None and actor.is_authenticated else None
    if isinstance(unit, models.Model):
        unit = unit.pk
    return AuditEntry(
        actor=user,
        actor_name=user.get_username() if user else "",
        action=action,
        organization_id=unit or unit_of(obj) or _home_unit(user),
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(label or (str(obj) if obj is not None else ""))[:255],
        changes=changes or {},
        ip=request_ip.get(),
    )


# The columns of `audit_rows`, for nghiquyet.bulkload.insert_rows.
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "organization_id",
    "content_type_id",
    "object_id",
    "object_repr",
    "changes",
    "ip",
)


def audit_rows(
    actor, action: str, model: type[models.Model], about: Sequence[tuple[int, str, int, dict]]
) -> list[tuple]:
    """The entries `audit_entry` makes, as rows of AUDIT_COLUMNS, for many stored objects
    of `model` given as (pk, str(object), id of its unit, changes); for writers of so many
    entries that building each as a model instance is most of their cost."""
    user = actor if actor is not None and actor.is_authenticated else None
    actor_id, name = (user.pk, user.get_username()) if user else (None, "")
    home = _home_unit(user) if any(not unit for _, _, unit, _ in about) else None
    content_type = ContentType.objects.get_for_model(model).pk
    at, ip = timezone.now(), request_ip.get()
    return [
        (at, actor_id, name, action, unit or home, content_type, str(pk), text[:255], changes, ip)
        for pk, text, unit, changes in about
    ]


def audit_record(
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    *,
    unit=None,
    label: str = "",
) -> AuditEntry:
    entry = audit_entry(actor, action, obj, changes, unit=unit, label=label)
    entry.save()
    return entry
