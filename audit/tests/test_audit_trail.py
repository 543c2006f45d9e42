import datetime as dt

from audit.models import AuditEntry
from audit.services import audit_record


def test_a_write_through_a_page_records_actor_action_fields_time_and_ip(world, client):
    client.force_login(world.clerk)
    client.post(
        f"/members/{world.binh.pk}/edit/",
        {
            "full_name": "Trần Thị Bình",
            "gender": "F",
            "date_of_birth": "17/05/1985",
            "card_number": "010204",
            "status": "exempt",
            "admitted_on": "02/03/2010",
            "official_on": "02/03/2011",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    entry = AuditEntry.objects.about(world.binh).get()
    assert entry.actor == world.clerk
    assert entry.action == "member.update"
    assert entry.changes == {"status": ["official", "exempt"]}
    assert entry.ip == "10.1.2.3"
    assert entry.at.date() >= dt.date(2026, 1, 1)


def test_writes_outside_a_request_have_no_ip(world):
    entry = audit_record(world.clerk, "test.action", world.cell, {"x": [1, 2]})
    assert entry.ip is None and entry.object_repr == "Chi bộ khu phố 1"


def test_the_trail_cannot_be_edited_in_the_admin(world, client):
    entry = audit_record(world.clerk, "test.action", world.cell)
    client.force_login(world.admin)
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
