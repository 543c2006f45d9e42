"""The check-in's front door answers a new QR check-in before Django with Django's own
answer, hands every other request to Django, sees a revoked token at once, and a web
process killed after its INSERT leaves one row whose member gets the same receipt."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts import services as accounts
from accounts.models import ApiToken, Scope, User
from conferences import checkin as tokens
from conferences import inbox
from conferences.front import CheckinFront
from conferences.models import Attendance, CheckinInbox
from conferences.tests.builders import conference_for
from conferences.tests.inbox_builders import members_with_logins, queue_busy
from nghiquyet.tests.front_testing import (
    Django,
    call,
    door_in_front,
    paused_server,
    post,
    redis_cache,
    same_as_django,
)

REDIS_URL = "redis://127.0.0.1:6379/7"
# The door writes through a connection of its own: its rows are committed at once.
pytestmark = pytest.mark.django_db(transaction=True)


def test_on_a_laptop_the_door_is_shut():
    """SQLite or no Redis: every request goes to Django as before."""
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local):
        assert CheckinFront(Django()).on is False
    with override_settings(CACHES=redis_cache(REDIS_URL)):
        assert CheckinFront(Django()).on is (connection.vendor == "postgresql")


@pytest.fixture
def front():
    with door_in_front(CheckinFront, REDIS_URL) as door_and_django:
        yield door_and_django


def checkin_url(conference_id: int) -> str:
    return f"/api/v1/conferences/{conference_id}/checkin"


def _checkin_token(user, scope=Scope.CHECKIN) -> str:
    return ApiToken.issue(user, "điện thoại", scope=scope)[1]


def test_a_new_check_in_is_answered_before_django_as_django_answers_it(front, world, hall):
    door, django = front
    raw = _checkin_token(world.member_user)
    queue_busy()
    url, body = checkin_url(hall.conference_id), {"token": tokens.token_make(hall)}
    first = call(door, url, body, raw)
    assert django.calls == 0 and first["status"] == "202 Accepted"
    # Counted for admission control as Django counts: one more waiting, one more arrival.
    assert cache.get(inbox.WAITING_KEY) == inbox.INLINE_WAITING + 2
    now = int(time.time())
    seconds = [inbox.BACKLOG.arrivals_key.format(second=s) for s in (now - 1, now)]
    assert sum(cache.get_many(seconds).values()) == 1
    row = CheckinInbox.objects.get()
    assert first["body"]["id"] == row.pk and first["body"]["state"] == "waiting"
    assert (row.user_id, row.bridge_point_id) == (world.member_user.pk, hall.pk)

    # Django answers the same request, now a retry, with the same receipt, word for word.
    again = call(django.handler, url, body, raw)
    assert again["status"] == first["status"] and again["body"] == first["body"]
    for name, value in again["headers"].items():
        if name != "Content-Length":
            assert first["headers"][name] == value, name
    # A retry through the door reaches Django, which finds the row.
    retry = call(door, url, body, raw)
    assert django.calls == 1 and retry["body"] == first["body"]
    assert CheckinInbox.objects.count() == 1

    inbox.checkin_drain()
    assert Attendance.objects.get().member == world.an
    done = call(door, url, body, raw)
    assert done["body"]["id"] == row.pk and done["body"]["state"] == "done"


def test_a_quiet_queue_is_left_to_django_which_applies_the_check_in_at_once(front, world, hall):
    door, django = front
    answer = call(
        door,
        checkin_url(hall.conference_id),
        {"token": tokens.token_make(hall)},
        _checkin_token(world.member_user),
    )
    assert django.calls == 1 and answer["body"]["state"] == "done"


def _old_token(monkeypatch, point, seconds: int) -> str:
    real = time.time
    monkeypatch.setattr(tokens.signing.time, "time", lambda: real() - seconds)
    token = tokens.token_make(point)
    monkeypatch.setattr(tokens.signing.time, "time", real)
    return token


def test_every_refusal_is_django_s_own(front, world, hall, campaign, monkeypatch):
    door, django = front
    raw = _checkin_token(world.member_user)
    queue_busy()
    url = checkin_url(hall.conference_id)
    other = conference_for(world, campaign, title="Hội nghị khác").bridge_points.get()
    good = tokens.token_make(hall)
    expired = _old_token(monkeypatch, hall, tokens.MAX_AGE_SECONDS + 5)
    forged = good[:-1] + ("A" if good[-1] != "A" else "B")
    cases = {
        "expired QR": ({"token": expired}, raw, 422, "hết hạn"),
        "forged QR": ({"token": forged}, raw, 422, "không hợp lệ"),
        "another conference's QR": ({"token": tokens.token_make(other)}, raw, 422, "khác"),
        "a read-only token": ({"token": good}, _checkin_token(world.clerk, Scope.READ), 403, ""),
        "an unknown token": ({"token": good}, "nq_khong_co", 401, "không hợp lệ"),
        "no token": ({"token": good}, "", 401, ""),
        "no QR": ({"qr": good}, raw, 422, ""),
        "a QR that is no text": ({"token": 5}, raw, 422, ""),
        "malformed JSON": ('{"token": ', raw, 400, ""),
    }
    for name, (body, token, status, words) in cases.items():
        answer = same_as_django(door, django, url, body, token)
        assert answer["status"].startswith(str(status)), name
        assert words in answer["body"]["detail"] if words else True, name
    assert not CheckinInbox.objects.exists()
    get = same_as_django(door, django, url, None, raw, method="GET")
    assert get["status"].startswith("405")


def test_a_member_outside_the_conference_is_told_as_django_tells_it(front, world, hall):
    door, django = front
    (outsider,) = members_with_logins(world.other_cell, 1, prefix="nb")
    raw = _checkin_token(outsider)
    queue_busy()
    url = checkin_url(hall.conference_id)
    # A bad QR from someone who may not check in there: nothing about the conference.
    refused = same_as_django(door, django, url, {"token": "nonsense"}, raw)
    assert refused["status"].startswith("404")
    # A good QR is stored, as Django stores it, and refused by the drain with its reason.
    body = {"token": tokens.token_make(hall)}
    stored = call(door, url, body, raw)
    assert stored["status"] == "202 Accepted" and django.calls == 1
    assert call(django.handler, url, body, raw)["body"] == stored["body"]
    (row,) = inbox.checkin_drain()
    assert row.state == "refused" and "không thuộc danh sách" in row.outcome


def test_a_qr_of_another_bridge_point_is_stored_and_refused_as_by_django(
    front, world, hall, cell2_point
):
    door, django = front
    raw = _checkin_token(world.member_user)
    queue_busy()
    url, body = checkin_url(hall.conference_id), {"token": tokens.token_make(cell2_point)}
    stored = call(door, url, body, raw)
    assert stored["status"] == "202 Accepted" and django.calls == 0
    assert call(django.handler, url, body, raw)["body"] == stored["body"]
    (row,) = inbox.checkin_drain()
    assert row.state == "refused" and "không phải điểm cầu này" in row.outcome


def test_a_revoked_token_is_refused_on_the_next_call(front, world, hall):
    door, django = front
    token, raw = ApiToken.issue(world.member_user, "điện thoại", scope=Scope.CHECKIN)
    queue_busy()
    url = checkin_url(hall.conference_id)
    assert call(door, url, {"token": tokens.token_make(hall)}, raw)["status"] == "202 Accepted"
    assert django.calls == 0  # the token is in the door's cache now
    accounts.token_revoke(world.member_user, token)
    answer = same_as_django(door, django, url, {"token": tokens.token_make(hall)}, raw)
    assert answer["status"].startswith("401") and "thu hồi" in answer["body"]["detail"]


def test_a_deactivated_user_and_an_expired_token_are_refused_on_the_next_call(front, world, hall):
    door, django = front
    (binh,) = members_with_logins(world.cell, 1, prefix="tb")
    _token, raw = ApiToken.issue(world.member_user, "điện thoại", scope=Scope.CHECKIN)
    token2, raw2 = ApiToken.issue(binh, "điện thoại", scope=Scope.CHECKIN)
    queue_busy()
    url = checkin_url(hall.conference_id)
    for key in (raw, raw2):
        assert call(door, url, {"token": tokens.token_make(hall)}, key)["status"].startswith("202")
    assert django.calls == 0
    user = User.objects.get(pk=world.member_user.pk)
    user.is_active = False
    user.save()
    answer = same_as_django(door, django, url, {"token": tokens.token_make(hall)}, raw)
    assert answer["status"].startswith("401")
    token2.expires_at = timezone.now()
    token2.save(update_fields=["expires_at"])
    answer = same_as_django(door, django, url, {"token": tokens.token_make(hall)}, raw2)
    assert answer["status"].startswith("401") and "hết hạn" in answer["body"]["detail"]


def test_every_other_request_reaches_django(front, world, hall):
    door, django = front
    raw = _checkin_token(world.member_user)
    queue_busy()
    body = {"token": tokens.token_make(hall)}
    pk = hall.conference_id
    others = [
        (f"/api/v1/conferences/{pk}/checkin/", {}),
        (f"/api/v1/conferences/0{pk}/checkin", {}),
        (f"/api/v1/conferences/{pk}/checkins", {}),
        (f"/api/v1/conferences/{pk}", {}),
        ("/api/v1/conferences/checkin-receipts/1", {}),
        (f"/api/v1/conferences/{pk}/checkin?x=1", {}),
        (checkin_url(pk), {"HTTP_COOKIE": "sessionid=abc"}),
        (checkin_url(pk), {"HTTP_HOST": "evil.example"}),
    ]
    for n, (path, extra) in enumerate(others, start=1):
        call(door, path, body, raw, **extra)
        assert django.calls == n, path
    # An address locked out for bad tokens is told so by Django, good token or not.
    for _ in range(20):
        call(door, checkin_url(pk), body, "nq_sai")
    locked = same_as_django(door, django, checkin_url(pk), body, raw)
    assert locked["status"].startswith("429")


def test_a_web_process_killed_after_its_insert_leaves_one_row_and_the_retry_its_receipt(
    front, world, hall, tmp_path
):
    raw = _checkin_token(world.member_user)
    queue_busy()
    path = checkin_url(hall.conference_id)

    def scan():
        return post(server.port, path, {"token": tokens.token_make(hall)}, raw)

    with paused_server(REDIS_URL, tmp_path) as server:
        server.killed_after_insert(scan)
        stored = CheckinInbox.objects.get()
        assert stored.user_id == world.member_user.pk and stored.state == "waiting"
        # The member scans again and gets that receipt.
        status, receipt = server.again(scan)
        assert status == 202 and receipt["id"] == stored.pk and receipt["state"] == "waiting"
    assert CheckinInbox.objects.count() == 1
    inbox.checkin_drain()
    assert Attendance.objects.filter(member=world.an).count() == 1
    hall.refresh_from_db()
    assert hall.present == 1
