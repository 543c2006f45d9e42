"""Returning a report for rewriting needs a deadline: a blank one is asked for plainly,
never read as a date in the past."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Decision, Report, State
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db


def test_a_blank_rewrite_deadline_is_asked_for(world, campaign):
    report = submit(world, campaign, world.an).report
    with pytest.raises(ValidationError) as refused:
        services.review(world.secretary, report, Decision.RETURN, comment="Viết lại")
    assert refused.value.message_dict["new_due"] == ["Hãy chọn hạn viết lại."]


def test_a_past_rewrite_deadline_is_refused(world, campaign):
    report = submit(world, campaign, world.an).report
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="từ hôm nay trở đi"):
        services.review(
            world.secretary, report, Decision.RETURN, comment="Viết lại", new_due=yesterday
        )


def test_the_review_page_keeps_the_comment_and_asks_for_the_deadline(world, campaign, client):
    report = submit(world, campaign, world.an).report
    client.force_login(world.secretary)
    page = client.post(
        reverse("reports:detail", args=[report.pk]),
        {"decision": "return", "comment": "Cần liên hệ thực tế", "new_due": ""},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hãy chọn hạn viết lại." in html and "Cần liên hệ thực tế" in html
    assert "từ hôm nay trở đi" not in html
    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED
