"""Counters are exact under concurrency: threads hitting one item at once, each reader
several times, end with exactly the distinct readers, on every cache the portal runs on
(the file cache of a laptop install, the local-memory cache, Redis)."""

import threading

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from news import counting, services
from news.models import ArticleDay, SiteDay

THREADS = 8
READERS = 60  # distinct readers; each reads the item three times, from several threads
# Room for every key: this proves there is no race; a cache too small to hold a day's
# readers forgets some of them, whatever the code does (hence MAX_ENTRIES in settings).
ROOM = 100_000


def _caches(tmp_path):
    yield (
        "file",
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
            "OPTIONS": {"MAX_ENTRIES": ROOM},
        },
    )
    yield (
        "memory",
        {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "counting-threads",
            "OPTIONS": {"MAX_ENTRIES": ROOM},
        },
    )
    yield (
        "redis",
        {
            "BACKEND": "nghiquyet.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/5",
            "KEY_PREFIX": "nq-test",
        },
    )


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/5").ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.parametrize("kind", ["file", "memory", "redis"])
def test_threads_hitting_one_item_count_each_distinct_reader_once(
    world, conference, tmp_path, kind
):
    if kind == "redis" and not _redis_up():
        pytest.skip("Redis không chạy ở 127.0.0.1:6379: bỏ qua phần Redis")
    settings_for = dict(_caches(tmp_path))[kind]
    article = services.article_publish(
        world.secretary, services.article_draft(world.secretary, conference)
    )
    with override_settings(CACHES={"default": settings_for}):
        cache.clear()
        cache.set("nq:flush-due", 1, 600)  # the batch is written below, not by the worker
        factory = RequestFactory()
        # Every reader from its own address (no household limit), read three times over.
        requests = [
            factory.get(
                "/",
                REMOTE_ADDR=f"10.0.{n // 200}.{n % 200 + 1}",
                HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/126",
            )
            for n in range(READERS)
        ] * 3
        counted = []
        start = threading.Barrier(THREADS)

        def read(share):
            start.wait()
            for request in share:
                counted.append(counting.hit(request, world.ward.pk, article.pk))

        threads = [
            threading.Thread(target=read, args=(requests[i::THREADS],)) for i in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        # A batch written while the readers arrive must not lose or double any of them.
        counting.flush(everything=True)
        for thread in threads:
            thread.join()
        counting.flush(everything=True)
        figures = counting.figures([world.ward.pk], world.ward.path)
        cache.clear()
    article.refresh_from_db()
    assert counted.count(True) == READERS
    assert article.views == READERS
    assert ArticleDay.objects.get(article=article).views == READERS
    assert SiteDay.objects.get(organization=world.ward).visitors == READERS
    assert figures["today"] == figures["all"] == READERS
    assert figures["online"] == READERS


def test_a_subtree_sums_its_sites_and_online_counts_the_last_five_minutes(world, conference):
    factory = RequestFactory()
    cache.set("nq:flush-due", 1, 600)
    agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128"
    for n in range(3):
        counting.hit(
            factory.get("/", REMOTE_ADDR=f"10.1.0.{n}", HTTP_USER_AGENT=agent), world.ward.pk
        )
    for n in range(2):
        counting.hit(
            factory.get("/", REMOTE_ADDR=f"10.2.0.{n}", HTTP_USER_AGENT=agent), world.commune.pk
        )
    counting.hit(factory.get("/", REMOTE_ADDR="10.1.0.0", HTTP_USER_AGENT=agent), world.ward.pk)
    sites = [world.city.pk, world.ward.pk, world.commune.pk]
    before = counting.figures(sites, world.city.path)
    counting.flush(everything=True)
    after = counting.figures(sites, world.city.path)
    assert before == after == {"online": 5, "today": 5, "week": 5, "month": 5, "all": 5}
    assert counting.figures([world.ward.pk], world.ward.path)["today"] == 3
