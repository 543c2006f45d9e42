import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from conferences import services as conferences
from conferences.models import Status, Topic
from news import counting, services
from news.drafting import draft_for
from news.models import Article, ArticleDay
from vn.formats import format_date

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile"}


def _held(world, conference):
    hall = conference.bridge_points.get(is_main=True)
    hall.chair = "Đ/c Nguyễn Văn Hùng, Bí thư Đảng ủy phường"
    hall.save()
    conferences.bridge_point_add(
        world.secretary,
        conference,
        name="Nhà văn hóa khu phố 2",
        host=world.cell2,
        units=[world.cell2],
        chair="Đ/c Hoàng Văn Nam",
    )
    Topic.objects.create(
        conference=conference, position=0, title="Chuyển đổi số ở cơ sở", reporter="Trần Văn Tâm"
    )
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    conferences.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm"
    )
    return conference


def test_the_draft_tells_the_conference_from_its_record(world, conference):
    draft = draft_for(_held(world, conference))
    assert draft.title.startswith("Đảng bộ phường Lam Hạ tổ chức Hội nghị trực tuyến học tập")
    assert "23-NQ/TU" in draft.title
    body = draft.body
    assert f"ngày {format_date(conference.starts_at)}" in body
    assert "Nghị quyết số 23-NQ/TU ngày 01/09/2025 của Thành ủy Hà Nam về chuyển đổi số" in body
    assert "kết nối tới 2 điểm cầu. Có 1/2 đảng viên phải học tập đã tham dự, đạt 50,00%." in body
    assert "Đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy phường chủ trì" in body
    assert "đồng chí Trần Văn Tâm trình bày chuyên đề “Chuyển đổi số ở cơ sở”" in body
    assert "bài thu hoạch gồm 2 nội dung" in body and "hạn nộp về chi bộ trước ngày" in body


def test_editor_drafts_edits_adds_a_photo_and_publishes(world, conference, client):
    client.force_login(world.secretary)
    answer = client.post(reverse("news:draft", args=[conference.pk]))
    article = Article.objects.get()
    assert answer.url == reverse("news:edit", args=[article.pk])
    edit = reverse("news:edit", args=[article.pk])
    bad = client.post(edit, {"title": "  ", "lead": "", "body": "", "author": ""})
    assert bad.context["form"].errors["title"] and bad.context["form"].errors["body"]
    article.refresh_from_db()
    assert article.title.startswith("Đảng bộ phường Lam Hạ")  # nothing was lost
    client.post(
        edit,
        {
            "title": "Tin đã sửa",
            "lead": "Sa pô",
            "body": "Đoạn một\n\nĐoạn <b>hai</b>",
            "author": "Ngọc Hằng",
        },
    )
    image = io.BytesIO(PNG)
    image.name = "anh.png"
    client.post(
        reverse("news:photo-add", args=[article.pk]),
        {"image": image, "caption": "Quang cảnh hội nghị"},
    )
    fake = io.BytesIO(b"<svg onload=alert(1)>")
    fake.name = "anh.png"
    refused = client.post(
        reverse("news:photo-add", args=[article.pk]), {"image": fake, "caption": "x"}, follow=True
    )
    assert "Chỉ nhận ảnh JPEG hoặc PNG" in refused.content.decode()
    public = reverse("news:article", args=[article.pk])
    client.logout()
    assert client.get(public, **READER, follow=True).status_code == 404  # a draft is not public
    photo_url = reverse("news:photo", args=[article.photos.get().pk])
    assert client.get(photo_url).status_code == 404
    client.force_login(world.secretary)
    client.post(
        reverse("news:publish", args=[article.pk]), {"action": "publish", "confirmed": "yes"}
    )
    client.logout()
    page = client.get(public, **READER, follow=True).content.decode()
    assert "Tin đã sửa" in page and "Đoạn &lt;b&gt;hai&lt;/b&gt;" not in page and "Đoạn hai" in page
    assert "Quang cảnh hội nghị" in page and "Đọc bài viết" in page and "A+" in page
    assert client.get(photo_url)["Content-Type"] == "image/png"
    listing = client.get(reverse("news:unit", args=[world.ward.pk]), follow=True)
    listing = listing.content.decode()
    assert "Tin đã sửa" in listing


def test_views_are_counted_once_a_day_and_never_for_bots(world, conference, client):
    article = services.article_draft(world.secretary, conference)
    services.article_publish(world.secretary, article)
    url = article.get_absolute_url()
    for _ in range(3):
        client.get(url, **READER)
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.get(url, HTTP_USER_AGENT="")
    client.get(url, **READER, HTTP_SEC_PURPOSE="prefetch")
    client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/604.1")
    counting.flush(everything=True)
    article.refresh_from_db()
    assert article.views == 2 and ArticleDay.objects.get().views == 2
    cache.clear()  # the page itself is cached for a minute
    page = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 Firefox/128", follow=True)
    assert 'Lượt xem: <span id="views">3</span>' in page.content.decode()


def test_only_the_units_editors_draft_and_edit(world, conference, client):
    client.force_login(world.outsider)
    assert client.post(reverse("news:draft", args=[conference.pk])).status_code == 404
    article = services.article_draft(world.secretary, conference)
    assert client.get(reverse("news:edit", args=[article.pk])).status_code == 404
    client.force_login(world.member_user)
    assert client.post(reverse("news:draft", args=[conference.pk])).status_code == 403
