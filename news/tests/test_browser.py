"""The public news page on a phone: bigger and smaller text, and the read-aloud button."""

import pytest

from news import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_enlarges_the_text_and_finds_read_aloud(world, conference, page):
    article = services.article_draft(world.secretary, conference)
    services.article_publish(world.secretary, article)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/news/{article.pk}/")
    body = page.locator("#news-body p:not(.news-lead)").first

    def size():
        return float(body.evaluate("p => parseFloat(getComputedStyle(p).fontSize)"))

    before = size()
    page.click("button[data-size='1']")
    page.click("button[data-size='1']")
    assert size() > before + 2
    page.reload()  # the reader's choice is remembered
    assert size() > before + 2
    page.click("button[data-size='-1']")
    assert page.locator("#read-aloud").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert "Lượt xem" in page.inner_text("article")
