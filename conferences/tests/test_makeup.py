"""Absentees get a make-up briefing from their own committee; their deadline moves."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conferences import services
from conferences.models import Attendance, Makeup, Status, Tally


@pytest.fixture
def absent(world, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    services.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Đi viện"
    )
    return Attendance.objects.get(member=world.binh)


def test_the_absentee_list_shows_reasons_and_scheduling_moves_the_deadline(
    world, client, campaign, absent
):
    client.force_login(world.secretary)
    url = reverse("conferences:absentees", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url, {"unit": world.ward.pk}).content.decode()
    assert "Trần Thị Bình" in page and "Đi viện" in page and "Nguyễn Văn An" not in page

    day = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        f"{url}?unit={world.ward.pk}",
        {"marks": [absent.pk], "held_on": day.strftime("%d/%m/%Y"), "venue": "Phòng họp"},
    )
    makeup = Makeup.objects.get()
    assert response.status_code == 302
    absent.refresh_from_db()
    assert absent.makeup == makeup
    assert absent.report_due == day + dt.timedelta(days=campaign.makeup_days)


def test_a_briefing_is_confirmed_only_once_it_has_taken_place(world, campaign, absent):
    makeup = services.makeup_create(
        world.secretary,
        campaign,
        world.ward,
        held_on=timezone.localdate() + dt.timedelta(days=2),
        venue="Phòng họp",
        marks=[absent],
    )
    with pytest.raises(ValidationError, match="chỉ xác nhận được từ ngày đó"):
        services.makeup_confirm(world.secretary, makeup, [absent.pk])
    absent.refresh_from_db()
    assert not absent.made_up


def test_confirming_counts_those_who_came_and_returns_the_others(world, campaign, hall):
    campaign.makeup_days = 10  # a longer window than the report's 7 days, to tell them apart
    campaign.save(update_fields=["makeup_days"])
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    services.attendance_mark(world.secretary, hall, world.binh, Status.LEFT_EARLY)
    marks = list(Attendance.objects.order_by("member__sort_key"))
    original_due = marks[0].report_due
    makeup = services.makeup_create(
        world.secretary,
        campaign,
        world.ward,
        held_on=timezone.localdate(),
        venue="Hội trường",
        marks=marks,
    )
    came = Attendance.objects.get(member=world.an)
    assert services.makeup_confirm(world.secretary, makeup, [came.pk]) == 1

    came.refresh_from_db()
    stayed = Attendance.objects.get(member=world.binh)
    assert came.made_up and came.report_due > original_due
    assert not stayed.made_up and stayed.makeup is None and stayed.report_due == original_due
    assert Tally.objects.get(campaign=campaign, organization=world.cell).made_up == 1
    assert list(services.absentees(campaign, world.ward)) == [stayed]
    with pytest.raises(ValidationError, match="đã được xác nhận"):
        services.makeup_confirm(world.secretary, makeup, [stayed.pk])
    with pytest.raises(ValidationError, match="đã học bù"):
        services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)


def test_only_absentees_of_the_unit_can_be_scheduled(world, campaign, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    present = Attendance.objects.get()
    with pytest.raises(ValidationError, match="không thuộc diện học bù"):
        services.makeup_create(
            world.secretary,
            campaign,
            world.ward,
            held_on=timezone.localdate(),
            venue="P",
            marks=[present],
        )
    with pytest.raises(ValidationError, match="ít nhất một"):
        services.makeup_create(
            world.secretary,
            campaign,
            world.ward,
            held_on=timezone.localdate(),
            venue="P",
            marks=[],
        )


def test_a_briefing_before_the_conference_is_refused(world, campaign, absent):
    with pytest.raises(ValidationError, match="sau ngày hội nghị"):
        services.makeup_create(
            world.secretary,
            campaign,
            world.ward,
            held_on=timezone.localdate() - dt.timedelta(days=10),
            venue="P",
            marks=[absent],
        )


def test_someone_outside_the_unit_cannot_see_or_schedule(world, client, campaign, absent):
    client.force_login(world.outsider)
    url = reverse("conferences:absentees", kwargs={"campaign_pk": campaign.pk})
    assert client.get(url, {"unit": world.ward.pk}).status_code == 404
    client.force_login(world.inspector)  # sees the city, may not schedule
    assert client.get(url, {"unit": world.ward.pk}).status_code == 200
    response = client.post(
        f"{url}?unit={world.ward.pk}",
        {"marks": [absent.pk], "held_on": timezone.localdate().strftime("%d/%m/%Y"), "venue": "P"},
    )
    assert response.status_code == 403
    assert not Makeup.objects.exists()
