"""A visitor landing on the homepage `/` is a visit like any other: counted before the
cached page is looked up, shown in the homepage's own figures, and still one visitor of
that site for the day when they go on to open it; bots, previews and prefetches are not."""

import re

from django.test import Client

from news import counting, services
from news.models import SiteDay

READER = "Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile"


def _publish(world, conference, title="Phường Lam Hạ quán triệt nghị quyết"):
    article = services.article_draft(world.secretary, conference)
    services.article_update(
        world.secretary, article, title=title, lead="", body="Nội dung.", author=""
    )
    return services.article_publish(world.secretary, article)


def _visit(url, address, agent=READER, **headers):
    response = Client().get(url, REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _figure(page: str, name: str) -> int:
    found = re.search(rf'data-figure="{name}">([\d.]+)<', page)
    assert found, name
    return int(found[1].replace(".", ""))


def test_a_visitor_on_the_homepage_counts_in_the_figures_it_shows(world, conference):
    _publish(world, conference)
    services.site_for(world.city)
    _visit("/", "203.0.113.1")
    page = _visit("/?lan=2", "203.0.113.2")  # a page not yet cached, with both visits
    for name in ("online", "today", "week", "month", "all"):
        assert _figure(page, name) == 2, name


def test_the_cached_homepage_still_counts_its_visitors(world, conference):
    _publish(world, conference)
    for n in range(1, 4):
        _visit("/", f"203.0.113.{n}")  # the first renders the page, the others get the copy
    counting.flush(everything=True)
    assert SiteDay.objects.get(organization=world.ward).visitors == 3


def test_a_homepage_visitor_who_opens_the_top_site_is_one_visitor_of_it_today(world, conference):
    _publish(world, conference)
    city = services.site_for(world.city)
    _visit("/", "203.0.113.1")
    _visit(f"/tin-tuc/{city.slug}/", "203.0.113.1")
    counting.flush(everything=True)
    assert list(SiteDay.objects.values_list("organization", "visitors")) == [(world.city.pk, 1)]


def test_bots_previews_and_prefetches_on_the_homepage_count_nothing(world, conference):
    _publish(world, conference)
    for agent, headers in [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", {}),
        ("Zalo-Link-Preview/1.0", {}),
        (READER, {"HTTP_SEC_PURPOSE": "prefetch"}),
        ("curl/8.5.0", {}),
    ]:
        _visit("/", "203.0.113.9", agent, **headers)
    counting.flush(everything=True)
    assert not SiteDay.objects.exists()


def test_a_signed_in_officer_at_work_is_not_a_visitor(world, conference, client):
    _publish(world, conference)
    client.force_login(world.clerk)
    client.get("/", REMOTE_ADDR="203.0.113.1", HTTP_USER_AGENT=READER)
    counting.flush(everything=True)
    assert not SiteDay.objects.exists()


def test_an_installation_with_nothing_published_counts_nothing_and_still_answers(world):
    _visit("/", "203.0.113.1")
    counting.flush(everything=True)
    assert not SiteDay.objects.exists()
