import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from conferences import services
from conferences.models import Attendance, BridgePoint, Channel, Format, Status, Tally
from conferences.tests.builders import conference_for
from conftest import add_member
from members.models import MemberStatus


def _tally(campaign, unit) -> dict:
    row = Tally.objects.filter(campaign=campaign, organization=unit).values().first() or {}
    return {k: v for k, v in row.items() if k not in ("id", "campaign_id", "organization_id")}


def test_a_host_marks_members_and_the_headcounts_and_tallies_follow(world, campaign, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    services.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm nằm viện"
    )
    hall.refresh_from_db()
    assert (hall.present, hall.left_early, hall.absent) == (1, 0, 1)
    tally = _tally(campaign, world.cell)
    assert tally["present"] == 1 and tally["present_online"] == 0  # the hall is in person
    assert tally["absent_excused"] == 1 and tally["absent_unexcused"] == 0
    mark = Attendance.objects.get(member=world.an)
    assert mark.channel == Channel.ROSTER and mark.organization == world.cell
    assert mark.report_due == timezone.localtime(hall.conference.starts_at).date() + dt.timedelta(
        days=campaign.report_days
    )


def test_members_at_a_bridge_point_of_an_online_conference_count_as_online(
    world, campaign, cell2_point
):
    helper = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    services.attendance_mark(world.secretary, cell2_point, helper, Status.PRESENT)
    assert _tally(campaign, world.cell2)["present_online"] == 1


