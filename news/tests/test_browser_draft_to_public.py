"""The ward writes news about its conference from the conference page, publishes it, and
anyone reads it logged out: the figures it states are the roll-up's."""

import pytest

from conferences import services as conferences
from conferences.models import Status
from conftest import login
from news.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_news_is_drafted_from_a_conference_published_and_read_logged_out(world, conference, page):
    conferences.conference_update(
        world.secretary, conference, chair="Nguyễn Văn Hùng", chair_title="Bí thư Đảng ủy phường"
    )
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    conferences.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "bithu")
    page.goto(f"/conferences/{conference.pk}/")
    assert "Nguyễn Văn Hùng, Bí thư Đảng ủy phường" in page.inner_text("main")
    page.click("text=Viết tin về hội nghị")
    page.wait_for_selector("textarea[name=body]")
    body = page.input_value("textarea[name=body]")
    assert "Có 1/2 đảng viên phải học tập đã tham dự, đạt 50,00%." in body
    assert "Đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy phường chủ trì hội nghị." in body
    page.fill("input[name=author]", "Ngọc Hằng")
    page.click("form button.primary >> nth=0")
    page.click("details.confirm summary")  # publishing asks in the page first
    page.click("button[name=action][value=publish]")
    page.wait_for_selector("text=Xem trên trang tin")
    article = Article.objects.get()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/news/{article.pk}/")
    text = page.inner_text("article")
    assert article.title in text and "đạt 50,00%" in text and "Ngọc Hằng" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
