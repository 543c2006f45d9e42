"""The public face: the homepage, a site per publishing unit with its subtree's items,
featured items, categories, pages, the article page, search, feeds, sitemap and robots."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news import services
from news.models import Article, Category, Feature
from news.portal import PAGE_SIZE

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile"}


def _item(world, conference, title, unit=None, body="Nội dung tin.", at=None, author=""):
    article = services.article_draft(world.secretary, conference)
    if unit is not None:
        article.organization = unit
        article.save(update_fields=["organization"])
    services.article_update(
        world.secretary, article, title=title, lead="", body=body, author=author
    )
    return services.article_publish(world.secretary, article, at=at)


def _site_url(unit, **kwargs):
    return reverse("portal:site", args=[services.site_for(unit).slug])


def _get(url, **extra) -> str:
    response = Client().get(url, **READER, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_homepage_is_public_and_a_signed_in_officer_still_starts_at_work(
    world, conference, client
):
    _item(world, conference, "Phường Lam Hạ quán triệt nghị quyết")
    page = _get("/")
    assert "Phường Lam Hạ quán triệt nghị quyết" in page and "Đảng bộ phường Lam Hạ" in page
    assert "Đăng xuất" not in page and "csrfmiddlewaretoken" not in page
    assert Client().get("/news/").url == "/"
    client.force_login(world.clerk)
    assert client.get("/").status_code == 302  # to the unit tree, as before


def test_a_city_site_shows_its_wards_items_labelled_with_their_unit(world, conference):
    _item(world, conference, "Tin của phường Lam Hạ")
    services.site_for(world.city)
    page = _get(_site_url(world.city))
    assert "Tin của phường Lam Hạ" in page and "Chưa có tin nào" not in page
    assert (
        'class="unit-label" href="/tin-tuc/dang-bo-phuong-lam-ha/">Đảng bộ phường Lam Hạ</a>'
        in page
    )
    assert _site_url(world.ward) == "/tin-tuc/dang-bo-phuong-lam-ha/"
    assert "Trang tin các đơn vị trực thuộc" in page
    # A unit of another province shows nothing of Hà Nam.
    services.site_for(world.other)
    assert Client().get(_site_url(world.other)).status_code == 404


def test_featured_items_keep_the_editors_order_and_leave_when_they_expire(world, conference):
    first = _item(world, conference, "Tin thứ nhất")
    second = _item(world, conference, "Tin thứ hai")
    services.feature_set(world.secretary, world.ward, second, 1, None)
    services.feature_set(
        world.secretary, world.ward, first, 2, timezone.now() + dt.timedelta(days=1)
    )
    page = _get(_site_url(world.ward))
    featured = page[page.index("Tin nổi bật") : page.index("Tin mới của đơn vị")]
    assert featured.index("Tin thứ hai") < featured.index("Tin thứ nhất")
    Feature.objects.filter(article=first).update(until=timezone.now() - dt.timedelta(minutes=1))
    cache.clear()
    page = _get(_site_url(world.ward))
    featured = page[page.index("Tin nổi bật") : page.index("Tin mới của đơn vị")]
    assert "Tin thứ hai" in featured and "Tin thứ nhất" not in featured


def test_an_editor_features_only_on_sites_they_manage(world, conference):
    item = _item(world, conference, "Tin phường")
    with pytest.raises(ValidationError):
        services.feature_set(world.outsider, world.ward, item, 1, None)
    with pytest.raises(ValidationError):
        services.feature_set(world.secretary, world.city, item, 1, None)
    with pytest.raises(ValidationError):  # not an item of the commune's site
        services.feature_set(world.clerk, world.commune, item, 1, None)
    assert not Feature.objects.exists()


def test_a_city_editor_promotes_a_ward_item_onto_the_city_site(world, conference):
    item = _item(world, conference, "Tin phường được chọn")
    with pytest.raises(ValidationError):
        services.article_promote(world.secretary, item, world.city)  # the ward's own editor
    with pytest.raises(ValidationError):
        services.article_promote(world.outsider, item, world.other)
    services.article_promote(world.clerk, item, world.city)
    assert Article.objects.public().of_site(world.city).filter(pk=item.pk).exists()
    assert Article.objects.public().of_site(world.ward).filter(pk=item.pk).exists()
    feed = _get(reverse("portal:rss", args=[services.site_for(world.city).slug]))
    assert "Tin phường được chọn" in feed


def test_categories_and_pages(world, conference):
    category = Category.objects.get(slug="van-ban-moi")
    for n in range(PAGE_SIZE + 3):
        _item(world, conference, f"Tin số {n:02d}")
    tagged = Article.objects.get(title="Tin số 05")
    services.article_update(
        world.secretary,
        tagged,
        title=tagged.title,
        lead="",
        body=tagged.body,
        author="",
        categories=[category],
    )
    site = services.site_for(world.ward).slug
    listing = _get(reverse("portal:category", args=[site, "van-ban-moi"]))
    assert "Tin số 05" in listing and "Tin số 06" not in listing
    first, second = _get(_site_url(world.ward)), _get(_site_url(world.ward) + "?trang=2")
    assert "Trang 1/2" in first and "Tin số 22" in first and "Tin số 00" in second
    assert Client().get(_site_url(world.ward) + "?trang=9").status_code == 404
    assert Client().get(_site_url(world.ward) + "?trang=abc").status_code == 404
    assert Client().get(reverse("portal:category", args=[site, "khong-co"])).status_code == 404


def test_the_article_page_shows_date_time_views_author_share_and_related(world, conference):
    shown = _item(
        world,
        conference,
        "Hội nghị quán triệt Nghị quyết",
        at=timezone.make_aware(dt.datetime(2024, 5, 10, 16, 21)),
        author="Minh Anh",
    )
    related = _item(world, conference, "Tin cùng đợt học tập")
    page = _get(shown.get_absolute_url())
    assert "Ngày đăng" in page and "10/05/2024 | 16:21</time> | Lượt xem:" in page
    assert "Tác giả: Minh Anh" in page and "Đọc bài viết" in page and "A+" in page
    assert '<meta property="og:title" content="Hội nghị quán triệt Nghị quyết">' in page
    assert "facebook.com/sharer" in page and "Bản in" in page
    assert "Tin liên quan" in page and related.get_absolute_url() in page
    printed = _get(reverse("portal:print", args=[shown.pk, shown.slug]))
    assert "Hội nghị quán triệt Nghị quyết" in printed and "Tin liên quan" not in printed
    wrong = Client().get(reverse("portal:article", args=[shown.pk, "ten-cu"]))
    assert wrong.status_code == 301 and wrong.url == shown.get_absolute_url()


def test_a_scheduled_item_stays_off_the_site_until_its_time(world, conference):
    later = _item(world, conference, "Tin hẹn giờ", at=timezone.now() + dt.timedelta(hours=2))
    _item(world, conference, "Tin đăng ngay")
    assert "Tin hẹn giờ" not in _get(_site_url(world.ward))
    assert Client().get(later.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=later.pk).update(published_at=timezone.now())
    cache.clear()
    assert "Tin hẹn giờ" in _get(_site_url(world.ward))


def test_search_with_and_without_marks_by_symbol_and_by_named_resolution(world, conference):
    _item(world, conference, "Quán triệt Nghị quyết Trung ương 8 khóa XIII", body="Bảo vệ Tổ quốc.")
    _item(world, conference, "Tin khác", body="Trồng cây xanh ở khu phố.")
    search = reverse("portal:search")
    assert "Tin khác" in _get(search + "?q=trong+cay")
    assert "Tin khác" in _get(search + "?q=Trồng+cây")
    assert "Tin khác" not in _get(search + "?q=bao+ve+to+quoc")
    # Every item of the ward's conference is on the campaign of 23-NQ/TU.
    by_symbol = _get(search + "?q=23-NQ%2FTU")
    assert "Tin khác" in by_symbol and "Có 2 tin" in by_symbol
    assert "Có 0 tin" in _get(search + "?q=99-NQ%2FTU")
    assert "Quán triệt Nghị quyết Trung ương 8" in _get(search + "?q=Trung+uong+8")
    assert _get(search + "?q=" + "x" * 5000)


def test_feeds_sitemap_and_robots(world, conference):
    item = _item(world, conference, "Tin có trong nguồn tin")
    slug = services.site_for(world.ward).slug
    rss = Client().get(reverse("portal:rss", args=[slug]))
    atom = Client().get(reverse("portal:atom", args=[slug]))
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "Tin có trong nguồn tin" in rss.content.decode() + atom.content.decode()
    sitemap = _get(reverse("portal:sitemap"))
    assert item.get_absolute_url() in sitemap and f"/tin-tuc/{slug}/" in sitemap
    robots = _get("/robots.txt")
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /" in robots


def test_drafts_never_reach_search_feeds_or_sitemap(world, conference):
    _item(world, conference, "Tin đã đăng")
    draft = services.article_draft(world.secretary, conference)
    services.article_update(
        world.secretary, draft, title="Bản nháp bí mật", lead="", body="Chưa đăng.", author=""
    )
    slug = services.site_for(world.ward).slug
    for url in (
        reverse("portal:search") + "?q=bi+mat",
        reverse("portal:rss", args=[slug]),
        reverse("portal:sitemap"),
        "/",
        _site_url(world.ward),
    ):
        assert "Bản nháp bí mật" not in _get(url) and draft.get_absolute_url() not in _get(url)


def test_an_editor_writes_a_unit_item_without_a_conference_only_for_units_they_manage(world):
    with pytest.raises(ValidationError):
        services.article_create(world.secretary, world.city, title="Tin", lead="", body="Nội dung.")
    item = services.article_create(
        world.clerk, world.city, title="Văn bản mới của Thành ủy", lead="", body="Số 23-NQ/TU."
    )
    assert (item.organization, item.state, item.conference) == (world.city, "draft", None)
    assert "23-nq/tu" in item.search_text.lower() and not Article.objects.public().exists()
