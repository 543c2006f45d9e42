"""A member who logs in lands on what the current campaigns ask of them: the deadline
and time left, their attendance, the documents readable on the page, the report form or
its state (receipt, reviewer's comment, rating, closed), and their notices."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import Attachment
from notices.models import Notice
from reports import services
from reports.models import Decision, Version
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
RESOLUTION_TEXT = "Điều 1. Đẩy mạnh chuyển đổi số trong toàn Đảng bộ thành phố."


@pytest.fixture
def studied(campaign):
    document = campaign.documents.get()
    Attachment.objects.create(
        document=document,
        original_name="23-NQ-TU.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=1000,
        stored_path="documents/none.docx",
        sha256="0" * 64,
        state=Attachment.State.DONE,
        text=RESOLUTION_TEXT,
    )
    return document


def test_the_member_lands_on_the_campaign_its_deadline_documents_and_form(
    world, campaign, studied, client
):
    Notice.objects.create(member=world.an, title="Nhắc nộp bài thu hoạch", body="Hạn nộp sắp tới.")
    client.force_login(world.member_user)
    page = client.get(reverse("home"))
    html = page.content.decode()
    assert page.status_code == 200 and campaign.title in html
    due = services.deadline_for(campaign, world.an)
    assert due.due.strftime("%d/%m/%Y") in html
    assert f"còn {(due.due - TODAY()).days} ngày" in html
    assert RESOLUTION_TEXT in html and "23-NQ-TU.docx" in html
    assert 'name="section_1"' in html and "Nộp bài" in html
    assert "Nhắc nộp bài thu hoạch" in html and "1 chưa đọc" in html


def test_submitting_from_the_page_comes_back_with_the_receipt(world, campaign, client):
    client.force_login(world.member_user)
    key = client.get(reverse("home")).context["asked"][0].key
    answer = client.post(
        reverse("reports:write", args=[campaign.pk]),
        {"key": key, "section_1": essay(1), "section_2": essay(2), "back": "mine"},
    )
    assert answer.url == reverse("accounts:mine")
    html = client.get(answer.url).content.decode()
    version = Version.objects.get()
    assert f"{version.report_id}-1" in html and "Đã nộp, chờ đánh giá" in html
    assert 'name="section_1"' not in html


def test_a_returned_report_shows_the_comment_the_new_deadline_and_the_form(world, campaign, client):
    report = submit(world, campaign, world.an).report
    new_due = TODAY() + dt.timedelta(days=50)
    services.review(
        world.secretary, report, Decision.RETURN, comment="Hãy nêu việc cụ thể", new_due=new_due
    )
    client.force_login(world.member_user)
    html = client.get(reverse("home")).content.decode()
    assert "Hãy nêu việc cụ thể" in html and new_due.strftime("%d/%m/%Y") in html
    assert "Viết lại bài thu hoạch" in html and 'name="section_1"' in html


def test_a_rated_report_shows_its_rating(world, campaign, client):
    report = submit(world, campaign, world.an).report
    services.review(world.secretary, report, Decision.RATE, rating="Đạt", comment="Bài tốt")
    client.force_login(world.member_user)
    html = client.get(reverse("home")).content.decode()
    assert "Đã đánh giá" in html and "<b>Đạt</b>" in html and "Bài tốt" in html
    assert 'name="section_1"' not in html


def test_after_confirmation_the_page_says_submission_is_closed(world, campaign, client):
    services.confirm(world.secretary, campaign, world.cell, close_pending=True)
    client.force_login(world.member_user)
    html = client.get(reverse("home")).content.decode()
    assert "Đã khóa" in html and "không nhận bài nữa" in html
    assert "Nộp bài" not in html and "còn " not in html


def test_staff_start_at_what_is_due_and_reach_their_own_page_from_the_menu(world, campaign, client):
    client.force_login(world.secretary)
    assert client.get(reverse("home")).url == reverse("accounts:today")
    client.force_login(world.member_user)
    assert reverse("accounts:mine") in client.get(reverse("home")).content.decode()
    client.force_login(world.outsider)
    assert client.get(reverse("accounts:mine")).status_code == 404
