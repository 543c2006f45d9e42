"""Journey 7, on the demo data: the ward writes news from its conference (1280 px),
publishes it after the confirmation in the page, and a visitor reads it logged out on a
phone, with the figures the roll-up holds."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conferences.models import ATTENDED, Attendance, Conference
from members.models import Member, MemberStatus
from news.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_news_is_drafted_from_the_demo_conference_published_and_read_logged_out(journey):
    conference = Conference.objects.get(campaign=journey.campaign)
    required = (
        Member.objects.active()
        .filter(organization__path__startswith=journey.ward.path)
        .exclude(status=MemberStatus.EXEMPT)
    )
    attended = Attendance.objects.filter(
        campaign=journey.campaign, status__in=ATTENDED, member__in=required
    ).count()
    share = f"{attended * 100 / required.count():.2f}".replace(".", ",")
    figures = f"Có {attended}/{required.count()} đảng viên phải học tập đã tham dự, đạt {share}%."

    page = journey.sign_in("bithu")
    page.goto(f"/campaigns/{journey.campaign.pk}/")
    page.get_by_role("link", name=conference.title).click()
    page.get_by_role("button", name="Viết tin về hội nghị").click()
    page.wait_for_selector("textarea[name=body]")
    body = page.input_value("textarea[name=body]")
    assert figures in body
    assert "Đồng chí Phạm Văn Khang, Bí thư Đảng ủy phường chủ trì hội nghị." in body
    assert "None" not in body and "None" not in page.input_value("input[name=title]")
    page.fill("input[name=author]", "Thu Trang")
    page.click("form button.primary >> nth=0")
    journey.read()
    page.click("details.confirm summary")
    assert "công khai" in journey.read("details.confirm")
    page.click("button[name=action][value=publish]")
    page.wait_for_selector("text=Xem trên trang tin")
    article = Article.objects.get(author="Thu Trang")  # the demo has published its own
    title = article.title

    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/news/unit/{journey.ward.pk}/")
    expect(page.locator("h1")).to_have_text(f"Tin tức: {journey.ward.name}")
    # The demo's own item on this conference bears the same drafted title.
    page.locator(f"a[href='{article.get_absolute_url()}']").first.click()
    text = journey.read("article")
    assert title in text and figures in text and "Thu Trang" in text
    assert "Đăng xuất" not in page.inner_text("body")  # no staff chrome for a visitor
    published = timezone.localtime(article.published_at)
    assert f"Ngày đăng {published:%d/%m/%Y} | {published:%H:%M} | Lượt xem:" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
