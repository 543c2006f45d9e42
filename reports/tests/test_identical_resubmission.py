"""A second tap on "Nộp bài" with the same text from a freshly loaded page (a new key)
keeps one version; after a return for rewriting, the same text again is refused."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Decision, ReportTally, Version
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db
TEXT = [essay(11), essay(12)]


def test_the_same_text_under_a_new_key_keeps_one_version(world, campaign):
    first = submit(world, campaign, world.an, TEXT, key="page-1")
    again = submit(world, campaign, world.an, TEXT, key="page-2")
    assert again.unchanged and again.version.pk == first.version.pk
    assert Version.objects.count() == 1
    assert ReportTally.objects.get(organization=world.cell).submitted == 1


def test_a_changed_text_is_a_new_version(world, campaign):
    submit(world, campaign, world.an, TEXT, key="page-1")
    changed = submit(world, campaign, world.an, [TEXT[0], TEXT[1] + " Thêm một câu."], key="p2")
    assert not changed.unchanged and changed.version.number == 2


def test_the_page_says_the_report_did_not_change(world, campaign, client):
    client.force_login(world.member_user)
    url = reverse("reports:write", args=[campaign.pk])
    for key in ("page-1", "page-2"):
        answer = client.post(
            url, {"key": key, "section_1": TEXT[0], "section_2": TEXT[1]}, follow=True
        )
    assert "Bài không thay đổi so với lần nộp trước" in answer.content.decode()
    assert Version.objects.count() == 1


def test_after_a_return_the_same_text_is_refused_with_a_request_to_revise(world, campaign):
    report = submit(world, campaign, world.an, TEXT, key="page-1").report
    services.review(
        world.secretary,
        report,
        Decision.RETURN,
        comment="Cần cụ thể hơn.",
        new_due=timezone.localdate() + dt.timedelta(days=3),
    )
    with pytest.raises(services.SubmitRefused, match="chưa sửa"):
        submit(world, campaign, world.an, TEXT, key="page-2")
    assert Version.objects.count() == 1
