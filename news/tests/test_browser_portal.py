"""A visitor, not signed in, on a phone and on a desktop: the homepage, a featured item,
a related item, a search by document symbol, and a unit's site with its subtree's items;
the visitor counter moves for a second browser, on a site page and on the homepage, not
for a bot; a reader inside Zalo counts once a day."""

import re

import pytest

from news import counting, services
from news.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZALO = (
    "Mozilla/5.0 (Linux; Android 13; SM-A325F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Zalo android/12100729 "
    "ZaloTheme/light ZaloLanguage/vi"
)
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def _publish(world, conference, title):
    article = services.article_draft(world.secretary, conference)
    services.article_update(
        world.secretary, article, title=title, lead="", body=f"{title}. Nội dung.", author=""
    )
    return services.article_publish(world.secretary, article)


def _today(page) -> int:
    return int(page.inner_text("[data-figure='today']").replace(".", ""))


@pytest.mark.parametrize("width", [375, 1280])
def test_a_visitor_walks_the_portal(world, conference, page, live_server, width):
    featured = _publish(world, conference, "Quán triệt Nghị quyết 23-NQ/TU ở phường")
    related = _publish(world, conference, "Chi bộ khu phố học tập chuyên đề")
    services.feature_set(world.secretary, world.ward, featured, 1, None)
    services.site_for(world.city)
    page.set_viewport_size({"width": width, "height": 800})

    page.goto("/")
    page.click(f".featured a:has-text('{featured.title}')")
    assert page.locator("h1").inner_text() == featured.title
    assert re.search(
        r"Ngày đăng \d\d/\d\d/\d{4} \| \d\d:\d\d \| Lượt xem: \d+", page.inner_text(".dateline")
    )
    page.click(f".related a:has-text('{related.title}')")
    assert page.locator("h1").inner_text() == related.title

    page.fill("#portal-q", "23-NQ/TU")
    page.press("#portal-q", "Enter")
    assert featured.title in page.inner_text("main")
    page.goto("/")
    page.click(".site-list a:has-text('Thành ủy Hà Nam')")
    main = page.inner_text("main")
    assert featured.title in main and "Đảng bộ phường Lam Hạ" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The counter: a second browser counts, a bot does not. Each look is a page not yet
    # cached (a fresh query), since whole pages are cached for a minute.
    site = page.url
    before = _today(page)
    browser = page.context.browser
    second = browser.new_context(base_url=live_server.url, user_agent="Mozilla/5.0 Firefox/131")
    second.new_page().goto(site)
    page.goto(site + "?lan=2")
    assert _today(page) == before + 1
    bot = browser.new_context(base_url=live_server.url, user_agent=BOT)
    bot.new_page().goto(site)
    page.goto(site + "?lan=3")
    assert _today(page) == before + 1

    # Landing on the homepage is a visit too, shown in the homepage's own figures.
    page.goto("/?lan=4")
    home = _today(page)
    landing = browser.new_context(base_url=live_server.url, user_agent="Mozilla/5.0 Safari/605")
    landing.new_page().goto("/")
    bot.new_page().goto("/")
    page.goto("/?lan=5")
    assert _today(page) == home + 1

    # A reader inside Zalo opens the shared link three times today: one reader.
    zalo = browser.new_context(base_url=live_server.url, user_agent=ZALO)
    zalo_page = zalo.new_page()
    views = Article.objects.get(pk=featured.pk).views
    counting.flush(everything=True)
    views = Article.objects.get(pk=featured.pk).views
    for _ in range(3):
        zalo_page.goto(featured.get_absolute_url())
    counting.flush(everything=True)
    assert Article.objects.get(pk=featured.pk).views == views + 1
    for context in (second, bot, landing, zalo):
        context.close()
