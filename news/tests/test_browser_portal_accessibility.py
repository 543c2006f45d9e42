"""The public pages as a visitor finds them after `make run` (the demo's news, logged out)
pass axe-core with no serious or critical violation at 375 px and 1280 px: the homepage,
a featured item, its print view, the city's site with its subtree's items, a category,
and search results by symbol and by words without diacritics. (The crawl of every role's
pages checks a URL pattern once, by the first role reaching it: an officer's `/` is their
start page, and search results are reached by no link.)"""

import io
from urllib.parse import quote

import pytest
from django.core.management import call_command

from news.models import Article, Feature, Site
from organizations.levels import levels_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (375, 1280)
IMPACTS = {"serious", "critical"}


def _violations(page, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(url)
    assert response is not None and response.status == 200, url
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for violation in Axe().run(page).response["violations"]:
            if violation["impact"] in IMPACTS:
                where = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
                found.append(f"{url} {width}px {violation['id']} ({violation['impact']}): {where}")
    return found


def test_the_public_pages_with_the_demo_news_pass_axe_at_both_widths(page, live_server):
    levels_ensure()  # transactional tests flush the rows the data migration made
    call_command("seed_demo", members=60, seed=1, stdout=io.StringIO())
    featured = Feature.objects.select_related("article").get().article
    city = Site.objects.get(organization=featured.promoted_to)
    assert Article.objects.public().count() == 4
    urls = [
        "/",
        featured.get_absolute_url(),
        featured.get_absolute_url() + "ban-in/",
        f"/tin-tuc/{city.slug}/",
        f"/tin-tuc/{city.slug}/chuyen-muc/hoc-tap-quan-triet-nghi-quyet/",
        "/tim-kiem/?q=" + quote("23-NQ/TU"),
        "/tim-kiem/?q=chuyen+doi+so",
    ]
    page.goto("/")
    assert featured.title in page.inner_text(".featured")
    page.goto(urls[-1])
    assert featured.title in page.inner_text("main")  # results to check, not an empty page
    problems = [found for url in urls for found in _violations(page, url)]
    assert not problems, "\n".join(problems)
