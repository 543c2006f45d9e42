"""Only units that publish have a public news page: the tree cannot be walked by id."""

import datetime as dt

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from news import services
from news.models import Article
from organizations.models import Organization


def _published(world, conference):
    return services.article_publish(
        world.secretary, services.article_draft(world.secretary, conference)
    )


def _status(unit_pk) -> int:
    return Client().get(reverse("news:unit", args=[unit_pk]), follow=True).status_code


def test_a_unit_that_publishes_has_a_public_page_and_no_other_unit_does(world, conference):
    _published(world, conference)
    assert _status(world.ward.pk) == 200
    silent = [world.city, world.cell, world.cell2, world.commune, world.other, world.other_cell]
    assert {unit.name: _status(unit.pk) for unit in silent} == {unit.name: 404 for unit in silent}
    assert _status(999_999) == 404


def test_drafts_and_withdrawn_items_do_not_make_a_unit_public(world, conference):
    article = services.article_draft(world.secretary, conference)
    assert _status(world.ward.pk) == 404
    services.article_publish(world.secretary, article)
    assert _status(world.ward.pk) == 200
    services.article_publish(world.secretary, article, publish=False)
    cache.clear()  # the public page is cached for a minute
    assert _status(world.ward.pk) == 404


def test_a_closed_unit_has_no_public_page_nor_articles(world, conference):
    article = _published(world, conference)
    Organization.objects.filter(pk=world.ward.pk).update(valid_to=dt.date(2025, 7, 1))
    assert _status(world.ward.pk) == 404
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_the_public_list_shows_published_items_and_never_drafts(world, conference):
    _published(world, conference)
    draft = services.article_draft(world.secretary, conference)
    Article.objects.filter(pk=draft.pk).update(title="Bản nháp chưa đăng")
    listing = Client().get(reverse("news:unit", args=[world.ward.pk]), follow=True)
    listing = listing.content.decode()
    assert "Bản nháp chưa đăng" not in listing
    assert Article.objects.public().sites().get() == world.ward
