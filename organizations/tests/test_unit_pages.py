import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from conftest import add_member, add_unit
from organizations.models import Organization


def test_the_unit_page_shows_level_issuer_code_totals_and_dates(world, client):
    client.force_login(world.clerk)
    body = client.get(f"/units/{world.city.pk}/").content.decode()
    assert "Thành ủy Hà Nam" in body and "Tỉnh ủy / Thành ủy" in body
    assert "Đảng bộ phường Lam Hạ" in body and "01/01/2020" in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_tree_and_list_pages_cost_the_same_queries_for_more_members(world, client):
    client.force_login(world.clerk)
    urls = [f"/units/{world.city.pk}/", f"/members/unit/{world.city.pk}/"]
    # A first visit fills process-wide caches (content types), which the later ones reuse.
    for url in urls:
        _queries(client, url)
    before = [_queries(client, url) for url in urls]
    for i in range(60):
        cell = add_unit(world.commune, f"Chi bộ số {i}", f"HNA-TT-{i}", "CB")
        for j in range(3):
            add_member(cell, f"Đảng Viên Số {i} {j}", f"9{i:03d}{j}")
    after = [_queries(client, url) for url in urls]
    assert after == before
    assert max(after) <= 12


def test_propaganda_officers_see_the_tree_but_cannot_change_it(world, client):
    client.force_login(world.propaganda)
    assert client.get(f"/units/{world.ward.pk}/").status_code == 200
    response = client.post(f"/units/{world.ward.pk}/add/", {"name": "X", "code": "X", "level": 1})
    assert response.status_code == 403
    assert not Organization.objects.filter(code="X").exists()


def test_a_clerk_adds_renames_moves_and_closes_a_unit(world, client):
    client.force_login(world.clerk)
    from organizations.models import Level

    cb = Level.objects.get(code="CB").pk
    response = client.post(
        f"/units/{world.ward.pk}/add/",
        {"name": "Chi bộ khu phố 9", "code": "hna-lh-kp9", "level": cb, "valid_from": "01/02/2021"},
    )
    unit = Organization.objects.get(code="HNA-LH-KP9")
    assert response.status_code == 302 and unit.valid_from == dt.date(2021, 2, 1)
    client.post(
        f"/units/{unit.pk}/edit/",
        {
            "name": "Chi bộ tổ dân phố 9",
            "code": unit.code,
            "level": cb,
            "valid_from": "01/02/2021",
            "renamed_on": "01/07/2025",
        },
    )
    unit.refresh_from_db()
    assert (
        unit.name == "Chi bộ tổ dân phố 9"
        and unit.name_on(dt.date(2024, 1, 1)) == "Chi bộ khu phố 9"
    )
    client.post(f"/units/{unit.pk}/move/", {"new_parent": world.commune.pk})
    unit.refresh_from_db()
    assert unit.path.startswith(world.commune.path)
    client.post(f"/units/{unit.pk}/close/", {"closed_on": "02/07/2025", "note": "Sáp nhập"})
    unit.refresh_from_db()
    assert unit.valid_to == dt.date(2025, 7, 2)
    actions = list(
        AuditEntry.objects.about(unit).order_by("at", "pk").values_list("action", flat=True)
    )
    assert actions == [
        "organization.create",
        "organization.update",
        "organization.move",
        "organization.close",
    ]
    body = client.get(f"/units/{world.commune.pk}/").content.decode()
    assert "Chi bộ tổ dân phố 9" not in body
    body = client.get(f"/units/{world.commune.pk}/?closed=1").content.decode()
    assert "Chi bộ tổ dân phố 9" in body


def test_bad_unit_input_gets_a_vietnamese_message_and_changes_nothing(world, client):
    client.force_login(world.clerk)
    count = Organization.objects.count()
    response = client.post(
        f"/units/{world.ward.pk}/add/",
        {"name": "  ", "code": "HNA-LH-KP1", "level": "abc", "valid_from": "31/02/2021"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "code", "level", "valid_from"}
    assert "đã được dùng" in body and "bắt buộc" in body
    assert Organization.objects.count() == count
    response = client.post(f"/units/{world.ward.pk}/move/", {"new_parent": world.cell.pk})
    assert response.status_code == 200 and Organization.objects.get(pk=world.ward.pk).depth == 2
    response = client.post(f"/units/{world.ward.pk}/close/", {"closed_on": "01/07/2025"})
    assert "chuyển sinh hoạt" in response.content.decode()


def test_an_inspector_reads_the_history_of_a_unit(world, client):
    from organizations.services import organization_update

    organization_update(world.clerk, world.ward, renamed_on=dt.date(2025, 7, 1), issuer_code="ĐUP")
    client.force_login(world.inspector)
    body = client.get(f"/units/{world.ward.pk}/history/").content.decode()
    assert "Tổ chức: sửa" in body and "ĐUP" in body and "vanphong" in body
    client.force_login(world.propaganda)
    assert client.get(f"/units/{world.ward.pk}/history/").status_code == 403
