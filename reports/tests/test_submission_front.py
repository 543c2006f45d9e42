"""The submission's front door answers a member's new learning report before Django with
Django's own answer, hands every other request to Django, stops answering at once when
what it judged by changes (the campaign closed, the deadline passed, the unit confirmed,
the report rated, the member moved or gone), and a web process killed after its INSERT
leaves one row whose member gets the same receipt."""

import datetime as dt
import logging
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts import token_use
from accounts.models import ApiToken, Scope, User
from campaigns import services as campaigns
from members import services as members
from members.models import Member
from nghiquyet.tests import front_testing
from nghiquyet.tests.front_testing import call, door_in_front, paused_server, post
from reports import inbox, services
from reports.front import SubmissionFront
from reports.models import Decision, SubmissionInbox, Version
from reports.tests.builders import essay

REDIS_URL = "redis://127.0.0.1:6379/11"
# The door writes through a connection of its own: its rows are committed at once.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def front():
    with door_in_front(SubmissionFront, REDIS_URL) as door_and_django:
        yield door_and_django


def queue_busy() -> None:
    """Rows are waiting already: a submission is stored and left for the drain."""
    cache.set(inbox.BACKLOG.waiting_key, inbox.INLINE_WAITING + 1, None)


def reports_url(campaign_id: int) -> str:
    return f"/api/v1/campaigns/{campaign_id}/reports"


def token(user, scope=Scope.SUBMIT) -> str:
    return ApiToken.issue(user, "điện thoại", scope=scope)[1]


def report(seed: int, key: str = "", **fields) -> dict:
    """The body, and the key in the header, of a two-section report."""
    body = {"sections": [essay(seed), essay(seed + 1)], **fields}
    return {"body": body, "HTTP_IDEMPOTENCY_KEY": key or f"k{seed}"}


def send(app, campaign, raw, sent: dict, **extra) -> dict:
    extra = {k: v for k, v in sent.items() if k != "body"} | extra
    return call(app, reports_url(campaign.pk), sent["body"], raw, **extra)


def same_as_django(door, django, campaign, raw, sent: dict, **extra) -> dict:
    extra = {k: v for k, v in sent.items() if k != "body"} | extra
    path = reports_url(campaign.pk)
    return front_testing.same_as_django(door, django, path, sent["body"], raw, **extra)


def answered_by_door(door, django, campaign, raw, sent: dict) -> dict:
    before = django.calls
    answer = send(door, campaign, raw, sent)
    assert answer["status"] == "202 Accepted" and django.calls == before, answer
    return answer


def test_a_new_submission_is_answered_before_django_as_django_answers_it(front, world, campaign):
    door, django = front
    issued, raw = ApiToken.issue(world.member_user, "điện thoại", scope=Scope.SUBMIT)
    queue_busy()
    sent = report(1)
    first = answered_by_door(door, django, campaign, raw, sent)
    # Counted for admission control as Django counts: one more waiting, one more arrival.
    assert cache.get(inbox.BACKLOG.waiting_key) == inbox.INLINE_WAITING + 2
    now = int(time.time())
    seconds = [inbox.BACKLOG.arrivals_key.format(second=s) for s in (now - 1, now)]
    assert sum(cache.get_many(seconds).values()) == 1
    # The token's use is noted as Django notes it, and written by the flush.
    ((used_at, ip),) = token_use.token_use_pending([issued.pk]).values()
    assert ip == "127.0.0.1" and abs(used_at - timezone.now()) < dt.timedelta(minutes=1)
    assert token_use.flush(everything=True) == 1
    issued.refresh_from_db()
    assert issued.last_used_at == used_at and issued.last_used_ip == "127.0.0.1"
    row = SubmissionInbox.objects.get()
    assert first["body"]["id"] == row.pk and first["body"]["state"] == "waiting"
    assert (row.member_id, row.actor_id, row.key) == (world.an.pk, world.member_user.pk, "k1")
    assert row.sections == services.clean_sections(campaign, sent["body"]["sections"])

    # Django answers the same request, now a retry, with the same receipt, word for word.
    again = send(django.handler, campaign, raw, sent)
    assert again["status"] == first["status"] and again["body"] == first["body"]
    for name, value in again["headers"].items():
        if name != "Content-Length":
            assert first["headers"][name] == value, name
    # A retry through the door reaches Django, which finds the row.
    retry = send(door, campaign, raw, sent)
    assert django.calls == 1 and retry["body"] == first["body"]

    # The next version, with its own key, is the door's again (the judgement is cached).
    second = answered_by_door(door, django, campaign, raw, report(3))
    assert second["body"]["id"] != first["body"]["id"]
    # A token of full scope may submit too, as Django lets it.
    answered_by_door(door, django, campaign, token(world.member_user, Scope.FULL), report(5))
    inbox.submission_drain()
    assert Version.objects.filter(report__member=world.an).count() == 3
    done = send(door, campaign, raw, sent)
    assert done["body"]["id"] == row.pk and done["body"]["state"] == "done"


