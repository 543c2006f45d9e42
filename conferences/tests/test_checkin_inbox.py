"""A QR check-in is stored in one write and answered with a receipt; the drain applies
it with the rules a check-in always had."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from conferences import checkin as tokens
from conferences import inbox, services
from conferences.models import Attendance, CheckinInbox, Status, Tally
from conferences.tests.inbox_builders import members_with_logins, queue_busy

WAITING_TEXT = "Đã nhận, đang ghi nhận điểm danh…"


def _scan(client, point, token=None):
    url = reverse("conferences:checkin", kwargs={"conference_pk": point.conference_id})
    return client.post(url, {"t": token or tokens.token_make(point)})


def test_a_member_in_a_busy_queue_gets_a_receipt_then_the_outcome(world, client, hall):
    queue_busy()
    client.force_login(world.member_user)
    answer = _scan(client, hall)
    assert answer.status_code == 202
    body = answer.content.decode()
    receipt = CheckinInbox.objects.get()
    receipt_url = reverse("conferences:checkin-receipt", args=[receipt.pk])
    assert WAITING_TEXT in body and f'http-equiv="refresh" content="2;url={receipt_url}"' in body
    assert receipt.state == CheckinInbox.State.WAITING and not Attendance.objects.exists()
    assert client.get(receipt_url).status_code == 202  # still waiting: the page reloads

    assert [row.pk for row in inbox.checkin_drain()] == [receipt.pk]
    shown = client.get(receipt_url)
    assert shown.status_code == 200 and "Đã điểm danh có mặt" in shown.content.decode()
    mark = Attendance.objects.get()
    assert (mark.member, mark.status, mark.marked_by) == (
        world.an,
        Status.PRESENT,
        world.member_user,
    )
    receipt.refresh_from_db()
    assert receipt.state == CheckinInbox.State.DONE and receipt.attendance == mark
    hall.refresh_from_db()
    assert hall.present == 1 and services.tally_rebuild() == 0


def test_nobody_else_sees_a_members_receipt(world, client, hall):
    queue_busy()
    client.force_login(world.member_user)
    _scan(client, hall)
    client.force_login(world.secretary)
    url = reverse("conferences:checkin-receipt", args=[CheckinInbox.objects.get().pk])
    assert client.get(url).status_code == 404


def test_a_code_is_judged_when_it_arrives_not_when_the_drain_reaches_it(
    world, client, hall, monkeypatch
):
    queue_busy()
    client.force_login(world.member_user)
    _scan(client, hall)
    real = time.time
    later = real() + 10 * tokens.MAX_AGE_SECONDS  # the row waited long past the code's age
    monkeypatch.setattr(tokens.signing.time, "time", lambda: later)
    inbox.checkin_drain()
    assert CheckinInbox.objects.get().state == CheckinInbox.State.DONE
    assert Attendance.objects.get().member == world.an


def test_a_double_tap_is_stored_once(world, client, hall):
    queue_busy()
    client.force_login(world.member_user)
    token = tokens.token_make(hall)
    _scan(client, hall, token)
    _scan(client, hall, token)
    assert CheckinInbox.objects.count() == 1
    inbox.checkin_drain()
    assert Attendance.objects.count() == 1


def test_a_member_refused_at_the_wrong_point_may_scan_again_at_theirs(
    world, client, hall, cell2_point
):
    queue_busy()
    client.force_login(world.member_user)
    _scan(client, cell2_point)
    inbox.checkin_drain()
    refused = CheckinInbox.objects.get()
    assert refused.state == CheckinInbox.State.REFUSED
    assert "dự tại điểm cầu" in refused.outcome and "Hội trường chính" in refused.outcome
    shown = client.get(reverse("conferences:checkin-receipt", args=[refused.pk]))
    assert "dự tại điểm cầu" in shown.content.decode()

    _scan(client, hall)
    inbox.checkin_drain()
    again = CheckinInbox.objects.get()
    assert again.pk == refused.pk and again.state == CheckinInbox.State.DONE
    assert again.outcome == "" and Attendance.objects.get().bridge_point == hall


def test_a_batch_becomes_marks_in_statements_per_batch_and_per_unit_not_per_member(
    world, hall, django_assert_max_num_queries
):
    users = members_with_logins(world.cell, 12) + members_with_logins(world.cell2, 8, "kp")
    queue_busy()
    for user in users:
        inbox.checkin_receive(user, hall.conference_id, tokens.token_make(hall))
    # 12 statements for the batch, then at most 3 per unit's tally (2 units here), then
    # the subtree rows: 5 to find the held cells and lock the rows, and one UPDATE per
    # distinct change along the ancestors (3 here: the ward, and each cell).
    with django_assert_max_num_queries(12 + 2 * 3 + 2 + 5 + 3):
        drained = inbox.checkin_drain()
    assert len(drained) == 20 and {row.state for row in drained} == {"done"}
    assert Attendance.objects.filter(status=Status.PRESENT, channel="qr").count() == 20
    hall.refresh_from_db()
    assert hall.present == 20
    tally = Tally.objects.get(campaign=hall.conference.campaign, organization=world.cell2)
    assert tally.present == 8
    assert services.tally_rebuild() == 0


def test_the_drain_refuses_with_the_words_of_a_check_in(world, hall):
    """An account without a member's record, and a conference closed meanwhile."""
    users = members_with_logins(world.cell, 1)
    queue_busy()
    inbox.checkin_receive(world.secretary, hall.conference_id, tokens.token_make(hall))
    inbox.checkin_drain()
    assert "chưa gắn với hồ sơ đảng viên" in CheckinInbox.objects.get().outcome

    services.conference_close(world.secretary, hall.conference)
    inbox.checkin_receive(users[0], hall.conference_id, tokens.token_make(hall))
    inbox.checkin_drain()
    closed = CheckinInbox.objects.get(user=users[0])
    assert closed.state == "refused" and closed.outcome == "Hội nghị đã kết thúc điểm danh."


def test_a_check_in_through_the_api_is_the_tokens_lookup_and_one_insert(world, client, hall):
    _token, raw = ApiToken.issue(world.member_user, "điện thoại")
    code = tokens.token_make(hall)
    queue_busy()
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            f"/api/v1/conferences/{hall.conference_id}/checkin",
            {"token": code},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert answer.status_code == 202
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert statements == ["SELECT", "INSERT"], statements
    assert "conferences_checkininbox" in queries.captured_queries[1]["sql"]
