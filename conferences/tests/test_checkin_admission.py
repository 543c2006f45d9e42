"""A check-in that would wait too long in the queue is turned away before anything is
stored, with the time to come back; the drain keeps the figures this is judged on."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import ApiToken
from conferences import checkin as tokens
from conferences import inbox
from conferences.models import CheckinInbox
from conferences.tests.inbox_builders import members_with_logins, queue_busy


@pytest.fixture
def overloaded(settings):
    """2,000 rows waiting, drained at 40 a second: 50 s of queue against 30 allowed."""
    settings.CHECKIN_MAX_WAIT_SECONDS = 30
    cache.set(inbox.WAITING_KEY, 2000, None)
    cache.set(inbox.RATE_KEY, 40.0, None)


def test_an_overloaded_queue_answers_503_with_retry_after_and_stores_nothing(
    world, client, hall, overloaded
):
    client.force_login(world.member_user)
    url = reverse("conferences:checkin", kwargs={"conference_pk": hall.conference_id})
    answer = client.post(url, {"t": tokens.token_make(hall)})
    assert answer.status_code == 503 and answer["Retry-After"] == "20"
    assert "quét lại mã sau 20 giây" in answer.content.decode()
    assert not CheckinInbox.objects.exists()


def test_the_api_answers_503_with_retry_after_too(world, client, hall, overloaded):
    _token, raw = ApiToken.issue(world.member_user, "điện thoại")
    answer = client.post(
        f"/api/v1/conferences/{hall.conference_id}/checkin",
        {"token": tokens.token_make(hall)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert answer.status_code == 503 and answer["Retry-After"] == "20"
    assert "Hệ thống đang nhận rất nhiều lượt điểm danh" in answer.json()["detail"]
    assert not CheckinInbox.objects.exists()


def test_a_queue_that_drains_in_time_is_admitted(world, client, hall, settings):
    settings.CHECKIN_MAX_WAIT_SECONDS = 30
    cache.set(inbox.WAITING_KEY, 1000, None)
    cache.set(inbox.RATE_KEY, 40.0, None)  # 25 s
    receipt = inbox.checkin_receive(world.member_user, hall.conference_id, tokens.token_make(hall))
    assert receipt.state == CheckinInbox.State.WAITING
    assert cache.get(inbox.WAITING_KEY) == 1001


def test_a_member_already_accepted_still_gets_the_receipt_when_the_queue_is_full(
    world, hall, settings
):
    queue_busy()
    first = inbox.checkin_receive(world.member_user, hall.conference_id, tokens.token_make(hall))
    cache.set(inbox.WAITING_KEY, 2000, None)
    cache.set(inbox.RATE_KEY, 40.0, None)
    again = inbox.checkin_receive(world.member_user, hall.conference_id, tokens.token_make(hall))
    assert again.pk == first.pk and CheckinInbox.objects.count() == 1


def test_the_drain_counts_what_is_left_and_measures_its_rate(world, hall):
    users = members_with_logins(world.cell, 5)
    queue_busy()
    for user in users:
        inbox.checkin_receive(user, hall.conference_id, tokens.token_make(hall))
    # Full batches have been taken for ten seconds already, 100 rows in all.
    cache.set(inbox.BUSY_KEY, (time.time() - 10, 100), None)
    assert len(inbox.checkin_drain(limit=2)) == 2
    assert cache.get(inbox.WAITING_KEY) == 3
    assert cache.get(inbox.RATE_KEY) == pytest.approx(102 / 10, rel=0.2)

    inbox.checkin_drain(limit=10)  # the queue ran dry: arrivals, not capacity, are measured
    assert cache.get(inbox.WAITING_KEY) == 0 and cache.get(inbox.BUSY_KEY) is None
    assert cache.get(inbox.RATE_KEY) == pytest.approx(102 / 10, rel=0.2)
