"""A reader counts once a day; one address adds only a handful of new readers an hour, so
changing the browser name does not inflate the count; the address is never stored."""

from django.urls import reverse

from news import services
from news.models import Article, View


def _article(world, conference):
    return services.article_publish(
        world.secretary, services.article_draft(world.secretary, conference)
    )


def _read(client, article, address, agent):
    return client.get(
        reverse("news:article", args=[article.pk]),
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=agent,
    )


def test_one_address_with_twenty_browser_names_adds_only_a_handful(world, conference, client):
    article = _article(world, conference)
    for n in range(20):
        response = _read(client, article, "203.0.113.7", f"Mozilla/5.0 Firefox/{100 + n}")
        assert response.status_code == 200
    article.refresh_from_db()
    assert article.views == services.READERS_PER_ADDRESS_HOUR < 20


def test_readers_from_different_addresses_all_count(world, conference, client):
    article = _article(world, conference)
    for n in range(20):
        _read(client, article, f"203.0.113.{n + 1}", "Mozilla/5.0 (Linux; Android 14)")
    article.refresh_from_db()
    assert article.views == 20


def test_the_limit_is_per_article(world, conference, client):
    first, second = _article(world, conference), _article(world, conference)
    for article in (first, second):
        for n in range(services.READERS_PER_ADDRESS_HOUR):
            _read(client, article, "203.0.113.7", f"Mozilla/5.0 Firefox/{100 + n}")
    assert list(Article.objects.order_by("pk").values_list("views", flat=True)) == [
        services.READERS_PER_ADDRESS_HOUR,
        services.READERS_PER_ADDRESS_HOUR,
    ]


def test_a_reload_counts_nothing_and_spends_none_of_the_allowance(world, conference, client):
    article = _article(world, conference)
    for _ in range(10):
        _read(client, article, "203.0.113.7", "Mozilla/5.0 Firefox/128")
    for n in range(services.READERS_PER_ADDRESS_HOUR - 1):
        _read(client, article, "203.0.113.7", f"Mozilla/5.0 Chrome/{120 + n}")
    article.refresh_from_db()
    assert article.views == services.READERS_PER_ADDRESS_HOUR


def test_no_address_is_stored(world, conference, client):
    article = _article(world, conference)
    _read(client, article, "203.0.113.7", "Mozilla/5.0 Firefox/128")
    stored = str(list(View.objects.values()))
    assert View.objects.count() == 1 and "203.0.113.7" not in stored
