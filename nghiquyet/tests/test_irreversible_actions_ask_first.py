"""Closing a conference's attendance, issuing a report upward, publishing news and
confirming a unit's results each state their consequences in the page before the final
button; a POST without the confirmation given there changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.models import Attendance
from news import services as news
from news.models import Article
from reporting import services as reporting
from reporting.models import Kind, Snapshot
from reports.models import Confirmation

pytestmark = pytest.mark.django_db
PANEL = 'class="confirm-panel"'


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_closing_a_conference_asks_in_the_page_first(world, client, conference):
    client.force_login(world.secretary)
    detail = reverse("conferences:detail", args=[conference.pk])
    html = client.get(detail).content.decode()
    assert PANEL in html and "ghi vắng không lý do" in html and "onsubmit" not in html
    url = reverse("conferences:close", args=[conference.pk])
    stray = client.post(url, follow=True)
    assert "chưa có gì thay đổi" in _messages(stray)
    assert not Attendance.objects.exists()
    conference.refresh_from_db()
    assert not conference.is_closed
    client.post(url, {"confirmed": "yes"})
    conference.refresh_from_db()
    assert conference.is_closed and Attendance.objects.count() == 2


def test_issuing_a_report_asks_in_the_page_first(world, client, campaign):
    snapshot = reporting.snapshot_draft(
        world.propaganda,
        world.city,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=timezone.localdate() - dt.timedelta(days=30),
        period_to=timezone.localdate(),
        title="Kết quả học tập Nghị quyết 23-NQ/TU",
        place="Hà Nam",
    )
    client.force_login(world.propaganda)
    url = reverse("reporting:detail", args=[snapshot.pk])
    html = client.get(url).content.decode()
    assert PANEL in html and "số liệu được giữ nguyên" in html
    stray = client.post(url, {"action": "issue"}, follow=True)
    assert "chưa có gì thay đổi" in _messages(stray)
    assert not Snapshot.objects.get(pk=snapshot.pk).is_issued
    client.post(url, {"action": "refresh"})  # a draft's refresh needs no confirmation
    reporting.snapshot_edit(
        world.propaganda,
        snapshot,
        limitations="Một số chi bộ tổ chức chậm.",
        directions="Tiếp tục đôn đốc.",
    )
    client.post(url, {"action": "issue", "confirmed": "yes"})
    assert Snapshot.objects.get(pk=snapshot.pk).is_issued


def test_publishing_news_asks_in_the_page_first(world, client, conference):
    article = news.article_draft(world.secretary, conference)
    client.force_login(world.secretary)
    edit = reverse("news:edit", args=[article.pk])
    html = client.get(edit).content.decode()
    assert PANEL in html and "công khai" in html
    url = reverse("news:publish", args=[article.pk])
    stray = client.post(url, {"action": "publish"}, follow=True)
    assert "chưa có gì thay đổi" in _messages(stray)
    assert Article.objects.get(pk=article.pk).state == Article.State.DRAFT
    client.post(url, {"action": "publish", "confirmed": "yes"})
    assert Article.objects.get(pk=article.pk).state == Article.State.PUBLISHED
    client.post(url, {"action": "withdraw"})  # taking it down again needs no confirmation
    assert Article.objects.get(pk=article.pk).state == Article.State.WITHDRAWN


def test_confirming_a_units_results_asks_in_the_page_first(world, client, campaign):
    client.force_login(world.secretary)
    url = reverse("reports:confirm", args=[campaign.pk, world.cell2.pk])
    html = client.get(url).content.decode()
    assert PANEL in html and "không đánh giá lại được" in html
    stray = client.post(url, follow=True)
    assert "chưa có gì thay đổi" in _messages(stray)
    assert not Confirmation.objects.exists()
    client.post(url, {"confirmed": "yes"})
    assert Confirmation.objects.filter(organization=world.cell2).exists()
