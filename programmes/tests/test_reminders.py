import datetime as dt
import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import Role, RoleGrant, User
from programmes import reminders, services
from programmes.models import Bucket, Programme, Reminder, Task
from programmes.reminders import reminders_send
from programmes.tasks import daily, task_tallies_rebuild
from programmes.tests.appendix_files import programme_make

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
NOTHING = {"before": 0, "after": 0, "escalated": 0, "emails": 0}


@pytest.fixture
def mailboxes(world):
    """Addresses for the offices and committees: the city's office, the ward's secretary
    and office, and a commune secretary. Propaganda officers get no task mail."""
    for user, email in (
        (world.clerk, "vanphong@hanam.vn"),
        (world.secretary, "bithu.lamha@hanam.vn"),
        (world.ward_clerk, "vanphong.lamha@hanam.vn"),
        (world.propaganda, "tuyengiao@hanam.vn"),
    ):
        User.objects.filter(pk=user.pk).update(email=email)
    commune = User.objects.create_user("bithu_tientan", "bithu.tientan@hanam.vn", "pw")
    RoleGrant.objects.create(user=commune, organization=world.commune, role=Role.COMMITTEE)
    gone = User.objects.create_user("cu", "cu@hanam.vn", "pw", is_active=False)
    RoleGrant.objects.create(user=gone, organization=world.ward, role=Role.OFFICE)


def _programme(world, **settings) -> Programme:
    programme = programme_make(world)
    Programme.objects.filter(pk=programme.pk).update(**settings)
    programme.refresh_from_db()
    return programme


def _task(world, programme, lead, days, content=None) -> Task:
    return services.task_add(
        world.clerk,
        programme,
        content=content or f"Nhiệm vụ của {lead.name}, hạn {days} ngày",
        lead=lead,
        deadline=TODAY() + dt.timedelta(days=days),
    )


def test_programmes_are_quiet_unless_they_ask_but_overdue_tasks_are_escalated(world, mailboxes):
    programme = _programme(world)
    _task(world, programme, world.ward, 2)
    late = _task(world, programme, world.ward, -4)
    assert reminders_send() == {"before": 0, "after": 0, "escalated": 1, "emails": 0}
    assert mail.outbox == []
    late.refresh_from_db()
    assert late.escalated
    assert Reminder.objects.get().kind == Reminder.Kind.ESCALATE


def test_lead_units_are_reminded_of_deadlines_within_the_window_one_email_each(world, mailboxes):
    programme = _programme(world, remind_before=7)
    _task(world, programme, world.ward, 3, "Xây dựng đề án chuyển đổi số")
    _task(world, programme, world.ward, 0, "Báo cáo sơ kết")
    _task(world, programme, world.commune, 7, "Số hóa hồ sơ đảng viên")
    _task(world, programme, world.commune, 8)  # outside the window
    _task(world, programme, world.cell, 1)  # nobody with an address leads the cell
    assert reminders_send() == {"before": 4, "after": 0, "escalated": 0, "emails": 2}
    ward, commune = mail.outbox
    assert ward.subject == "Nhắc việc: 2 nhiệm vụ sắp đến hạn — Đảng bộ phường Lam Hạ"
    assert ward.to == ["bithu.lamha@hanam.vn", "vanphong.lamha@hanam.vn"]
    assert ward.body.startswith(
        "Kính gửi: Đảng bộ phường Lam Hạ\n\n"
        "Các nhiệm vụ dưới đây do Đảng bộ phường Lam Hạ chủ trì sắp đến hạn hoàn thành:\n\n"
        "1. Báo cáo sơ kết\n"
        f"   Văn bản: 32-CTr/TU. Thời hạn: {TODAY():%d/%m/%Y} (đến hạn hôm nay).\n"
        "2. Xây dựng đề án chuyển đổi số\n"
        f"   Văn bản: 32-CTr/TU. Thời hạn: {TODAY() + dt.timedelta(days=3):%d/%m/%Y} "
        "(còn 3 ngày)."
    )
    assert commune.subject == "Nhắc việc: 1 nhiệm vụ sắp đến hạn — Đảng bộ xã Tiên Tân"
    assert commune.to == ["bithu.tientan@hanam.vn"]
    assert Reminder.objects.get(task__lead=world.cell).recipients == 0


