"""The make-up form has one way to choose people: the ticked rows of the absentee table."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences import services
from conferences.models import Attendance, Makeup, Status


@pytest.fixture
def absentees(world, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    services.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Đi viện"
    )
    return {mark.member_id: mark for mark in Attendance.objects.all()}


def _url(campaign, world):
    url = reverse("conferences:absentees", kwargs={"campaign_pk": campaign.pk})
    return f"{url}?unit={world.ward.pk}"


def test_the_page_offers_the_table_checkboxes_and_no_second_list_of_people(
    world, client, campaign, absentees
):
    client.force_login(world.secretary)
    page = client.get(_url(campaign, world)).content.decode()
    assert not re.search(r'<select[^>]*name="marks"', page)
    boxes = re.findall(r'<input type="checkbox" name="marks" value="(\d+)"', page)
    assert sorted(map(int, boxes)) == sorted(mark.pk for mark in absentees.values())
    assert len(re.findall(r'name="marks"', page)) == len(absentees)


def test_the_ticked_absentees_are_scheduled_and_the_others_are_not(
    world, client, campaign, absentees
):
    client.force_login(world.secretary)
    day = timezone.localdate() + dt.timedelta(days=2)
    ticked = absentees[world.binh.pk]
    response = client.post(
        _url(campaign, world),
        {"marks": [ticked.pk], "held_on": day.strftime("%d/%m/%Y"), "venue": "Phòng họp"},
    )
    assert response.status_code == 302
    makeup = Makeup.objects.get()
    assert list(makeup.attendances.values_list("pk", flat=True)) == [ticked.pk]
    assert Attendance.objects.get(member=world.an).makeup is None


def test_nobody_ticked_gets_a_clear_message_and_keeps_what_was_typed(
    world, client, campaign, absentees
):
    client.force_login(world.secretary)
    day = timezone.localdate() + dt.timedelta(days=2)
    typed = day.strftime("%d/%m/%Y")
    response = client.post(_url(campaign, world), {"held_on": typed, "venue": "Nhà văn hóa"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hãy chọn ít nhất một đảng viên cần học bù." in page
    # The date picker is given the typed day in the ISO form it reads.
    assert 'value="Nhà văn hóa"' in page and f'value="{day.isoformat()}"' in page
    assert not Makeup.objects.exists()


def test_a_form_error_keeps_the_ticks(world, client, campaign, absentees):
    client.force_login(world.secretary)
    ticked = absentees[world.an.pk]
    response = client.post(_url(campaign, world), {"marks": [ticked.pk], "venue": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'name="marks" value="{ticked.pk}"[^>]*checked', page)
    other = absentees[world.binh.pk]
    assert not re.search(rf'name="marks" value="{other.pk}"[^>]*checked', page)
    assert not Makeup.objects.exists()
