"""The public pages without JavaScript: a visitor reads the homepage, an item and search
results with scripts turned off; and read-aloud, on a device with no Vietnamese voice,
says so instead of reading Vietnamese with a foreign voice."""

import pytest

from news import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A device whose only voice is English: what read-aloud must refuse to use.
ENGLISH_ONLY = """
window.__spoken = 0;
speechSynthesis.getVoices = function () { return [{ lang: "en-US", name: "English" }]; };
speechSynthesis.speak = function () { window.__spoken += 1; };
"""


def _publish(world, conference, title):
    article = services.article_draft(world.secretary, conference)
    services.article_update(
        world.secretary, article, title=title, lead="", body=f"{title}. Nội dung.", author=""
    )
    return services.article_publish(world.secretary, article)


def test_a_visitor_reads_and_searches_with_javascript_off(world, conference, page, live_server):
    item = _publish(world, conference, "Chi bộ khu phố học tập chuyên đề")
    context = page.context.browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    plain.set_viewport_size({"width": 375, "height": 740})
    plain.goto("/")
    plain.click(f"main a:has-text('{item.title}')")
    assert plain.locator("h1").inner_text() == item.title
    assert "Lượt xem" in plain.inner_text(".dateline")
    assert "Nội dung." in plain.inner_text("#news-body")
    assert plain.get_attribute("#news", "style") is None  # the page's script never ran
    assert not plain.locator("#read-aloud").is_visible()  # offered only where it works
    plain.fill("#portal-q", "chi bo khu pho")
    plain.press("#portal-q", "Enter")
    assert "tim-kiem" in plain.url and item.title in plain.inner_text("main")
    context.close()


def test_read_aloud_without_a_vietnamese_voice_says_so_and_reads_nothing(world, conference, page):
    item = _publish(world, conference, "Hội nghị quán triệt nghị quyết")
    page.add_init_script(ENGLISH_ONLY)
    page.goto(item.get_absolute_url())
    page.click("#read-aloud")
    assert "chưa có giọng đọc tiếng Việt" in page.inner_text("#read-aloud-status")
    assert page.evaluate("window.__spoken") == 0
    assert page.get_attribute("#read-aloud", "aria-pressed") == "false"
