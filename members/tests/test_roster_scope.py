"""An import reaches only the units and members its user may manage, and tells no more."""

from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from members.models import Member, RosterImport
from members.tasks import roster_check
from members.tests.roster_files import (
    AN,
    apply,
    changed,
    checked,
    csv_bytes,
    newcomer,
    status_url,
    upload,
    xlsx,
)


def _hanam_import(world, client) -> RosterImport:
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([newcomer("030405", "Hoàng Thị Thủy")]))
    client.logout()
    return record


def test_a_unit_in_another_province_is_rejected_like_an_unknown_code(world, client):
    client.force_login(world.clerk)
    rows = [newcomer("030405", "Hoàng Thị Thủy", "NBI-VG"), newcomer("030406", "Lê Bốn", "XX")]
    record = checked(client, world.ward, xlsx(rows))

    first, second = (row["details"][0] for row in sorted(record.rows, key=lambda r: r["row"]))
    assert "ngoài phạm vi" in first
    assert first.replace("NBI-VG", "XX").replace("Dòng 2", "Dòng 3") == second
    page = client.get(status_url(record)).content.decode()
    assert "Ninh Bình" not in page and "Vân Giang" not in page


def test_a_unit_outside_the_imported_subtree_is_rejected(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([newcomer("030405", "Hoàng Thị Thủy", "HNA-TT-DA")]))

    assert record.rejected_count == 1
    assert record.rows[0]["details"] == [
        'Dòng 2, cột "Mã chi bộ": Chi bộ “Chi bộ thôn Đồng Ao” ngoài phạm vi đơn vị '
        "“Đảng bộ phường Lam Hạ” đang nhập danh sách."
    ]


def test_a_card_number_of_a_member_outside_scope_is_refused_without_saying_whose(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([newcomer("990001", "Hoàng Thị Thủy")]))

    assert record.rejected_count == 1
    assert record.rows[0]["details"] == [
        'Dòng 2, cột "Số thẻ đảng viên": Số thẻ "990001" đã thuộc về một đảng viên '
        "ngoài phạm vi quản lý của bạn."
    ]
    page = client.get(status_url(record)).content.decode()
    assert "Phạm Văn Xa" not in page and "Vân Giang" not in page
    apply(client, record)
    assert Member.objects.get(card_number="990001").full_name == "Phạm Văn Xa"


def test_a_ward_clerk_cannot_import_into_the_commune(world, client):
    client.force_login(world.ward_clerk)
    record = checked(client, world.ward, xlsx([changed(AN, unit="HNA-TT-DA")]))
    assert "ngoài phạm vi" in record.rows[0]["details"][0]
    response = upload(client, world.commune, csv_bytes([AN]), "ds.csv")
    assert response.status_code == 404


def test_someone_from_another_province_gets_404_everywhere_in_a_hanam_import(world, client):
    record = _hanam_import(world, client)
    client.force_login(world.outsider)

    assert client.get(status_url(record)).status_code == 404
    assert client.get(status_url(record), HTTP_HX_REQUEST="true").status_code == 404
    apply_url = reverse("members:import-apply", kwargs={"import_pk": record.pk})
    assert client.post(apply_url).status_code == 404
    upload_url = reverse("members:import", kwargs={"unit_pk": world.ward.pk})
    assert client.get(upload_url).status_code == 404
    assert upload(client, world.ward, csv_bytes([AN]), "ds.csv").status_code == 404

    record.refresh_from_db()
    assert record.state == RosterImport.State.CHECKED
    assert RosterImport.objects.count() == 1
    assert not Member.objects.filter(card_number="030405").exists()


def test_a_committee_member_without_member_management_cannot_import(world, client):
    record = _hanam_import(world, client)
    client.force_login(world.secretary)
    assert (
        client.get(reverse("members:import", kwargs={"unit_pk": world.ward.pk})).status_code == 404
    )
    assert client.get(status_url(record)).status_code == 404


def test_the_person_who_applies_is_recorded_as_the_actor(world, client):
    record = _hanam_import(world, client)
    client.force_login(world.ward_clerk)

    apply(client, record)

    assert record.state == RosterImport.State.APPLIED
    thuy = Member.objects.get(card_number="030405")
    assert AuditEntry.objects.about(thuy).get().actor == world.ward_clerk


def test_an_import_stops_if_its_user_lost_the_right_before_it_ran(world, client, monkeypatch):
    monkeypatch.setattr("members.imports.roster_check", SimpleNamespace(enqueue=lambda pk: None))
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([newcomer("030405", "Hoàng Thị Thủy")]))
    assert record.state == RosterImport.State.CHECKING
    world.clerk.role_grants.update(revoked_at=timezone.now())

    roster_check.call(record.pk)

    record.refresh_from_db()
    assert record.state == RosterImport.State.FAILED
    assert "không còn quyền" in record.error
