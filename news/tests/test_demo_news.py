"""After `make run` the portal has news: the demo publishes the city's and the ward's items
about its campaign, with categories, one featured item, dates in the past, and figures
taken from the roll-up, never written by hand."""

import io

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conferences.models import Conference
from conferences.rollup import campaign_rollup
from news.models import Article, Feature, Site
from reporting.figures import attendance_clause, cells_held_clause

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile"}


def _seed():
    call_command("seed_demo", members=60, seed=1, stdout=io.StringIO())


def _page(url: str) -> str:
    response = Client().get(url, **READER)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_demo_publishes_news_of_the_city_and_the_ward_in_the_past(db):
    _seed()
    conference = Conference.objects.get()
    city, ward = conference.campaign.owner, conference.organizer
    items = Article.objects.public()
    assert items.count() == 4
    assert set(items.values_list("organization", flat=True)) == {city.pk, ward.pk}
    assert all(a.published_at <= timezone.now() for a in items)
    assert not items.filter(categories=None).exists()
    drafted = items.get(conference=conference)
    assert drafted.organization == ward and drafted.promoted_to == city
    assert list(Feature.objects.values_list("site", "article")) == [(city.pk, drafted.pk)]


def test_the_homepage_and_the_city_site_show_the_demo_news(db):
    _seed()
    drafted = Article.objects.get(conference__isnull=False)
    home = _page("/")
    assert "Chưa có tin nào" not in home and "Tin nổi bật" in home
    for item in Article.objects.all():
        assert item.title in home
    featured = home[home.index("Tin nổi bật") : home.index("Tin mới")]
    assert drafted.title in featured
    city = Site.objects.get(organization=drafted.promoted_to)
    site = _page(f"/tin-tuc/{city.slug}/")
    assert drafted.title in site and drafted.organization.name in site
    assert "trangtin@thanhuy.example.vn" in site
    assert drafted.title in _page(drafted.get_absolute_url())


def test_the_figures_the_demo_news_state_are_the_roll_ups(db):
    _seed()
    campaign = Conference.objects.get().campaign
    figures = campaign_rollup(campaign, campaign.owner).total
    assert figures.required and figures.attended
    results = Article.objects.get(title__startswith="Kết quả bước đầu")
    held = cells_held_clause(figures.cells_held, figures.cells)
    assert held[1:] in results.body  # "có 1/3 chi bộ …" inside the sentence
    assert attendance_clause(figures.attended, figures.required) in results.body
    ward = Conference.objects.get()
    drafted = Article.objects.get(conference=ward).body
    own = campaign_rollup(campaign, ward.organizer).total
    assert attendance_clause(own.attended, own.required) in drafted


def test_the_demo_starts_over_with_its_news(db):
    _seed()
    call_command("seed_demo", members=60, seed=1, reset=True, stdout=io.StringIO())
    assert Article.objects.public().count() == 4
    assert Site.objects.count() == 2