def test_a_correction_keeps_the_old_status_in_the_audit_trail(world, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    mark, changed = services.attendance_mark(world.secretary, hall, world.an, Status.LEFT_EARLY)
    assert changed and mark.status == Status.LEFT_EARLY
    entry = AuditEntry.objects.filter(action="attendance.correct").get()
    assert entry.changes["status"] == [Status.ABSENT_UNEXCUSED, Status.LEFT_EARLY]
    hall.refresh_from_db()
    assert (hall.present, hall.left_early, hall.absent) == (0, 1, 0)


def test_marking_the_same_status_again_changes_nothing(world, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    _mark, changed = services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    assert not changed
    hall.refresh_from_db()
    assert hall.present == 1
    assert AuditEntry.objects.filter(action__startswith="attendance").count() == 1


def test_a_member_outside_the_conference_cannot_be_marked(world, hall):
    with pytest.raises(ValidationError, match="không thuộc danh sách dự hội nghị"):
        services.attendance_mark(world.secretary, hall, world.cuong, Status.PRESENT)
    with pytest.raises(ValidationError, match="không thuộc danh sách dự hội nghị"):
        services.attendance_mark(world.secretary, hall, world.stranger, Status.PRESENT)
    assert not Attendance.objects.exists()


def test_a_member_expected_at_another_bridge_point_is_told_which(world, hall, cell2_point):
    helper = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    with pytest.raises(ValidationError, match="Nhà văn hóa khu phố 2"):
        services.attendance_mark(world.secretary, hall, helper, Status.PRESENT)
    assert set(services.roster(hall)) == {world.an, world.binh}
    assert list(services.roster(cell2_point)) == [helper]
    # The page's count comes from the unit counters, and agrees with the roster.
    assert (services.roster_size(hall), services.roster_size(cell2_point)) == (2, 1)


def test_a_member_is_marked_once_per_campaign(world, campaign, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    second = conference_for(world, campaign, title="Hội nghị lần hai")
    with pytest.raises(ValidationError, match="đã được điểm danh tại hội nghị"):
        services.attendance_mark(
            world.secretary, second.bridge_points.get(), world.an, Status.ABSENT_UNEXCUSED
        )
    assert Attendance.objects.get().status == Status.PRESENT


def test_absent_with_reason_needs_the_reason(world, hall):
    with pytest.raises(ValidationError, match="cần ghi lý do"):
        services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_EXCUSED)
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.attendance_mark(world.secretary, hall, world.an, "sleeping")
    assert not Attendance.objects.exists()


def test_exempt_members_who_come_are_encouraged_not_required(world, campaign, hall):
    elder = add_member(world.cell, "Vũ Văn Lão", "010300", MemberStatus.EXEMPT)
    services.attendance_mark(world.secretary, hall, elder, Status.PRESENT)
    tally = _tally(campaign, world.cell)
    assert tally["encouraged"] == 1 and tally["present"] == 0


def test_closing_records_the_unmarked_as_absent_and_then_only_reasons_change(world, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    assert services.conference_close(world.secretary, hall.conference) == 1
    binh = Attendance.objects.get(member=world.binh)
    assert (binh.status, binh.channel) == (Status.ABSENT_UNEXCUSED, Channel.CLOSE)
    hall.refresh_from_db()
    assert (hall.present, hall.absent) == (1, 1)

    with pytest.raises(ValidationError, match="kết thúc điểm danh"):
        services.attendance_mark(world.secretary, hall, world.binh, Status.PRESENT)
    with pytest.raises(ValidationError, match="kết thúc điểm danh"):
        services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    services.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Đi công tác"
    )
    assert Attendance.objects.get(member=world.an).status == Status.PRESENT
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.conference_close(world.secretary, hall.conference)


def test_a_conference_that_has_not_begun_cannot_be_closed(world, campaign):
    future = conference_for(
        world, campaign, starts_at=timezone.now() + dt.timedelta(days=2), title="Sắp tới"
    )
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        services.conference_close(world.secretary, future)


def test_guests_are_counted_for_the_host_unit(world, campaign, hall):
    services.guests_set(world.secretary, hall, 12)
    services.guests_set(world.secretary, hall, 9)
    hall.refresh_from_db()
    assert hall.guests == 9 and hall.headcount == 9
    assert _tally(campaign, world.ward)["guests"] == 9
    with pytest.raises(ValidationError):
        services.guests_set(world.secretary, hall, -1)


def test_rebuilding_the_tallies_from_the_marks_finds_nothing_to_change(world, campaign, hall):
    helper = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    elder = add_member(world.cell, "Vũ Văn Lão", "010300", MemberStatus.EXEMPT)
    point = services.bridge_point_add(
        world.secretary, hall.conference, name="KP2", host=world.cell2, units=[world.cell2]
    )
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    services.attendance_mark(world.secretary, hall, elder, Status.LEFT_EARLY)
    services.attendance_mark(world.secretary, point, helper, Status.PRESENT)
    services.guests_set(world.secretary, point, 4)
    services.conference_close(world.secretary, hall.conference)
    makeup = services.makeup_create(
        world.secretary,
        campaign,
        world.ward,
        held_on=timezone.localdate(),
        venue="Phòng họp",
        marks=Attendance.objects.filter(member=world.binh),
    )
    services.makeup_confirm(world.secretary, makeup, [Attendance.objects.get(member=world.binh).pk])

    assert services.tally_rebuild() == 0

    Tally.objects.filter(organization=world.cell).update(present=40)
    BridgePoint.objects.filter(pk=point.pk).update(present=0)
    assert Tally.objects.filter(organization=world.cell2).delete()[0] == 1
    assert services.tally_rebuild() == 3
    assert _tally(campaign, world.cell2)["guests"] == 4
    assert services.tally_rebuild() == 0
    assert _tally(campaign, world.cell)["present"] == 1


def test_a_member_whose_cell_gets_its_own_point_is_moved_there_with_the_counts(
    world, campaign, hall
):
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    point = services.bridge_point_add(
        world.secretary, hall.conference, name="KP1", host=world.cell, units=[world.cell]
    )
    mark, changed = services.attendance_mark(world.secretary, point, world.an, Status.PRESENT)
    assert changed and mark.bridge_point == point and mark.online
    hall.refresh_from_db()
    point.refresh_from_db()
    assert (hall.present, hall.absent, point.present, point.absent) == (0, 0, 1, 0)
    assert _tally(campaign, world.cell)["present_online"] == 1
    assert AuditEntry.objects.filter(action="attendance.correct").get().changes["bridge_point"] == [
        "Hội trường chính",
        "KP1",
    ]
    assert services.tally_rebuild() == 0


def test_a_conference_with_bridge_points_cannot_become_in_person(world, cell2_point):
    conference = cell2_point.conference
    with pytest.raises(ValidationError, match="đã có điểm cầu"):
        services.conference_update(world.secretary, conference, format=Format.IN_PERSON)
    conference.refresh_from_db()
    assert conference.format == Format.ONLINE
