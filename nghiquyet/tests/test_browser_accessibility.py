"""Every page each demo role reaches from its menus, and the public pages, pass axe-core
with no serious or critical violation, at a phone's width (375 px) and a desk's (1280 px);
so does every form sent back with its errors shown.

The pages are found by the crawl (`crawling.py`, one URL per URL pattern), then opened in
Chromium with the role's session; axe-core (bundled by axe-playwright-python, no network)
runs on each at both widths. A URL pattern is checked once, by the first role that reaches
it, roles taken from the widest rights to none, so the page is seen with the most buttons
and links it has; a run takes minutes rather than one per role and pattern."""

import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from nghiquyet.tests.crawling import crawl, demo_cycle, pattern_of
from organizations.levels import levels_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)
# From the widest rights to none: the public last, for the sign-in page and the news.
READERS = ["admin", "vanphong", "tuyengiao", "kiemtra", "bithu", "vanphong_co_so", "dangvien", None]
IMPACTS = {"serious", "critical"}


@pytest.fixture
def demo(settings):
    levels_ensure()  # transactional tests flush the rows the data migration made
    call_command("seed_demo", members=60, seed=1, stdout=io.StringIO())
    demo_cycle()


def _pages(user: User | None) -> tuple[list[str], object]:
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
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    return _axe(page, url)


def _axe(page, url: str) -> list[str]:
    """Serious and critical violations on the page as it stands, at both widths."""
    from axe_playwright_python.sync_playwright import Axe

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


def test_every_page_each_role_reaches_passes_axe_at_both_widths(demo, page, live_server):
    checked: set[str] = set()
    problems = []
    for username in READERS:
        user = User.objects.get(username=username) if username else None
        pages, session = _pages(user)
        assert len(pages) > 1, username
        page.context.clear_cookies()
        if session is not None:
            page.context.add_cookies(
                [{"name": session.key, "value": session.value, "url": live_server.url}]
            )
        for url in pages:
            parts = urlsplit(url)
            pattern = pattern_of(parts.path, parts.query)
            if pattern in checked:
                continue
            checked.add(pattern)
            problems += [f"{username or 'khách'}: {found}" for found in _violations(page, url)]
    assert len(checked) > 40  # the menus of every role were followed
    assert not problems, f"{len(problems)} vi phạm trên {len(checked)} trang:\n" + "\n".join(
        problems
    )


# Forms whose submit does something at once rather than asking for fields, or signs out.
_ACTS = ("logout", "dang-xuat", "delete", "xoa", "confirm", "close", "publish", "language")
_SHOW_FORMS = """
() => [...document.querySelectorAll('main form')]
  .map((form, index) => ({index, method: (form.method || 'get').toLowerCase(),
    action: form.getAttribute('action') || '',
    fields: form.querySelectorAll(
      'input:not([type=hidden]):not([type=submit]):not([type=checkbox]):not([type=radio]),'
      + ' textarea, select').length,
    submit: !!form.querySelector('button[type=submit], button:not([type]), input[type=submit]')}))
"""
_SEND_EMPTY = """
(index) => {
  const form = document.querySelectorAll('main form')[index];
  form.noValidate = true;  // the server's own messages, not the browser's bubbles
  for (const field of form.querySelectorAll('input:not([type=hidden]), textarea')) {
    if (!['checkbox', 'radio', 'submit', 'button', 'file'].includes(field.type)) field.value = '';
  }
  for (const select of form.querySelectorAll('select')) select.selectedIndex = -1;
  (form.querySelector('button[type=submit], button:not([type]), input[type=submit]')).click();
}
"""


def test_every_form_sent_back_with_its_errors_passes_axe(demo, page, live_server):
    """Each form a role reaches (one per URL pattern), sent empty: the page that shows the
    errors is checked like any other."""
    checked: set[str] = set()
    shown_errors = 0
    problems = []
    for username in ("admin", "vanphong_co_so", "dangvien"):
        pages, session = _pages(User.objects.get(username=username))
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": session.key, "value": session.value, "url": live_server.url}]
        )
        for url in pages:
            parts = urlsplit(url)
            pattern = pattern_of(parts.path, parts.query)
            if pattern in checked:
                continue
            checked.add(pattern)
            page.goto(url)
            forms = [
                form
                for form in page.evaluate(_SHOW_FORMS)
                if form["method"] == "post"
                and form["fields"]
                and form["submit"]
                and not any(word in form["action"] for word in _ACTS)
            ]
            for form in forms:
                page.goto(url)
                with page.expect_navigation():
                    page.evaluate(_SEND_EMPTY, form["index"])
                page.wait_for_load_state("networkidle")
                if page.locator(".errorlist, [aria-invalid=true], .messages .error").count():
                    shown_errors += 1
                    problems += [f"{username}: {found}" for found in _axe(page, url + " (lỗi)")]
    assert shown_errors > 10  # the forms of every role were sent back with errors
    assert not problems, f"{len(problems)} vi phạm trên {shown_errors} biểu mẫu báo lỗi:\n" + (
        "\n".join(problems)
    )
