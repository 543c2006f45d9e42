"""A reader counts once a day; one address adds only a handful of new readers an hour, so
changing the browser name does not inflate the count; the address is never stored; the
counts reach the database in batches, never on the request."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from news import counting, services
from news.models import Article, ArticleDay, SiteDay
from news.tests.test_counting_concurrency import _redis_up
from news.tests.test_front import REDIS


@pytest.fixture(autouse=True, params=["memory", "redis"])
def _cache(request):
    """Every rule holds on the local cache (Python steps) and on Redis (one script)."""
    if request.param == "memory":
        yield
        return
    if not _redis_up():
        pytest.skip("Redis không chạy ở 127.0.0.1:6379: bỏ qua phần Redis")
    with override_settings(CACHES=REDIS):
        cache.clear()
        yield
        cache.clear()


def _article(world, conference):
    return services.article_publish(
        world.secretary, services.article_draft(world.secretary, conference)
    )


def _read(client, article, address, agent, **headers):
    return client.get(
        article.get_absolute_url(), REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **headers
    )


def _views(article) -> int:
    counting.flush(everything=True)
    article.refresh_from_db()
    return article.views


def test_one_address_with_twenty_browser_names_adds_only_a_handful(world, conference, client):
    article = _article(world, conference)
    for n in range(20):
        response = _read(client, article, "203.0.113.7", f"Mozilla/5.0 Firefox/{100 + n}")
        assert response.status_code == 200
    assert _views(article) == counting.READERS_PER_ADDRESS_HOUR < 20


def test_readers_from_different_addresses_all_count(world, conference, client):
    article = _article(world, conference)
    for n in range(20):
        _read(client, article, f"203.0.113.{n + 1}", "Mozilla/5.0 (Linux; Android 14)")
    assert _views(article) == 20


def test_the_limit_is_per_article(world, conference, client):
    first, second = _article(world, conference), _article(world, conference)
    for article in (first, second):
        for n in range(counting.READERS_PER_ADDRESS_HOUR):
            _read(client, article, "203.0.113.7", f"Mozilla/5.0 Firefox/{100 + n}")
    counting.flush(everything=True)
    assert list(Article.objects.order_by("pk").values_list("views", flat=True)) == [
        counting.READERS_PER_ADDRESS_HOUR,
        counting.READERS_PER_ADDRESS_HOUR,
    ]


def test_a_reload_counts_nothing_and_spends_none_of_the_allowance(world, conference, client):
    article = _article(world, conference)
    for _ in range(10):
        _read(client, article, "203.0.113.7", "Mozilla/5.0 Firefox/128")
    for n in range(counting.READERS_PER_ADDRESS_HOUR - 1):
        _read(client, article, "203.0.113.7", f"Mozilla/5.0 Chrome/{120 + n}")
    assert _views(article) == counting.READERS_PER_ADDRESS_HOUR


def test_no_address_is_stored(world, conference, client):
    article = _article(world, conference)
    _read(client, article, "203.0.113.7", "Mozilla/5.0 Firefox/128")
    counting.flush(everything=True)
    stored = str(list(ArticleDay.objects.values())) + str(list(SiteDay.objects.values()))
    assert ArticleDay.objects.get().views == 1 and "203.0.113.7" not in stored


def test_bots_previews_and_prefetches_count_nothing(world, conference, client):
    article = _article(world, conference)
    for agent, headers in [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", {}),
        ("Zalo-Link-Preview/1.0", {}),
        ("Mozilla/5.0 (Windows NT 10.0) Chrome/126", {"HTTP_SEC_PURPOSE": "prefetch"}),
        ("Mozilla/5.0 (Windows NT 10.0) Chrome/126", {"HTTP_PURPOSE": "prefetch"}),
        ("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126", {}),
        ("python-requests/2.32", {}),
        ("curl/8.5.0", {}),
        ("", {}),
    ]:
        assert _read(client, article, "203.0.113.9", agent, **headers).status_code == 200
    assert _views(article) == 0
    assert SiteDay.objects.count() == 0


def test_readers_inside_zalo_and_facebook_count_once_a_day(world, conference, client):
    article = _article(world, conference)
    zalo = (
        "Mozilla/5.0 (Linux; Android 13; SM-A325F) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Zalo android/12100729 "
        "ZaloTheme/light ZaloLanguage/vi"
    )
    facebook = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/458.0.0.38.107;FBBV/591222539]"
    )
    for _ in range(3):
        _read(client, article, "198.51.100.4", zalo)
        _read(client, article, "198.51.100.5", facebook)
    assert _views(article) == 2


def test_a_read_writes_nothing_to_the_database_until_the_batch(world, conference, client):
    article = _article(world, conference)
    _read(client, article, "203.0.113.7", "Mozilla/5.0 Firefox/128")  # fills the caches
    with CaptureQueriesContext(connection) as queries:
        _read(client, article, "203.0.113.8", "Mozilla/5.0 Firefox/128")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    assert Article.objects.get(pk=article.pk).views == 0
    assert _views(article) == 2


def test_a_flush_twice_writes_each_reader_once(world, conference, client):
    article = _article(world, conference)
    _read(client, article, "203.0.113.7", "Mozilla/5.0 Firefox/128")
    assert counting.flush(everything=True) == 2  # the reader and the site's visitor
    assert counting.flush(everything=True) == 0
    _read(client, article, "203.0.113.8", "Mozilla/5.0 Firefox/128")
    assert _views(article) == 2
    assert SiteDay.objects.get(organization=world.ward).visitors == 2
