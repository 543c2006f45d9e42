"""The audit trail cannot be changed or deleted from the application, nor, on PostgreSQL,
by any UPDATE or DELETE statement; deleting a user leaves their entries as they were."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from audit.models import AppendOnlyError, AuditEntry
from audit.services import audit_record

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger exists only on PostgreSQL (SQLite relies on the model's refusal)",
)


def test_an_entry_cannot_be_saved_again(world):
    entry = audit_record(world.clerk, "test.action", world.cell)
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


def test_an_entry_cannot_be_deleted_one_by_one_or_in_bulk(world):
    entry = audit_record(world.clerk, "test.action", world.cell)
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.action").exists()


@on_postgresql
def test_the_database_refuses_an_update_of_an_entry(world):
    entry = audit_record(world.clerk, "test.action", world.cell)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


@on_postgresql
def test_the_database_refuses_a_delete_of_an_entry(world):
    entry = audit_record(world.clerk, "test.action", world.cell)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_user_keeps_their_entries_and_their_name(world, client):
    leaver = User.objects.create_user("roi_di", password="pw")
    entry = audit_record(leaver, "test.action", world.cell)
    leaver.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert kept.actor_id == entry.actor_id and kept.actor_name == "roi_di"
    client.force_login(world.clerk)
    body = client.get(f"/units/{world.cell.pk}/history/").content.decode()
    assert "roi_di" in body


def test_an_event_about_no_stored_object_is_recorded_with_a_label(world):
    entry = audit_record(None, "auth.login_failed", label="khong-ai", changes={"x": [None, 1]})
    entry.refresh_from_db()
    assert entry.content_type is None and entry.object_id == ""
    assert entry.object_repr == "khong-ai" and entry.actor is None and entry.actor_name == ""


def test_an_entry_belongs_to_its_objects_unit_or_else_to_its_actors(world):
    assert audit_record(world.clerk, "a", world.cell).organization == world.cell
    assert audit_record(world.clerk, "a", world.an).organization == world.cell
    assert audit_record(world.secretary, "a").organization == world.ward
    assert audit_record(world.member_user, "a").organization == world.cell
    assert audit_record(world.clerk, "a", world.an, unit=world.city).organization == world.city
