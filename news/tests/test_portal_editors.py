"""Editors schedule publication, choose categories, feature items on the sites they
manage, promote a ward's item to the city's site, and read the statistics."""

import datetime as dt
import io
import zipfile

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from news import counting, services
from news.models import Article, Category, Feature
from news.tests.test_view_counting import _read


def _draft(world, conference):
    return services.article_draft(world.secretary, conference)


def test_an_editor_schedules_publication_and_bad_times_lose_nothing(world, conference, client):
    article = _draft(world, conference)
    client.force_login(world.secretary)
    url = reverse("news:publish", args=[article.pk])
    for bad in ("ngày mai", "2020-01-01T08:00"):
        response = client.post(
            url, {"action": "publish", "confirmed": "yes", "publish_at": bad}, follow=True
        )
        assert "Giờ hẹn đăng phải là một thời điểm sau bây giờ" in response.content.decode()
    article.refresh_from_db()
    assert article.state == Article.State.DRAFT
    later = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        url,
        {"action": "publish", "confirmed": "yes", "publish_at": later.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert "Đã hẹn đăng tin lúc" in response.content.decode()
    assert not Article.objects.public().filter(pk=article.pk).exists()
    assert Article.objects.get(pk=article.pk).published_at > timezone.now()


def test_an_editor_chooses_categories(world, conference, client):
    article = _draft(world, conference)
    client.force_login(world.secretary)
    category = Category.objects.get(slug="hoat-dong-co-so")
    client.post(
        reverse("news:edit", args=[article.pk]),
        {
            "title": "Tin có chuyên mục",
            "lead": "",
            "body": "Nội dung.",
            "author": "",
            "categories": [category.pk],
        },
    )
    assert list(Article.objects.get(pk=article.pk).categories.all()) == [category]


def test_features_and_promotion_through_the_pages(world, conference, client):
    article = services.article_publish(world.secretary, _draft(world, conference))
    client.force_login(world.clerk)  # the city's office
    edit = client.get(reverse("news:edit", args=[article.pk])).content.decode()
    assert "Đưa lên trang cấp trên" in edit and "Chọn làm tin nổi bật" in edit
    client.post(reverse("news:promote", args=[article.pk]), {"to": world.city.pk})
    client.post(reverse("news:feature", args=[article.pk]), {"site": world.city.pk, "position": 1})
    article.refresh_from_db()
    assert article.promoted_to == world.city
    assert Feature.objects.get().site == world.city
    # The ward's own editor sees no unit above to promote to, and cannot feature on the city.
    client.force_login(world.secretary)
    assert (
        "Đưa lên trang cấp trên"
        not in client.get(reverse("news:edit", args=[article.pk])).content.decode()
    )
    client.post(reverse("news:feature", args=[article.pk]), {"site": world.city.pk, "position": 0})
    assert Feature.objects.get().position == 1
    # Someone of another province reaches none of it.
    client.force_login(world.outsider)
    assert (
        client.post(reverse("news:promote", args=[article.pk]), {"action": "withdraw"}).status_code
        == 404
    )
    assert (
        client.post(reverse("news:feature", args=[article.pk]), {"site": world.city.pk}).status_code
        == 404
    )


def test_statistics_page_and_xlsx_show_only_the_editors_sites(world, conference, client):
    article = services.article_publish(world.secretary, _draft(world, conference))
    for n in range(3):
        _read(client, article, f"203.0.113.{n + 1}", "Mozilla/5.0 Firefox/128")
    counting.flush(everything=True)
    client.force_login(world.secretary)
    page = client.get(reverse("news:stats")).content.decode()
    assert "Lượt xem theo ngày" in page and "Tin xem nhiều trong tuần" in page
    assert article.title in page and "Đảng bộ phường Lam Hạ" in page
    book = load_workbook(io.BytesIO(client.get(reverse("news:stats") + "?format=xlsx").content))
    assert book["Tin xem nhiều trong tuần"]["D2"].value == 3
    assert book["Truy cập theo trang"]["C2"].value == 3
    with zipfile.ZipFile(
        io.BytesIO(client.get(reverse("news:stats") + "?format=xlsx").content)
    ) as f:
        chart = f.read("xl/charts/chart1.xml").decode()  # openpyxl reads no charts back
    assert "'Lượt xem theo ngày'!$B$2:$B$31" in chart and "barChart" in chart
    client.force_login(world.outsider)
    page = client.get(reverse("news:stats")).content.decode()
    assert article.title not in page and "Lam Hạ" not in page
    client.force_login(world.member_user)
    assert client.get(reverse("news:stats")).status_code == 403


def test_an_editor_sets_the_contact_in_the_sites_footer(world, conference, client):
    services.article_publish(world.secretary, _draft(world, conference))
    client.force_login(world.secretary)
    url = reverse("news:site-edit", args=[world.ward.pk])
    response = client.post(
        url, {"address": "Số 1 phố Lam Hạ", "phone": "0226 3852 123", "email": "sai"}
    )
    assert response.status_code == 200 and services.site_for(world.ward).address == ""
    assert 'value="Số 1 phố Lam Hạ"' in response.content.decode()  # nothing typed is lost
    client.post(url, {"address": "Số 1 phố Lam Hạ", "phone": "0226 3852 123", "email": ""})
    client.logout()
    page = client.get(reverse("portal:site", args=[services.site_for(world.ward).slug]))
    assert "Địa chỉ: Số 1 phố Lam Hạ" in page.content.decode()
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"address": "Khác"}).status_code == 404
