"""Entries written before the trail knew units get their actor's name and their object's
unit when the migration runs."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("audit", "0002_actor_name_unit_and_optional_object")]
AFTER = [("audit", "0004_refuse_update_and_delete_on_postgresql")]


@pytest.mark.django_db(transaction=True)
def test_old_entries_get_their_actors_name_and_their_objects_unit(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Entry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    member_ct = ContentType.objects.get(app_label="members", model="member")
    unit_ct = ContentType.objects.get(app_label="organizations", model="organization")
    about_member = Entry.objects.create(
        actor_id=world.clerk.pk,
        action="member.update",
        content_type=member_ct,
        object_id=str(world.an.pk),
        object_repr="x",
    )
    about_unit = Entry.objects.create(
        actor_id=None,
        action="organization.update",
        content_type=unit_ct,
        object_id=str(world.ward.pk),
        object_repr="x",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from audit.models import AuditEntry

    member_entry = AuditEntry.objects.get(pk=about_member.pk)
    assert member_entry.actor_name == "vanphong" and member_entry.organization_id == world.cell.pk
    unit_entry = AuditEntry.objects.get(pk=about_unit.pk)
    assert unit_entry.actor_name == "" and unit_entry.organization_id == world.ward.pk
