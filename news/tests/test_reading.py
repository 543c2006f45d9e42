"""Paste another unit's article, see what was found, and record the conference."""

import io
from pathlib import Path

import pytest
from django.urls import reverse

from conferences.models import Conference
from conftest import add_unit
from news.models import Reading

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "fixtures" / "articles"


def _article(world, campaign):
    """An article of the ward about the campaign's document, in the genre's wording."""
    return (
        "Tin hoạt động\nXem cỡ chữ - + Đọc bài viết\n"
        "Đảng bộ phường Lam Hạ tổ chức Hội nghị trực tuyến học tập Nghị quyết số 23-NQ/TU\n"
        "Ngày đăng 16/12/2025 | Lượt xem: 120\n"
        "Sáng ngày 15/12, Đảng bộ phường Lam Hạ tổ chức Hội nghị trực tuyến học tập, quán "
        "triệt Nghị quyết số 23-NQ/TU của Thành ủy đến 3 điểm cầu với gần 150 đảng viên "
        "tham dự. Tại hội nghị, đồng chí Trần Văn Tâm trình bày chuyên đề “Chuyển đổi số "
        "ở cơ sở”.\n"
    )


def test_paste_extract_propose_and_record(world, client):
    from conferences.tests.builders import campaign_for

    campaign = campaign_for(world)
    client.force_login(world.propaganda)
    answer = client.post(reverse("news:read"), {"text": _article(world, campaign)})
    reading = Reading.objects.get()
    assert answer.url == reverse("news:reading", args=[reading.pk])
    found = reading.found
    assert found["is_study_event"] and found["event_date"] == "2025-12-15"
    assert found["format"] == "online" and found["bridge_points"] == 3 and found["attendees"] == 150
    page = client.get(answer.url).content.decode()
    assert campaign.title in page and "Đảng bộ phường Lam Hạ" in page
    recorded = client.post(answer.url, {"campaign": campaign.pk, "unit": world.ward.pk})
    conference = Conference.objects.get()
    assert recorded.url == reverse("conferences:detail", args=[conference.pk])
    assert conference.organizer == world.ward and conference.format == "online"
    assert conference.topics.get().title == "Chuyển đổi số ở cơ sở"
    again = client.post(answer.url, {"campaign": campaign.pk, "unit": world.ward.pk}, follow=True)
    assert "đã được ghi nhận" in again.content.decode() and Conference.objects.count() == 1


def test_a_batch_of_text_files_and_bad_files(world, client):
    client.force_login(world.propaganda)
    files = []
    for path in sorted(SAMPLES.glob("00*.txt"))[:3]:
        upload = io.BytesIO(path.read_bytes())
        upload.name = path.name
        files.append(upload)
    client.post(reverse("news:read"), {"files": files})
    assert Reading.objects.count() == 3
    binary = io.BytesIO(b"\xff\xfe\x00\x00 not utf-8 \xc3\x28")
    binary.name = "bad.txt"
    page = client.post(reverse("news:read"), {"files": [binary]}).content.decode()
    assert "không phải văn bản UTF-8" in page and Reading.objects.count() == 3
    empty = client.post(reverse("news:read"), {"text": "   "}).content.decode()
    assert "Hãy dán nội dung" in empty


def test_unrelated_text_gets_a_clear_answer_and_no_record(world, client):
    client.force_login(world.propaganda)
    answer = client.post(
        reverse("news:read"),
        {"text": "<html><body>Giải bóng đá thiếu niên phường khai mạc sáng nay.</body></html>"},
    )
    page = client.get(answer.url).content.decode()
    assert "không tường thuật một hội nghị" in page and "Ghi nhận hội nghị do đơn vị" not in page


def test_readings_are_private_and_members_cannot_read(world, client):
    client.force_login(world.propaganda)
    client.post(reverse("news:read"), {"text": "Nội dung"})
    reading = Reading.objects.get()
    client.force_login(world.clerk)
    assert client.get(reverse("news:reading", args=[reading.pk])).status_code == 404
    client.force_login(world.member_user)
    assert client.get(reverse("news:read")).status_code == 403


def test_proposals_only_name_units_the_officer_may_see(world, client):
    from news import services

    theirs = add_unit(world.other, "Đảng bộ phường Lam Hạ", "NBI-LH", "ĐU", "ĐU")
    reading = services.reading_create(world.outsider, _article(world, None))
    found = services.proposals(world.outsider, reading)
    assert found["units"] == [theirs] and found["campaigns"] == []
    assert services.proposals(world.propaganda, reading)["units"] == [world.ward]


def test_a_ten_megabyte_paste_gets_a_clear_answer(world, client):
    client.force_login(world.propaganda)
    page = client.post(reverse("news:read"), {"text": "Hội nghị " * 1_200_000})
    assert page.status_code == 200 and "quá lớn" in page.content.decode()
    assert not Reading.objects.exists()
