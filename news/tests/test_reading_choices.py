"""The reading page: honest uncertainty, the article's own wording of counts and hours, the
ranked units and the manual choice, links to the registry."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.models import Conference, PartOfDay
from conftest import add_unit
from news.models import Reading

pytestmark = pytest.mark.django_db


def _read(client, text):
    answer = client.post(reverse("news:read"), {"text": text})
    reading = Reading.objects.latest("pk")
    return reading, client.get(answer.url).content.decode()


ARTICLE = (
    "Sở Tài nguyên và Môi trường Hà Nam học tập Nghị quyết số 23-NQ/TU\n"
    "Ngày đăng 16/12/2025\n"
    "Lúc 14 giờ 30 ngày 15/12, Sở Tài nguyên và Môi trường Hà Nam tổ chức hội nghị học "
    "tập, quán triệt Nghị quyết số 23-NQ/TU và Kết luận 61 cho gần 150 đảng viên tham dự.\n"
)


def test_the_page_keeps_the_hour_and_says_a_count_is_approximate(world, client, campaign):
    department = add_unit(world.city, "Đảng bộ Sở Tài nguyên và Môi trường", "HNA-TNMT", "ĐU")
    client.force_login(world.propaganda)
    reading, page = _read(client, ARTICLE)
    assert reading.found["event_time"] == "14:30"
    assert "14:30 15/12/2025" in page
    assert "gần 150" in page and "số ước lượng" in page
    # "Kết luận 61" names no issuer: kept, flagged for checking, not invented.
    assert "Kết luận số 61" in page and "có văn bản chưa rõ cơ quan ban hành" in page
    document = campaign.documents.get()
    assert reverse("documents:detail", args=[document.pk]) in page
    # The unit written differently is proposed first and chosen already.
    assert "Đảng bộ Sở Tài nguyên và Môi trường (khớp 95%)" in page
    assert "unit-uncertain" not in page
    client.post(
        reverse("news:reading", args=[reading.pk]), {"campaign": campaign.pk, "unit": department.pk}
    )
    conference = Conference.objects.get()
    assert conference.organizer == department and conference.part_of_day == PartOfDay.EXACT
    assert timezone.localtime(conference.starts_at).time() == dt.time(14, 30)


def test_a_part_of_the_day_is_not_turned_into_an_hour(world, client):
    client.force_login(world.propaganda)
    reading, page = _read(client, ARTICLE.replace("Lúc 14 giờ 30 ngày", "Chiều ngày"))
    assert reading.found["event_time"] is None
    assert "Chiều 15/12/2025" in page and "08:00" not in page


def test_low_confidence_fields_are_highlighted(world, client):
    client.force_login(world.propaganda)
    # No year anywhere but a document's date; no word on the format; the organiser only
    # in the title.
    text = (
        "Đảng ủy xã Tiên Tân: học tập Nghị quyết 23 của Thành ủy\n"
        "Ngày 4/12, hội nghị học tập, quán triệt Nghị quyết số 23 ngày 01/9/2025 của Thành "
        "ủy đã diễn ra với các đảng viên.\n"
    )
    reading, page = _read(client, text)
    confidence = reading.found["confidence"]
    assert confidence["format"] < 0.7 and confidence["organizer"] < 0.7
    assert page.count('class="low"') >= 2 and "bài không nói rõ" in page
    assert reading.found["documents"] == ["23-NQ/TU"]


def test_when_no_unit_is_certain_the_officer_chooses_among_all_they_may_see(
    world, client, campaign
):
    client.force_login(world.propaganda)
    text = ARTICLE.replace("Sở Tài nguyên và Môi trường Hà Nam", "Phòng Văn hóa và Thông tin")
    reading, page = _read(client, text)
    assert 'id="unit-uncertain"' in page
    assert "Các đơn vị khác trong phạm vi của bạn" in page and "Chi bộ thôn Đồng Ao" in page
    assert "Tỉnh ủy Ninh Bình" not in page and "Chi bộ phố Vân Giang" not in page
    url = reverse("news:reading", args=[reading.pk])
    nothing = client.post(url, {"campaign": campaign.pk, "unit": ""}, follow=True)
    assert "Hãy chọn đợt học tập và đơn vị." in nothing.content.decode()
    outside = client.post(url, {"campaign": campaign.pk, "unit": world.other_cell.pk})
    assert outside.status_code == 404 and not Conference.objects.exists()
    client.post(url, {"campaign": campaign.pk, "unit": world.commune_cell.pk})
    assert Conference.objects.get().organizer == world.commune_cell


def test_without_a_matching_campaign_every_visible_campaign_is_offered(world, client, campaign):
    client.force_login(world.propaganda)
    text = ARTICLE.replace("23-NQ/TU", "99-NQ/TU")
    _, page = _read(client, text)
    assert "Các đợt học tập khác" in page and campaign.title in page
    assert "— Chọn đợt học tập —" in page


def test_a_cited_document_is_linked_only_for_readers_who_may_open_it(world, client, campaign):
    document = campaign.documents.get()
    link = reverse("documents:detail", args=[document.pk])
    client.force_login(world.outsider)
    _, page = _read(client, ARTICLE)
    assert "23-NQ/TU" in page and link not in page
    assert "Đảng bộ Sở Tài nguyên" not in page and "Chi bộ thôn Đồng Ao" not in page
