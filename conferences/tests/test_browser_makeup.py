"""A ward committee schedules a make-up briefing by ticking absentees, once, in a browser."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conferences import services
from conferences.models import Attendance, Makeup, Status
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_committee_ticks_an_absentee_and_schedules_the_briefing(world, page, campaign, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    services.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Đi viện"
    )
    login(page, "bithu")
    page.goto(f"/conferences/campaign/{campaign.pk}/absentees/?unit={world.ward.pk}")
    page.get_by_role("checkbox", name="Trần Thị Bình").check()
    day = timezone.localdate() + dt.timedelta(days=3)
    page.fill("input[name=held_on]", day.isoformat())  # the date picker takes ISO
    page.fill("input[name=venue]", "Nhà văn hóa khu phố 1")
    page.get_by_role("button", name="Lên lịch học bù").click()
    expect(page.get_by_text("Đã lên lịch học bù.")).to_be_visible()

    makeup = Makeup.objects.get()
    assert list(makeup.attendances.values_list("member_id", flat=True)) == [world.binh.pk]
    assert Attendance.objects.get(member=world.an).makeup is None
