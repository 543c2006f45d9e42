"""Reminding members who have not submitted: a notice on their page, an email where
their account has an address, never twice a day, and an entry in the audit trail."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from notices.models import Notice
from reports import reminders, services
from reports.models import Decision, Reminder
from reports.tests.builders import crowd, submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def due(world, campaign):
    """An has an account with an email address; Bình does not; two of cell 2 submitted."""
    world.member_user.email = "an@example.vn"
    world.member_user.save(update_fields=["email"])
    world.crowd = crowd(world.cell2, 4)
    for member in world.crowd[:2]:
        submit(world, campaign, member, actor=world.secretary)


def _remind(client, campaign, unit, **data):
    return client.post(
        reverse("reports:remind", args=[campaign.pk]), {"unit": unit.pk, **data}, follow=True
    )


def test_chosen_members_get_a_notice_and_an_email_where_they_have_one(world, campaign, due, client):
    client.force_login(world.secretary)
    answer = _remind(client, campaign, world.ward, member=[world.an.pk, world.binh.pk])
    assert "Đã nhắc 2 đồng chí. Đã gửi 1 thư điện tử." in answer.content.decode()
    assert Notice.objects.filter(member__in=[world.an, world.binh]).count() == 2
    notice = Notice.objects.get(member=world.an)
    assert campaign.title in notice.title and "Hạn nộp" in notice.body
    assert notice.link == reverse("reports:write", args=[campaign.pk])
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert "http://testserver/reports/campaign/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="report.remind")
    assert entry.changes["reminded"] == [None, 2]


def test_nobody_is_reminded_twice_on_the_same_day(world, campaign, due, client):
    client.force_login(world.secretary)
    _remind(client, campaign, world.ward, member=[world.an.pk])
    again = _remind(client, campaign, world.ward, member=[world.an.pk, world.binh.pk])
    assert "Đã nhắc 1 đồng chí." in again.content.decode()
    assert "1 đồng chí đã được nhắc hôm nay" in again.content.decode()
    assert Notice.objects.filter(member=world.an).count() == 1
    assert len(mail.outbox) == 1
    tomorrow = TODAY() + dt.timedelta(days=1)
    later = reminders.reminders_send(
        world.secretary, campaign, world.ward, [world.an.pk], today=tomorrow
    )
    assert later.reminded == 1 and Notice.objects.filter(member=world.an).count() == 2


def test_reminding_everyone_on_the_list_skips_those_who_submitted(world, campaign, due, client):
    client.force_login(world.secretary)
    answer = _remind(client, campaign, world.ward, scope="all")
    assert "Đang gửi lời nhắc" in answer.content.decode()
    reminded = set(Reminder.objects.values_list("member_id", flat=True))
    assert reminded == {world.an.pk, world.binh.pk, world.crowd[2].pk, world.crowd[3].pk}


def test_posted_members_who_submitted_or_lie_elsewhere_are_ignored(world, campaign, due, client):
    client.force_login(world.secretary)
    _remind(client, campaign, world.ward, member=[world.crowd[0].pk, world.cuong.pk])
    assert not Reminder.objects.exists() and not Notice.objects.exists()


def test_a_returned_report_is_reminded_with_its_new_deadline(world, campaign, due):
    report = submit(world, campaign, world.binh, actor=world.secretary).report
    new_due = TODAY() + dt.timedelta(days=50)  # later than the campaign's own deadline
    services.review(world.secretary, report, Decision.RETURN, comment="Viết lại", new_due=new_due)
    reminders.reminders_send(world.secretary, campaign, world.ward, [world.binh.pk])
    body = Notice.objects.get(member=world.binh).body
    assert "yêu cầu viết lại" in body and new_due.strftime("%d/%m/%Y") in body


def test_confirmed_units_and_outsiders_remind_nobody(world, campaign, due, client):
    services.confirm(world.secretary, campaign, world.cell, close_pending=True)
    done = reminders.reminders_send(world.secretary, campaign, world.ward, [world.an.pk])
    assert done.reminded == 0 and not Notice.objects.exists()
    client.force_login(world.outsider)
    answer = client.post(
        reverse("reports:remind", args=[campaign.pk]),
        {"unit": world.ward.pk, "member": [world.an.pk]},
    )
    assert answer.status_code == 404
    client.force_login(world.member_user)
    assert _remind(client, campaign, world.ward, scope="all").status_code == 404
