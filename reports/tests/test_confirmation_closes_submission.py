"""Confirming a unit's results while members are still due: the level above sees who,
says so explicitly, and from then on every page tells those members that submission
is closed, and a submit is refused with the reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Confirmation, Decision, Report, Version
from reports.tests.builders import crowd, essay, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell_of_24(world, campaign):
    """Chi bộ khu phố 1 with 24 members: four reports rated, one returned for rewriting,
    nineteen not submitted (An among them)."""
    others = crowd(world.cell, 22)
    for member in others[:4]:
        report = submit(world, campaign, member, actor=world.secretary).report
        services.review(world.secretary, report, Decision.RATE, rating="Đạt")
    returned = submit(world, campaign, others[4], actor=world.secretary).report
    services.review(
        world.secretary,
        returned,
        Decision.RETURN,
        comment="Cần liên hệ với nhiệm vụ của chi bộ.",
        new_due=timezone.localdate() + dt.timedelta(days=5),
    )
    return others


def _confirm_url(campaign, unit):
    return reverse("reports:confirm", args=[campaign.pk, unit.pk])


def test_the_confirmation_page_lists_the_nineteen_due_and_the_one_returned(
    world, campaign, cell_of_24, client
):
    client.force_login(world.secretary)
    page = client.get(_confirm_url(campaign, world.cell))
    assert page.status_code == 200
    html = page.content.decode()
    listed = page.context["pending"]
    assert page.context["pending_count"] == 20
    states = sorted(row.pending for row in listed)
    assert states.count("returned") == 1 and len(states) == 20
    assert "Nguyễn Văn An" in html and cell_of_24[4].full_name in html
    assert "sẽ không nộp được bài nữa" in html
    assert not Confirmation.objects.exists()


def test_confirming_without_saying_so_for_the_pending_members_changes_nothing(
    world, campaign, cell_of_24, client
):
    client.force_login(world.secretary)
    answer = client.post(_confirm_url(campaign, world.cell), {"confirmed": "yes"}, follow=True)
    assert "20 đảng viên" in answer.content.decode()
    assert not Confirmation.objects.exists()
    with pytest.raises(ValidationError, match="20 đảng viên"):
        services.confirm(world.secretary, campaign, world.cell)


def test_a_stray_post_without_the_confirmation_field_is_refused(
    world, campaign, cell_of_24, client
):
    client.force_login(world.secretary)
    answer = client.post(_confirm_url(campaign, world.cell), {"close_pending": "1"}, follow=True)
    assert "Hãy xác nhận" in answer.content.decode()
    assert not Confirmation.objects.exists()


def test_after_confirming_a_pending_member_sees_that_submission_is_closed(
    world, campaign, cell_of_24, client
):
    client.force_login(world.secretary)
    client.post(_confirm_url(campaign, world.cell), {"confirmed": "yes", "close_pending": "1"})
    confirmation = Confirmation.objects.get()
    assert confirmation.closed_pending == 20

    client.force_login(world.member_user)
    write = reverse("reports:write", args=[campaign.pk])
    html = client.get(write).content.decode()
    assert "đã được cấp trên xác nhận" in html
    assert "Nộp bài" not in html and "Thời gian còn lại" not in html

    answer = client.post(write, {"key": "k1", "section_1": essay(1), "section_2": essay(2)})
    assert answer.status_code == 200
    assert "đã được cấp trên xác nhận" in answer.content.decode()
    assert not Version.objects.filter(report__member=world.an).exists()


def test_the_deadline_itself_knows_the_unit_is_confirmed(world, campaign, cell_of_24):
    returned = Report.objects.get(member=cell_of_24[4])
    services.confirm(world.secretary, campaign, world.cell, close_pending=True)
    today = timezone.localdate()
    for member, report in ((world.an, None), (returned.member, returned)):
        deadline = services.deadline_for(campaign, member, report)
        assert deadline.confirmed_on == today
        assert not deadline.is_open(today)
    with pytest.raises(services.SubmitRefused, match="đã được cấp trên xác nhận"):
        submit(world, campaign, returned.member, actor=world.secretary, key="rewrite")
    # A cell that nobody confirmed stays open.
    assert services.deadline_for(campaign, world.cuong).is_open(today)


def test_a_unit_with_nothing_pending_is_confirmed_without_the_extra_statement(world, campaign):
    for member in (world.an, world.binh):
        report = submit(world, campaign, member, actor=world.secretary).report
        services.review(world.secretary, report, Decision.RATE, rating="Đạt")
    confirmation = services.confirm(world.secretary, campaign, world.cell)
    assert confirmation.closed_pending == 0
