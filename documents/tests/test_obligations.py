"""The city asks its grassroots committees to issue their plans and follows who has."""

import datetime as dt
import re

from documents import services
from documents.models import Document, Kind, Obligation


def assign(client, document, units, due_on="30/06/2024"):
    return client.post(
        f"/documents/{document.pk}/obligations/",
        {"units": [unit.pk for unit in units], "due_on": due_on},
    )


def rows(page: str) -> list[tuple[str, str, str]]:
    """(unit, due date, state) for each row of the obligations table."""
    found = re.findall(
        r'<td data-label="Đơn vị">(.*?)</td><td data-label="Hạn">(.*?)</td>'
        r'<td data-label="Tình trạng">(.*?)</td>',
        page,
    )
    return sorted(found)


def counts(page: str) -> str:
    match = re.search(r"<p>(Chưa xây dựng: <b>.*?)</p>", page, re.S)
    return re.sub(r"</?b>", "", match.group(1)) if match else ""


def test_the_form_offers_the_two_grassroots_committees_only(world, client, programme):
    client.force_login(world.clerk)
    page = client.get(f"/documents/{programme.pk}/obligations/").content.decode()
    assert "Chưa giao đơn vị nào." in page
    offered = set(re.findall(r'name="units" value="(\d+)"', page))
    assert offered == {str(world.ward.pk), str(world.commune.pk)}


