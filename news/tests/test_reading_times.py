"""A lead that gives the part of the day ("Chiều ngày 27/12/2023") is recorded as that
part of that day, never as an invented hour; the reading page writes days dd/mm/yyyy."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences import services as conferences
from conferences.models import Conference, PartOfDay
from news.extractor import FIELDS, extract, extract_reading

pytestmark = pytest.mark.django_db


def _lead(sentence: str) -> dict:
    return extract_reading(f"Đảng ủy xã An Khánh học tập Nghị quyết\n\n{sentence}")


def test_the_part_of_the_day_is_read_from_the_lead():
    cases = {
        "Chiều ngày 27/12/2023, Đảng ủy xã A tổ chức hội nghị học tập Nghị quyết.": "afternoon",
        "Sáng 18-12-2023, Đảng ủy xã A tổ chức hội nghị học tập Nghị quyết.": "morning",
        "Tối 18/12/2023, Đảng ủy xã A tổ chức hội nghị học tập Nghị quyết.": "evening",
        "Sáng thứ Hai, 18-12, Đảng ủy xã A tổ chức hội nghị học tập Nghị quyết năm 2023.": (
            "morning"
        ),
        "Vào chiều 5/1/2024, Chi bộ A tổ chức hội nghị quán triệt Nghị quyết.": "afternoon",
        "Ngày 4/12/2023, Đảng ủy xã A tổ chức hội nghị học tập Nghị quyết.": None,
        "Đảng viên học tập Nghị quyết tới 18/12/2023 tại hội nghị.": None,
    }
    assert {lead: _lead(lead)["event_part_of_day"] for lead in cases} == cases


def test_the_agreed_record_keeps_its_keys():
    text = "Xã A học tập Nghị quyết\n\nChiều ngày 27/12/2023, Đảng ủy xã A tổ chức hội nghị."
    assert list(extract(text)) == list(FIELDS)
    assert {k: v for k, v in extract_reading(text).items() if k in FIELDS} == extract(text)


def _article(when: str) -> str:
    return (
        "Đảng bộ phường Lam Hạ tổ chức Hội nghị học tập Nghị quyết số 23-NQ/TU\n"
        f"{when}, Đảng bộ phường Lam Hạ tổ chức Hội nghị học tập, quán triệt Nghị quyết số "
        "23-NQ/TU của Thành ủy với 150 đảng viên tham dự.\n"
    )


def _record(client, world, campaign, text: str) -> tuple[Conference, str]:
    client.force_login(world.propaganda)
    answer = client.post(reverse("news:read"), {"text": text})
    shown = client.get(answer.url).content.decode()
    client.post(answer.url, {"campaign": campaign.pk, "unit": world.ward.pk})
    return Conference.objects.get(), shown


def test_an_afternoon_conference_is_recorded_as_that_afternoon_not_at_an_invented_hour(
    world, client, campaign
):
    conference, reading_page = _record(client, world, campaign, _article("Chiều ngày 27/12/2023"))
    assert "Chiều 27/12/2023" in reading_page and "2023-12-27" not in reading_page
    assert conference.part_of_day == PartOfDay.AFTERNOON
    local = timezone.localtime(conference.starts_at)
    assert (local.day, local.month, local.year) == (27, 12, 2023) and local.hour >= 12
    page = client.get(reverse("conferences:detail", args=[conference.pk])).content.decode()
    assert "Chiều 27/12/2023" in page
    assert f"{local.hour:02d}:{local.minute:02d}" not in page


def test_a_lead_without_a_part_of_day_records_the_day_alone(world, client, campaign):
    conference, reading_page = _record(client, world, campaign, _article("Ngày 04/12/2023"))
    assert "04/12/2023" in reading_page and "2023-12-04" not in reading_page
    assert conference.part_of_day == PartOfDay.UNKNOWN
    page = client.get(reverse("conferences:detail", args=[conference.pk])).content.decode()
    local = timezone.localtime(conference.starts_at)
    assert "04/12/2023" in page and f"{local.hour:02d}:{local.minute:02d}" not in page


def test_setting_the_hour_later_makes_the_time_exact(world, client, campaign):
    conference, _ = _record(client, world, campaign, _article("Chiều ngày 27/12/2023"))
    exact = timezone.localtime(conference.starts_at).replace(hour=13, minute=30)
    conferences.conference_update(world.propaganda, conference, starts_at=exact)
    conference.refresh_from_db()
    assert conference.part_of_day == PartOfDay.EXACT
    page = client.get(reverse("conferences:detail", args=[conference.pk])).content.decode()
    assert "27/12/2023 13:30" in page


def test_the_edit_form_says_the_hour_shown_is_not_known(world, client, campaign):
    conference, _ = _record(client, world, campaign, _article("Chiều ngày 27/12/2023"))
    page = client.get(reverse("conferences:edit", args=[conference.pk])).content.decode()
    assert "Chưa biết giờ chính xác (ghi nhận: Chiều 27/12/2023)" in page
