"""Every page each demo role reaches from its menus, and the public pages, pass axe-core
with no serious or critical violation, at a phone's width (375 px) and a desk's (1280 px).

The pages are found by the crawl (`crawling.py`, one URL per URL pattern and role), then
opened in Chromium with the role's session; axe-core (bundled by axe-playwright-python,
no network) runs on each at both widths."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from nghiquyet.tests.crawling import ROLES, crawl, demo_cycle
from organizations.levels import levels_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)
IMPACTS = {"serious", "critical"}


@pytest.fixture
def demo(settings):
    levels_ensure()  # transactional tests flush the rows the data migration made
    call_command("seed_demo", members=60, seed=1, stdout=io.StringIO())
    demo_cycle()


def _pages(user: User | None) -> list[str]:
    from news.models import Article

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    if user is None:
        article = Article.objects.filter(state=Article.State.PUBLISHED).first()
        starts = ["/", f"/news/{article.pk}/", f"/news/unit/{article.organization_id}/"]
    else:
        client.force_login(user)
        starts = ["/"]
    pages: list[str] = []
    for start in starts:
        problems, read = crawl(client, start=start, per_pattern=1)
        assert not problems, "\n".join(problems)
        pages += [url for url in read if url not in pages]
    return pages, client.cookies.get(settings.SESSION_COOKIE_NAME)


def _violations(page, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        results = Axe().run(page)
        for violation in results.response["violations"]:
            if violation["impact"] not in IMPACTS:
                continue
            nodes = violation["nodes"]
            where = "; ".join(" ".join(node["target"]) for node in nodes[:3])
            more = f" (+{len(nodes) - 3})" if len(nodes) > 3 else ""
            found.append(
                f"{url} {width}px {violation['id']} ({violation['impact']}): {where}{more}"
            )
    return found


@pytest.mark.parametrize("username", [None, *ROLES])
def test_every_page_a_role_reaches_passes_axe_at_both_widths(demo, page, live_server, username):
    user = User.objects.get(username=username) if username else None
    pages, session = _pages(user)
    assert len(pages) > 1
    if session is not None:
        page.context.add_cookies(
            [{"name": session.key, "value": session.value, "url": live_server.url}]
        )
    problems = []
    for url in pages:
        problems += _violations(page, url)
    assert not problems, f"{len(problems)} vi phạm trên {len(pages)} trang:\n" + "\n".join(problems)