def test_a_quiet_queue_is_left_to_django_which_makes_the_version_at_once(front, world, campaign):
    door, django = front
    answer = send(door, campaign, token(world.member_user), report(1))
    assert django.calls == 1 and answer["body"]["state"] == "done"


def test_a_full_queue_is_answered_503_before_django_as_django_answers_it(
    front, world, campaign, caplog
):
    door, django = front
    raw = token(world.member_user)
    queue_busy()
    stored = answered_by_door(door, django, campaign, raw, report(1))
    cache.set(inbox.BACKLOG.waiting_key, 10_000, None)
    cache.set(inbox.BACKLOG.rate_key, 10.0, None)  # 1,000 s to drain: over the 60 allowed
    with caplog.at_level(logging.ERROR, logger="django.request"):
        busy = send(door, campaign, raw, report(3))
        assert busy["status"] == "503 Service Unavailable" and django.calls == 0
        assert busy["headers"]["Retry-After"] == "940" and "940 giây" in busy["body"]["detail"]
        direct = send(django.handler, campaign, raw, report(3))
    # The server's log has the same line whoever answered.
    logged = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    path = f"/api/v1/campaigns/{campaign.pk}/reports"
    assert logged == [f"Service Unavailable: {path}"] * 2
    assert (busy["status"], busy["body"]) == (direct["status"], direct["body"])
    assert {k: v for k, v in busy["headers"].items() if k != "Content-Length"} == {
        k: v for k, v in direct["headers"].items() if k != "Content-Length"
    }
    assert SubmissionInbox.objects.count() == 1
    # A report already stored is answered its receipt, by Django, however full the queue.
    again = send(door, campaign, raw, report(1))
    assert django.calls == 1 and again["status"] == "202 Accepted"
    assert again["body"] == stored["body"]


def test_every_refusal_is_django_s_own(front, world, campaign):
    door, django = front
    raw = token(world.member_user)
    queue_busy()
    one = report(1)
    cases = {
        "one section of two": (
            {"body": {"sections": [essay(1)]}, "HTTP_IDEMPOTENCY_KEY": "a"},
            422,
        ),
        "an empty section": (
            {"body": {"sections": [essay(1), " "]}, "HTTP_IDEMPOTENCY_KEY": "b"},
            422,
        ),
        "a section that is no text": (
            {"body": {"sections": [essay(1), 5]}, "HTTP_IDEMPOTENCY_KEY": "c"},
            422,
        ),
        "no key": ({"body": one["body"]}, 409),
        "a blank key": ({"body": one["body"], "HTTP_IDEMPOTENCY_KEY": "   "}, 409),
        "a key too long": ({"body": one["body"], "HTTP_IDEMPOTENCY_KEY": "k" * 65}, 422),
        "no sections": ({"body": {"text": essay(1)}, "HTTP_IDEMPOTENCY_KEY": "d"}, 422),
        "malformed JSON": ({"body": '{"sections": ', "HTTP_IDEMPOTENCY_KEY": "e"}, 400),
    }
    for name, (sent, status) in cases.items():
        answer = same_as_django(door, django, campaign, raw, sent)
        assert answer["status"].startswith(str(status)), (name, answer)
    for name, key, status in [
        ("a read-only token", token(world.member_user, Scope.READ), 403),
        ("a check-in token", token(world.member_user, Scope.CHECKIN), 403),
        ("an unknown token", "nq_khong_co", 401),
        ("no token", "", 401),
    ]:
        answer = same_as_django(door, django, campaign, key, report(7, key=name))
        assert answer["status"].startswith(str(status)), name
    assert not SubmissionInbox.objects.exists()


def test_who_may_not_hand_in_here_is_told_by_django(front, world, campaign):
    door, django = front
    queue_busy()
    # A member of another province: the campaign is not theirs to see.
    stranger = ApiToken.issue(_user_of(world.stranger, "xa"), "điện thoại", scope=Scope.SUBMIT)[1]
    answer = same_as_django(door, django, campaign, stranger, report(1))
    assert answer["status"].startswith("404")
    # An officer with no member record of their own.
    answer = same_as_django(door, django, campaign, token(world.secretary, Scope.FULL), report(2))
    assert answer["status"].startswith("404") and "không thuộc" in answer["body"]["detail"]
    # A report typed in for a member by the cell's committee goes to Django, which asks
    # the access policy: stored for a member in scope, refused for one outside it.
    officer = token(world.secretary, Scope.FULL)
    typed = send(door, campaign, officer, report(3, member_id=world.binh.pk))
    assert typed["status"] == "202 Accepted" and django.calls == 3
    outside = same_as_django(door, django, campaign, officer, report(4, member_id=world.cuong.pk))
    assert outside["status"].startswith("404")
    assert list(SubmissionInbox.objects.values_list("member_id", flat=True)) == [world.binh.pk]


