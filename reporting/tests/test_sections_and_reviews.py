"""Sections II (limitations and causes) and III (directions) are written in the app, kept
and audited with the report, frozen when it is issued; a six-month review of a campaign
states the study results beside the tasks, in sentences a clerk would write."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from conferences import services as conferences
from conferences.models import Status
from reporting import services
from reporting.models import Kind
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _draft(world, campaign, kind=Kind.CAMPAIGN, **extra):
    return services.snapshot_draft(
        world.secretary,
        world.ward,
        kind=kind,
        campaign=campaign,
        period_from=TODAY() - dt.timedelta(days=180),
        period_to=TODAY(),
        title="Sơ kết 6 tháng học tập, quán triệt Nghị quyết số 23-NQ/TU",
        place="Lam Hạ",
        **extra,
    )


def test_sections_two_and_three_are_written_on_the_draft_and_frozen_when_issued(
    world, campaign, client
):
    snapshot = _draft(world, campaign)
    client.force_login(world.secretary)
    url = reverse("reporting:detail", args=[snapshot.pk])
    answer = client.post(
        url,
        {
            "action": "save",
            "title": "Sơ kết 6 tháng học tập, quán triệt Nghị quyết số 23-NQ/TU",
            "symbol": "52-BC/ĐU",
            "place": "Lam Hạ",
            "signer": "Nguyễn Văn Hùng",
            "signs_as": "secretary",
            "recipients": "",
            "limitations": "Một số chi bộ tổ chức chậm.",
            "directions": "Tổ chức học bù trong tháng tới.",
        },
    )
    assert answer.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.limitations == "Một số chi bộ tổ chức chậm."
    assert snapshot.directions == "Tổ chức học bù trong tháng tới."
    entry = AuditEntry.objects.filter(action="reporting.edit").get()
    assert entry.changes["limitations"] == ["", "Một số chi bộ tổ chức chậm."]
    page = client.get(url).content.decode()
    assert "II. Hạn chế, nguyên nhân" in page and "Tổ chức học bù trong tháng tới." in page

    client.post(url, {"action": "issue", "confirmed": "yes"})
    snapshot.refresh_from_db()
    assert snapshot.is_issued
    with pytest.raises(ValidationError, match="đã ban hành"):
        services.snapshot_edit(world.secretary, snapshot, limitations="Sửa sau khi ban hành")
    refused = client.post(url, {"action": "save", "limitations": "x", "directions": "y"})
    assert refused.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.limitations == "Một số chi bộ tổ chức chậm."


def test_a_report_without_sections_two_and_three_is_not_issued(world, campaign, client):
    snapshot = _draft(world, campaign)
    with pytest.raises(ValidationError, match="II"):
        services.snapshot_issue(world.secretary, snapshot)
    client.force_login(world.secretary)
    url = reverse("reporting:detail", args=[snapshot.pk])
    page = client.post(url, {"action": "issue", "confirmed": "yes"}, follow=True).content.decode()
    assert "Hãy viết phần II" in page
    snapshot.refresh_from_db()
    assert not snapshot.is_issued


def test_bad_input_on_the_draft_gets_a_clear_message_and_loses_nothing(world, campaign, client):
    snapshot = _draft(world, campaign)
    client.force_login(world.secretary)
    url = reverse("reporting:detail", args=[snapshot.pk])
    page = client.post(
        url,
        {
            "action": "save",
            "title": "Sơ kết 6 tháng",
            "symbol": "",
            "place": "",
            "signer": "",
            "signs_as": "secretary",
            "recipients": "",
            "limitations": "Nội dung đã viết " * 20,
            "directions": "",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hãy ghi địa danh" in html and "Nội dung đã viết" in html


def test_a_six_month_review_of_a_campaign_states_the_study_results_as_a_clerk_writes(
    world, campaign, conference
):
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    conferences.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm"
    )
    conferences.conference_update(
        world.secretary, conference, chair="Nguyễn Văn Hùng", chair_title="Bí thư Đảng ủy phường"
    )
    submit(world, campaign, world.an)
    snapshot = _draft(world, campaign, kind=Kind.SIX_MONTH)
    phrases = snapshot.figures["phrases"]
    text = " ".join(phrases)
    assert (
        "Có 1/2 chi bộ đã tổ chức hội nghị học tập, quán triệt; 1/2 đảng viên phải học tập "
        "đã tham dự, đạt 50,00%" in text
    )
    assert "do đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy phường chủ trì" in text
    assert "Có 1/2 đảng viên đã nộp bài thu hoạch, đạt 50,00%" in text
    assert "1 đảng viên chưa nộp" in text
    for sentence in phrases:
        assert sentence[0].isupper() and sentence.endswith("."), sentence
        assert not re.match(r"^[0-9]", sentence), sentence  # never a telegram
        assert sentence.count("Đảng bộ phường Lam Hạ") <= 1, sentence
