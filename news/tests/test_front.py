"""The portal's front door serves a page Django rendered for one anonymous reader to the
next ones from Redis, counts each of them as the page counted the first, and never
serves a signed-in officer, a bot's count or another language from it."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings

from news import counting, services
from news.front import PortalFront
from news.models import Article
from news.tests.test_counting_concurrency import _redis_up
from nghiquyet.tests.front_testing import Django

REDIS = {
    "default": {
        "BACKEND": "nghiquyet.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/5",
        "KEY_PREFIX": "nq-test-front",
    }
}
BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/126"


@pytest.fixture(autouse=True)
def _one_connection():
    """Requests here reach Django's handler directly, as a server's do; like the test
    client, keep the test's database connection open across them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def front():
    if not _redis_up():
        pytest.skip("Redis không chạy ở 127.0.0.1:6379: bỏ qua cửa trước của cổng tin")
    with override_settings(CACHES=REDIS):
        cache.clear()
        cache.set("nq:flush-due", 1, 600)  # the batch is written by the test, not a worker
        django = Django()
        yield PortalFront(django), django
        cache.clear()


@pytest.fixture
def item(world, conference):
    return services.article_publish(
        world.secretary, services.article_draft(world.secretary, conference)
    )


def get(app, path, method="GET", address="10.0.0.1", agent=BROWSER, cookie="", host="testserver"):
    environ = RequestFactory().generic(method, path, HTTP_HOST=host).environ
    environ.update(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    answer = {}

    def start_response(status, headers, *exc_info):
        answer.update(status=status, headers=dict(headers))

    answer["body"] = b"".join(app(environ, start_response)).decode()
    return answer


def views(item: Article) -> int:
    counting.flush(everything=True)
    item.refresh_from_db()
    return item.views


def test_the_next_readers_get_the_page_from_the_front_and_each_is_counted(
    front, item, django_assert_num_queries
):
    app, django = front
    first = get(app, item.get_absolute_url(), address="10.0.0.1")
    with django_assert_num_queries(0):
        second = get(app, item.get_absolute_url(), address="10.0.0.2")
        third = get(app, item.get_absolute_url(), address="10.0.0.3")
    assert django.calls == 1
    assert first["status"] == second["status"] == third["status"] == "200 OK"
    assert item.title in second["body"] and second["body"] == first["body"]
    assert (
        second["headers"]["Content-Security-Policy"] == first["headers"]["Content-Security-Policy"]
    )
    assert views(item) == 3


def test_a_reader_twice_in_a_day_counts_once(front, item):
    app, _django = front
    for _ in range(3):
        get(app, item.get_absolute_url(), address="10.0.0.9")
    assert views(item) == 1


def test_a_bot_is_served_but_not_counted(front, item):
    app, django = front
    get(app, item.get_absolute_url(), address="10.0.0.1")
    preview = get(app, item.get_absolute_url(), address="10.0.0.5", agent="facebookexternalhit/1.1")
    assert preview["status"] == "200 OK" and django.calls == 1
    assert views(item) == 1


def test_a_first_reader_who_is_a_bot_leaves_the_page_counting_the_next_readers(front, item):
    app, _django = front
    get(app, item.get_absolute_url(), address="10.0.0.5", agent="Zalo link preview bot")
    get(app, item.get_absolute_url(), address="10.0.0.6")
    assert views(item) == 1


def test_a_signed_in_officer_always_reaches_django(front, item, world, client):
    app, django = front
    get(app, item.get_absolute_url())
    client.force_login(world.secretary)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    officer = get(app, item.get_absolute_url(), cookie=f"{settings.SESSION_COOKIE_NAME}={session}")
    assert django.calls == 2
    assert "private" in officer["headers"]["Cache-Control"]


def test_an_unknown_cookie_or_a_message_reaches_django(front, item):
    app, django = front
    get(app, item.get_absolute_url())
    get(app, item.get_absolute_url(), cookie="messages=abc")
    get(app, item.get_absolute_url(), cookie="not a cookie;;=")
    assert django.calls == 3


def test_each_language_has_its_own_copy(front, item):
    app, django = front
    vietnamese = get(app, item.get_absolute_url())
    english = get(app, item.get_absolute_url(), cookie=f"{settings.LANGUAGE_COOKIE_NAME}=en")
    again = get(app, item.get_absolute_url(), cookie=f"{settings.LANGUAGE_COOKIE_NAME}=en")
    assert django.calls == 2
    assert vietnamese["headers"]["Content-Language"] == "vi"
    assert english["headers"]["Content-Language"] == again["headers"]["Content-Language"] == "en"


def test_a_host_the_site_does_not_serve_never_gets_the_copy(front, item):
    app, django = front
    get(app, item.get_absolute_url())
    for _ in range(2):
        refused = get(app, item.get_absolute_url(), host="evil.example")
        assert not refused["status"].startswith("200")
    assert django.calls == 3


def test_head_gets_the_headers_only_and_a_post_always_reaches_django(front, item):
    app, django = front
    get(app, item.get_absolute_url())
    head = get(app, item.get_absolute_url(), method="HEAD")
    assert head["status"] == "200 OK" and head["body"] == "" and django.calls == 1
    get(app, item.get_absolute_url(), method="POST")
    assert django.calls == 2


def test_pages_that_are_not_public_are_never_kept(front, world):
    app, django = front
    for _ in range(2):
        answer = get(app, "/accounts/login/")
    assert django.calls == 2
    assert "public" not in answer["headers"].get("Cache-Control", "")


def test_without_redis_every_request_reaches_django(item):
    django = Django()
    app = PortalFront(django)
    get(app, item.get_absolute_url())
    get(app, item.get_absolute_url(), address="10.0.0.2")
    assert django.calls == 2


def test_homepage_visitors_served_by_the_front_are_counted(front, item, world):
    app, django = front
    for n in range(3):
        assert get(app, "/", address=f"10.0.1.{n}")["status"] == "200 OK"
    assert django.calls == 1
    counting.flush(everything=True)
    assert counting.figures([world.ward.pk], world.ward.path)["today"] == 3