def test_the_city_assigns_both_committees_a_deadline(world, client, programme):
    client.force_login(world.clerk)
    response = assign(client, programme, [world.ward, world.commune])
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{programme.pk}/obligations/"
    assert sorted(Obligation.objects.values_list("unit__code", "due_on", "state")) == [
        ("HNA-LH", dt.date(2024, 6, 30), "not_drafted"),
        ("HNA-TT", dt.date(2024, 6, 30), "not_drafted"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert rows(page) == [
        ("Đảng bộ phường Lam Hạ", "30/06/2024", "Chưa xây dựng"),
        ("Đảng bộ xã Tiên Tân", "30/06/2024", "Chưa xây dựng"),
    ]
    # Both are assigned: nothing is left to offer.
    assert 'name="units" value=' not in page


def test_a_cell_or_another_provinces_unit_cannot_be_assigned(world, client, programme):
    client.force_login(world.clerk)
    for unit in (world.cell, world.other, world.city):
        response = assign(client, programme, [unit])
        assert response.status_code == 200
    assert not Obligation.objects.exists()


def test_an_assignment_needs_a_due_date(world, client, programme):
    client.force_login(world.clerk)
    assert assign(client, programme, [world.ward], due_on="").status_code == 200
    assert assign(client, programme, [world.ward], due_on="31/02/2024").status_code == 200
    assert assign(client, programme, [], due_on="30/06/2024").status_code == 200
    assert not Obligation.objects.exists()


def test_a_unit_is_assigned_once(world, client, programme):
    client.force_login(world.clerk)
    assign(client, programme, [world.ward])
    assert assign(client, programme, [world.ward], due_on="31/07/2024").status_code == 200
    assert list(Obligation.objects.values_list("unit_id", "due_on")) == [
        (world.ward.pk, dt.date(2024, 6, 30))
    ]


def test_marking_a_plan_drafted(world, client, programme):
    client.force_login(world.clerk)
    assign(client, programme, [world.ward, world.commune])
    ward = Obligation.objects.get(unit=world.ward)
    response = client.post(f"/documents/obligations/{ward.pk}/drafted/")
    assert response.status_code == 302
    ward.refresh_from_db()
    assert ward.state == Obligation.State.DRAFTED
    page = client.get(f"/documents/{programme.pk}/obligations/").content.decode()
    assert rows(page) == [
        ("Đảng bộ phường Lam Hạ", "30/06/2024", "Đã xây dựng, chưa gửi"),
        ("Đảng bộ xã Tiên Tân", "30/06/2024", "Chưa xây dựng"),
    ]


def test_the_ward_registers_its_plan_and_links_it_so_it_counts_as_sent(world, client, programme):
    client.force_login(world.clerk)
    assign(client, programme, [world.ward, world.commune])

    client.force_login(world.ward_clerk)
    response = client.post(
        "/documents/new/",
        {
            "owner": world.ward.pk,
            "symbol_raw": "05-KH/ĐU",
            "kind": "",
            "issuer_name": "Đảng ủy phường Lam Hạ",
            "issued_on": "02/04/2024",
            "term": "5",
            "plenum": "",
            "title": "Kế hoạch thực hiện Chương trình 30-CTr/TU",
        },
    )
    assert response.status_code == 302
    plan = Document.objects.get(symbol="05-KH/ĐU")
    client.post(f"/documents/{plan.pk}/links/", {"kind": "implements", "target": "30-CTr/TU"})

    ward = Obligation.objects.get(unit=world.ward)
    assert (ward.state, ward.plan, ward.sent_on) == ("sent", plan, dt.date(2024, 4, 2))
    assert Obligation.objects.get(unit=world.commune).state == "not_drafted"

    client.force_login(world.clerk)
    page = client.get(f"/documents/{programme.pk}/obligations/").content.decode()
    assert rows(page) == [
        ("Đảng bộ phường Lam Hạ", "30/06/2024", "Đã gửi"),
        ("Đảng bộ xã Tiên Tân", "30/06/2024", "Chưa xây dựng"),
    ]
    assert f'<a href="/documents/{plan.pk}/">05-KH/ĐU</a> (02/04/2024)' in page

    detail = client.get(f"/documents/{programme.pk}/").content.decode()
    assert counts(detail) == "Chưa xây dựng: 1 · Đã xây dựng, chưa gửi: 0 · Đã gửi: 1"
    assert "Đơn vị đã / chưa ban hành kế hoạch (2)" in detail

    sent_only = client.get(f"/documents/{programme.pk}/obligations/", {"state": "sent"})
    assert [row[0] for row in rows(sent_only.content.decode())] == ["Đảng bộ phường Lam Hạ"]


def test_a_plan_linked_before_the_assignment_counts_as_sent_at_once(world, client, programme):
    plan = services.document_register(
        world.ward_clerk,
        owner=world.ward,
        symbol_raw="05-KH/ĐU",
        kind=Kind.PLAN,
        issuer_name="Đảng ủy phường Lam Hạ",
        issued_on=dt.date(2024, 4, 2),
        term=5,
        title="Kế hoạch",
    )
    services.link_create(world.ward_clerk, source=plan, target=programme, kind="implements")
    client.force_login(world.clerk)
    assign(client, programme, [world.ward, world.commune])
    assert sorted(Obligation.objects.values_list("unit__code", "state")) == [
        ("HNA-LH", "sent"),
        ("HNA-TT", "not_drafted"),
    ]


def test_marking_drafted_does_not_undo_a_sent_plan(world, client, programme):
    client.force_login(world.clerk)
    assign(client, programme, [world.ward])
    obligation = Obligation.objects.get()
    Obligation.objects.filter(pk=obligation.pk).update(state=Obligation.State.SENT)
    client.post(f"/documents/obligations/{obligation.pk}/drafted/")
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.SENT


def test_the_ward_sees_only_its_own_obligation(world, client, programme):
    client.force_login(world.clerk)
    assign(client, programme, [world.ward, world.commune])
    client.force_login(world.ward_clerk)
    page = client.get(f"/documents/{programme.pk}/obligations/").content.decode()
    assert [row[0] for row in rows(page)] == ["Đảng bộ phường Lam Hạ"]
    assert "Giao đơn vị trực thuộc xây dựng kế hoạch" not in page


def test_a_ward_clerk_cannot_assign(world, client, programme):
    client.force_login(world.ward_clerk)
    assert assign(client, programme, [world.ward]).status_code == 403
    assert not Obligation.objects.exists()


def test_a_ward_clerk_cannot_mark_the_communes_obligation(world, client, programme):
    client.force_login(world.clerk)
    assign(client, programme, [world.ward, world.commune])
    commune = Obligation.objects.get(unit=world.commune)
    client.force_login(world.ward_clerk)
    assert client.post(f"/documents/obligations/{commune.pk}/drafted/").status_code == 404
    commune.refresh_from_db()
    assert commune.state == Obligation.State.NOT_DRAFTED


def test_an_outsider_gets_404(world, client, programme):
    client.force_login(world.clerk)
    assign(client, programme, [world.ward])
    obligation = Obligation.objects.get()
    client.force_login(world.outsider)
    assert client.get(f"/documents/{programme.pk}/obligations/").status_code == 404
    assert assign(client, programme, [world.commune]).status_code == 404
    assert client.post(f"/documents/obligations/{obligation.pk}/drafted/").status_code == 404
    assert Obligation.objects.count() == 1
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.NOT_DRAFTED
