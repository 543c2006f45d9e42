"""Figures for any subtree, summed from counters: never typed, never counted per member."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from conferences import services
from conferences.models import Status
from conferences.rollup import campaign_rollup
from conftest import add_member
from members.models import MemberStatus


def _marked(world, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    services.attendance_mark(world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm")
    services.guests_set(world.secretary, hall, 3)


def test_the_city_sees_its_wards_figures_and_the_rate_of_required_members(world, campaign, hall):
    add_member(world.cell, "Vũ Văn Lão", "010300", MemberStatus.EXEMPT)
    _marked(world, hall)
    rollup = campaign_rollup(campaign, world.city)
    total = rollup.total
    # Three required members in the city (an, binh, cuong); the exempt one is not required.
    assert (total.members, total.required) == (4, 3)
    assert (total.attended, total.absent, total.not_marked) == (1, 1, 1)
    assert round(total.rate, 4) == 0.3333
    assert total.counts["guests"] == 3
    ward, commune = rollup.children
    assert (ward.unit, ward.required, ward.attended, ward.cells, ward.cells_held) == (
        world.ward,
        2,
        1,
        2,
        1,
    )
    assert not ward.done  # the second cell has held nothing yet
    assert (commune.required, commune.attended, commune.cells_held) == (1, 0, 0)
    assert rollup.conferences == 1 and rollup.bridge_points == 1


def test_the_page_shows_figures_in_vietnamese_and_a_bar_per_unit(world, client, campaign, hall):
    _marked(world, hall)
    client.force_login(world.propaganda)
    page = client.get(reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk}))
    body = page.content.decode()
    assert "1/3 đảng viên phải học tập đã tham dự, đạt 33,33%." in body
    assert "Đảng bộ phường Lam Hạ" in body and 'class="bar"' in body
    assert "50,00%" in body  # the ward: 1 of 2
    # Its bridge points with their headcounts: one member present and three guests.
    hall_row = body[body.index("Hội trường chính") :].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in hall_row.split("</td>")[2:7]] == [
        "1",
        "0",
        "1",
        "3",
        "4",
    ]


def test_the_number_of_queries_does_not_grow_with_members(world, client, campaign, hall):
    client.force_login(world.propaganda)
    url = reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(30):
        member = add_member(world.cell, f"Thành viên {n}", f"0900{n:02d}")
        services.attendance_mark(world.secretary, hall, member, Status.PRESENT)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
    assert len(after) <= 26  # attendance figures, learning-report figures, bridge points


def test_a_ward_sees_only_its_own_subtree(world, client, campaign, hall):
    _marked(world, hall)
    client.force_login(world.secretary)
    url = reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk})
    body = client.get(url).content.decode()
    assert "Đảng bộ phường Lam Hạ" in body and "Đảng bộ xã Tiên Tân" not in body
    assert client.get(url, {"unit": world.commune.pk}).status_code == 404
    assert client.get(url, {"unit": world.city.pk}).status_code == 404


def test_the_rollup_api_gives_the_same_figures(world, client, campaign, hall):
    _marked(world, hall)
    _token, raw = ApiToken.issue(world.propaganda, "báo cáo")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.get(f"/api/v1/campaigns/{campaign.pk}/rollup", **auth)
    assert response.status_code == 200
    data = response.json()
    assert data["total"]["required"] == 3 and data["total"]["attended"] == 1
    assert [c["unit"]["code"] for c in data["children"]] == ["HNA-LH", "HNA-TT"]
    ward = client.get(f"/api/v1/campaigns/{campaign.pk}/rollup?unit={world.ward.pk}", **auth)
    assert ward.json()["total"]["absent_excused"] == 1

    _token, other = ApiToken.issue(world.outsider, "x")
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {other}"}
    assert client.get(f"/api/v1/campaigns/{campaign.pk}/rollup", **outsider).status_code == 404


def test_a_cell_sums_its_own_marks_and_the_city_equals_the_sum_of_its_parts(world, campaign, hall):
    _marked(world, hall)
    cell = campaign_rollup(campaign, world.cell).total
    assert (cell.required, cell.attended, cell.absent, cell.cells, cell.cells_held) == (
        2,
        1,
        1,
        1,
        1,
    )
    city = campaign_rollup(campaign, world.city)
    for name in ("members", "required", "attended", "absent", "cells", "cells_held"):
        assert getattr(city.total, name) == sum(getattr(c, name) for c in city.children), name