def test_overdue_tasks_are_urged_after_the_grace_days_and_the_assigning_unit_is_told(
    world, mailboxes
):
    programme = _programme(world, remind_after=3)
    _task(world, programme, world.ward, -5, "Rà soát văn bản")
    _task(world, programme, world.ward, -2, "Tổng hợp ý kiến")  # overdue, within the grace
    assert reminders_send() == {"before": 0, "after": 1, "escalated": 2, "emails": 2}
    urged, told = mail.outbox
    assert urged.subject == "Đôn đốc: 1 nhiệm vụ quá hạn — Đảng bộ phường Lam Hạ"
    assert "1. Rà soát văn bản\n" in urged.body and "(quá hạn 5 ngày)" in urged.body
    assert "Tổng hợp ý kiến" not in urged.body
    assert told.subject == "Báo cáo: 2 nhiệm vụ do Thành ủy Hà Nam giao đã quá hạn"
    assert told.to == ["vanphong@hanam.vn"]
    assert "Đơn vị chủ trì: Đảng bộ phường Lam Hạ. Văn bản: 32-CTr/TU." in told.body


def test_a_second_run_sends_nothing(world, mailboxes):
    programme = _programme(world, remind_before=5, remind_after=1)
    _task(world, programme, world.ward, 2)
    _task(world, programme, world.commune, -3)
    first = reminders_send()
    assert first == {"before": 1, "after": 1, "escalated": 1, "emails": 3}
    reminded = Reminder.objects.count()
    assert reminders_send() == NOTHING
    assert len(mail.outbox) == 3 and Reminder.objects.count() == reminded


def test_a_new_deadline_after_a_decision_is_reminded_anew(world, mailboxes):
    programme = _programme(world, remind_after=3)
    task = _task(world, programme, world.ward, -5)
    assert reminders_send()["after"] == 1
    services.decision_record(
        world.clerk,
        task,
        kind="",
        reference="Thông báo số 12-TB/TU",
        decided_on=TODAY(),
        new_deadline=TODAY() + dt.timedelta(days=10),
    )
    assert reminders_send() == NOTHING
    later = TODAY() + dt.timedelta(days=14)
    services.buckets_refresh(later)
    assert reminders_send(later) == {"before": 0, "after": 1, "escalated": 1, "emails": 2}
    deadlines = Reminder.objects.filter(kind=Reminder.Kind.AFTER).values_list("deadline", flat=True)
    assert sorted(deadlines) == [TODAY() - dt.timedelta(days=5), TODAY() + dt.timedelta(days=10)]


def test_a_reminder_another_run_recorded_meanwhile_is_not_mailed_twice(
    world, mailboxes, monkeypatch
):
    programme = _programme(world, remind_before=7)
    ward = _task(world, programme, world.ward, 3)
    _task(world, programme, world.commune, 3)
    seen = reminders.due_before(TODAY())  # what this run read before the other one wrote
    Reminder.objects.create(task=ward, kind=Reminder.Kind.BEFORE, deadline=ward.deadline)
    monkeypatch.setattr(reminders, "due_before", lambda today: seen)
    assert reminders_send() == {"before": 1, "after": 0, "escalated": 0, "emails": 1}
    assert [m.to for m in mail.outbox] == [["bithu.tientan@hanam.vn"]]


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_mail_each_reminder_once(world, mailboxes, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    programme = _programme(world, remind_before=7)
    _task(world, programme, world.ward, 3)
    _task(world, programme, world.commune, 3)
    both_read = threading.Barrier(2, timeout=30)
    read = reminders.due_before

    def read_then_wait(today):
        found = read(today)
        both_read.wait()  # both runs have seen the same two tasks due
        return found

    monkeypatch.setattr(reminders, "due_before", read_then_wait)
    results = []

    def run():
        try:
            results.append(reminders_send())
        finally:
            connection.close()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=60)
    assert sorted(result["before"] for result in results) == [0, 2]
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 2


def test_a_mail_server_failure_records_nothing_so_the_next_run_sends_again(
    world, mailboxes, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    programme = _programme(world, remind_before=7)
    _task(world, programme, world.ward, 3)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("máy chủ thư không trả lời")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            reminders_send()
    assert not Reminder.objects.exists()
    assert reminders_send()["emails"] == 1


def test_the_daily_job_moves_deadlines_then_urges(world, mailboxes):
    programme = _programme(world, remind_after=0)
    task = _task(world, programme, world.commune, 2)
    later = TODAY() + dt.timedelta(days=3)
    result = daily.enqueue(later.isoformat())
    assert result.return_value == {
        "moved": 1,
        "before": 0,
        "after": 1,
        "escalated": 1,
        "emails": 2,
    }
    task.refresh_from_db()
    assert (task.bucket, task.escalated) == (Bucket.OVERDUE, True)
    assert daily.enqueue(later.isoformat()).return_value == {"moved": 0, **NOTHING}


def test_the_tally_rebuild_job_finds_nothing_to_correct(world):
    programme = _programme(world)
    _task(world, programme, world.ward, 5)
    assert task_tallies_rebuild.enqueue().return_value == 0
