"""What each role may do since "each role's day": the grassroots office runs conferences,
a cell's secretary ticks their own cell, the propaganda board registers the documents it
studies, the office plans inspections; and nobody does any of it outside their subtree."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts import policy
from accounts.models import Role
from accounts.policy import Action
from conferences.models import Attendance, Status
from conftest import _user
from programmes import services as programmes


@pytest.fixture
def hall(conference):
    return conference.bridge_points.get(is_main=True)


@pytest.fixture
def cell_secretary(world):
    return _user("bithu_kp1", Role.COMMITTEE, world.cell)


def tick(client, point, member, status=Status.PRESENT):
    return client.post(
        f"/conferences/bridges/{point.pk}/mark/", {"member": member.pk, "status": status}
    )


def test_the_ward_office_schedules_conferences_for_its_subtree_only(world, client, campaign):
    client.force_login(world.ward_clerk)
    page = client.get(f"/conferences/campaign/{campaign.pk}/new/")
    assert page.status_code == 200
    organizers = list(page.context["form"].fields["organizer"].queryset)
    assert world.ward in organizers and world.cell in organizers
    assert world.city not in organizers and world.commune not in organizers


def test_the_ward_office_adds_bridge_points_and_ticks_the_ward_roster(world, client, hall):
    client.force_login(world.ward_clerk)
    assert client.get(f"/conferences/{hall.conference_id}/bridges/new/").status_code == 200
    assert tick(client, hall, world.binh).status_code == 200
    assert Attendance.objects.get(member=world.binh).marked_by == world.ward_clerk


def test_an_office_of_another_province_neither_sees_nor_ticks_the_roster(world, client, hall):
    client.force_login(world.outsider)
    assert client.get(f"/conferences/bridges/{hall.pk}/").status_code == 404
    assert tick(client, hall, world.an).status_code == 404
    assert client.get(f"/conferences/{hall.conference_id}/bridges/new/").status_code == 404
    assert not Attendance.objects.exists()


def test_a_commune_office_does_not_run_the_wards_conference(world, client, hall):
    commune_clerk = _user("vanphong_tientan", Role.OFFICE, world.commune)
    client.force_login(commune_clerk)
    assert client.get(f"/conferences/{hall.conference_id}/bridges/new/").status_code == 404
    assert tick(client, hall, world.an).status_code in (403, 404)
    assert not Attendance.objects.exists()


def test_a_cell_secretary_ticks_their_own_cell_on_the_wards_roster(
    world, client, hall, cell_secretary
):
    client.force_login(cell_secretary)
    roster = client.get(f"/conferences/bridges/{hall.pk}/")
    assert roster.status_code == 200
    shown = {m.pk for m in roster.context["members"]}
    assert world.an.pk in shown
    assert all(m.organization_id == world.cell.pk for m in roster.context["members"])
    assert tick(client, hall, world.an).status_code == 200
    assert Attendance.objects.get(member=world.an).status == Status.PRESENT


def test_a_cell_secretary_cannot_tick_a_member_of_the_next_cell(
    world, client, hall, cell_secretary
):
    from conftest import add_member

    neighbour = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    client.force_login(cell_secretary)
    assert tick(client, hall, neighbour).status_code == 403
    assert not Attendance.objects.filter(member=neighbour).exists()


def test_a_member_without_a_role_ticks_nobody(world, client, hall):
    client.force_login(world.member_user)
    assert tick(client, hall, world.an).status_code == 403
    assert not Attendance.objects.exists()


def test_the_propaganda_board_registers_the_documents_its_campaigns_study(world, client):
    client.force_login(world.propaganda)
    page = client.get("/documents/new/")
    assert page.status_code == 200
    assert policy.can(world.propaganda, Action.MANAGE_DOCUMENTS, world.city)
    assert not policy.can(world.propaganda, Action.MANAGE_DOCUMENTS, world.other)
    assert not policy.can(world.inspector, Action.MANAGE_DOCUMENTS, world.city)


def test_the_office_plans_inspections_but_does_not_record_their_conclusions(world):
    today = timezone.localdate()
    inspection = programmes.inspection_create(
        world.ward_clerk,
        organization=world.ward,
        units=[world.cell],
        subject="Kiểm tra việc học tập Nghị quyết 23-NQ/TU",
        period_from=today,
        period_to=today + dt.timedelta(days=5),
    )
    assert inspection.created_by == world.ward_clerk
    assert not policy.can(world.ward_clerk, Action.INSPECT, world.ward)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        programmes.inspection_record(
            world.ward_clerk, inspection, visited_on=today, findings="x", conclusions="y"
        )
    with pytest.raises(ValidationError):
        programmes.inspection_create(
            world.ward_clerk,
            organization=world.commune,
            units=[world.commune_cell],
            subject="Ngoài phạm vi",
            period_from=today,
            period_to=today,
        )


def test_the_demo_login_list_says_what_each_role_does(db):
    from members.demo import ROLE_SUMMARY

    assert "(xem)" not in " ".join(ROLE_SUMMARY.values())
    assert set(ROLE_SUMMARY) >= {Role.OFFICE, Role.PROPAGANDA, Role.INSPECTION, Role.REVIEWER}


def test_where_a_button_is_absent_the_page_says_who_may_do_it(world, client, hall, campaign):
    note = "Cấp ủy, Văn phòng hoặc Tuyên giáo của Đảng bộ phường Lam Hạ (hoặc cấp trên)"
    client.force_login(world.inspector)
    page = client.get(f"/conferences/{hall.conference_id}/").content.decode()
    assert note in page and "lên lịch hội nghị" in page
    assert "Việc này do Văn phòng hoặc Tuyên giáo thực hiện: đăng ký văn bản" in (
        client.get("/documents/").content.decode()
    )
    client.force_login(world.ward_clerk)
    page = client.get(f"/conferences/{hall.conference_id}/").content.decode()
    assert note not in page and "Thêm điểm cầu" in page
