"""What a shared link shows and what the reader finds below the article: photos with
their captions in the page and as the Open Graph card's picture with the summary, and
"Tin liên quan" with items of the same campaign first, then of the same unit."""

import datetime as dt
import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news import services
from news.portal import related_to
from news.tests.test_photos import jpeg

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile"}


def _publish(world, article, title, lead="", minutes_ago=0):
    services.article_update(
        world.secretary, article, title=title, lead=lead, body="Nội dung tin.", author=""
    )
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return services.article_publish(world.secretary, article, at=at)


def test_photos_show_with_captions_and_make_the_shared_card(world, conference):
    article = services.article_draft(world.secretary, conference)
    upload = io.BytesIO(jpeg())
    upload.name, upload.size = "hoi-nghi.jpg", len(upload.getvalue())
    photo = services.photo_add(world.secretary, article, upload, "Quang cảnh hội nghị")
    _publish(world, article, "Hội nghị có ảnh", lead="Tóm tắt cho thẻ chia sẻ.")
    page = Client().get(article.get_absolute_url(), **READER).content.decode()
    src = reverse("news:photo", args=[photo.pk])
    assert f'<img src="{src}" alt="Quang cảnh hội nghị"' in page
    assert "<figcaption>Quang cảnh hội nghị</figcaption>" in page
    assert f'<meta property="og:image" content="http://testserver{src}">' in page
    assert '<meta property="og:description" content="Tóm tắt cho thẻ chia sẻ.">' in page
    assert Client().get(src, **READER).status_code == 200  # the card's fetcher may load it


def test_related_items_put_the_same_campaign_before_the_same_unit(world, conference):
    shown = _publish(
        world, services.article_draft(world.secretary, conference), "Tin chính", minutes_ago=30
    )
    campaign = _publish(
        world,
        services.article_draft(world.secretary, conference),
        "Cùng đợt học tập",
        minutes_ago=20,
    )
    own = services.article_create(world.secretary, world.ward, title="x", lead="", body="x")
    own = _publish(world, own, "Tin khác của phường", minutes_ago=1)  # the newest
    assert related_to(shown) == [campaign, own]