def _user_of(member, username):
    user = User.objects.create_user(username, password="pw")
    Member.objects.filter(pk=member.pk).update(user=user)
    return user


def _close_campaign(world, campaign):
    campaigns.campaign_close(world.propaganda, campaign)


def _cutoff_passed(world, campaign):
    campaign.conference_deadline = timezone.localdate() - dt.timedelta(days=20)
    campaign.report_days = 7
    campaign.report_cutoff = timezone.localdate() - dt.timedelta(days=1)
    campaign.save()


def _unit_confirmed(world, campaign):
    # The report still waits in the inbox: the member counts as pending.
    services.confirm(world.secretary, campaign, world.cell, close_pending=True)


def _report_rated(world, campaign):
    inbox.submission_drain()
    (version,) = Version.objects.filter(report__member=world.an)
    services.review(world.secretary, version.report, Decision.RATE, rating="Đạt")


def _member_moved_away(world, campaign):
    members.member_transfer(world.admin, world.an, world.other_cell, on=timezone.localdate())


def _member_left(world, campaign):
    members.member_leave(world.clerk, world.an, on=timezone.localdate(), reason="Chuyển ngành")


@pytest.mark.parametrize(
    "change, status",
    [
        (_close_campaign, 409),
        (_cutoff_passed, 409),
        (_unit_confirmed, 409),
        (_report_rated, 409),
        (_member_left, 404),
        (_member_moved_away, 404),
    ],
)
def test_a_change_right_after_the_judgement_is_refused_by_django(
    front, world, campaign, change, status
):
    door, django = front
    raw = token(world.member_user)
    queue_busy()
    answered_by_door(door, django, campaign, raw, report(1))
    change(world, campaign)
    queue_busy()
    stored = SubmissionInbox.objects.count()
    answer = same_as_django(door, django, campaign, raw, report(3))
    assert answer["status"].startswith(str(status)), answer
    assert SubmissionInbox.objects.count() == stored


def test_the_day_after_the_last_open_day_goes_to_django(front, world, campaign, monkeypatch):
    door, django = front
    campaign.conference_deadline = timezone.localdate() - dt.timedelta(days=20)
    campaign.report_days = 7
    campaign.report_cutoff = timezone.localdate()
    campaign.save()
    raw = token(world.member_user)
    queue_busy()
    answered_by_door(door, django, campaign, raw, report(1))
    real = timezone.localdate
    tomorrow = real() + dt.timedelta(days=1)
    monkeypatch.setattr(
        timezone, "localdate", lambda *a, **k: real(*a, **k) if a or k else tomorrow
    )
    answer = same_as_django(door, django, campaign, raw, report(3))
    assert answer["status"].startswith("409") and "hết hạn" in answer["body"]["detail"]


def test_every_other_request_reaches_django(front, world, campaign):
    door, django = front
    raw = token(world.member_user)
    queue_busy()
    sent = report(1)
    pk = campaign.pk
    others = [
        (f"/api/v1/campaigns/{pk}/reports/", {}),
        (f"/api/v1/campaigns/0{pk}/reports", {}),
        (f"/api/v1/campaigns/{pk}/reports?x=1", {}),
        (reports_url(pk), {"HTTP_COOKIE": "sessionid=abc"}),
        (reports_url(pk), {"HTTP_HOST": "evil.example"}),
    ]
    for n, (path, extra) in enumerate(others, start=1):
        call(door, path, sent["body"], raw, HTTP_IDEMPOTENCY_KEY=f"o{n}", **extra)
        assert django.calls == n, path
    # An address locked out for bad tokens is told so by Django, good token or not.
    for _ in range(20):
        send(door, campaign, "nq_sai", sent)
    locked = same_as_django(door, django, campaign, raw, sent)
    assert locked["status"].startswith("429")


def test_a_web_process_killed_after_its_insert_leaves_one_row_and_the_retry_its_receipt(
    front, world, campaign, tmp_path
):
    raw = token(world.member_user)
    queue_busy()
    path, body = reports_url(campaign.pk), report(1)["body"]

    def submit():
        return post(server.port, path, body, raw, {"Idempotency-Key": "crash-1"})

    with paused_server(REDIS_URL, tmp_path) as server:
        server.killed_after_insert(submit)
        stored = SubmissionInbox.objects.get()
        assert stored.member_id == world.an.pk and stored.state == "waiting"
        # The member presses submit again: the same key, the same receipt.
        status, receipt = server.again(submit)
        assert status == 202 and receipt["id"] == stored.pk and receipt["state"] == "waiting"
    assert SubmissionInbox.objects.count() == 1
    inbox.submission_drain()
    assert Version.objects.filter(report__member=world.an).count() == 1
