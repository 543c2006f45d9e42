"""Every acknowledged check-in becomes exactly one mark: a drain that dies in the middle
of a batch leaves its rows to the next one, a retry after a lost answer gets the same
receipt, and two drains never take the same row."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import DatabaseError, connection

from accounts.models import ApiToken
from conferences import checkin as tokens
from conferences import inbox, services
from conferences.models import Attendance, BridgePoint, CheckinInbox
from conferences.tests.builders import conference_for
from conferences.tests.inbox_builders import members_with_logins, queue_busy
from nghiquyet.tests.front_testing import until

REPO = Path(__file__).resolve().parents[2]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED and a killed backend need PostgreSQL"
)


def _accepted(world, point, n: int) -> list[CheckinInbox]:
    users = members_with_logins(world.cell, n)
    queue_busy()
    return [inbox.checkin_receive(u, point.conference_id, tokens.token_make(point)) for u in users]


def _exactly_once(rows, point) -> None:
    """Every row done, one mark each, nobody twice, and the counters agree with the marks."""
    assert set(CheckinInbox.objects.values_list("state", flat=True)) == {"done"}
    marks = Attendance.objects.filter(conference_id=point.conference_id)
    assert marks.count() == len(rows) == marks.values("member").distinct().count()
    assert set(CheckinInbox.objects.values_list("attendance_id", flat=True)) == set(
        marks.values_list("pk", flat=True)
    )
    point.refresh_from_db()
    assert point.present == len(rows) and services.tally_rebuild() == 0


def test_a_drain_failing_in_the_middle_of_a_batch_leaves_every_row_to_the_next(
    world, hall, monkeypatch
):
    rows = _accepted(world, hall, 6)

    def power_cut(*args, **kwargs):  # after the marks were inserted, before the counters
        raise RuntimeError("power cut")

    monkeypatch.setattr(inbox, "_counters_add", power_cut)
    with pytest.raises(RuntimeError):
        inbox.checkin_drain()
    assert not Attendance.objects.exists()
    assert set(CheckinInbox.objects.values_list("state", flat=True)) == {"waiting"}

    monkeypatch.undo()
    assert len(inbox.checkin_drain()) == 6
    _exactly_once(rows, hall)


def test_a_stored_check_in_is_acknowledged_even_if_draining_it_in_the_request_fails(
    world, hall, monkeypatch
):
    def broken(rows):
        raise DatabaseError("the database went away mid-batch")

    monkeypatch.setattr(inbox, "_apply", broken)
    receipt = inbox.checkin_receive(world.member_user, hall.conference_id, tokens.token_make(hall))
    assert receipt.pk and receipt.state == CheckinInbox.State.WAITING
    monkeypatch.undo()
    inbox.checkin_drain()
    _exactly_once([receipt], hall)


def test_a_retry_after_a_lost_answer_gets_the_same_receipt(world, client, hall):
    _token, raw = ApiToken.issue(world.member_user, "điện thoại")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "content_type": "application/json"}
    url = f"/api/v1/conferences/{hall.conference_id}/checkin"
    queue_busy()
    first = client.post(url, {"token": tokens.token_make(hall)}, **auth)  # the answer is lost
    assert first.status_code == 202 and first.json()["state"] == "waiting"
    time.sleep(1.1)  # the phone tries again with the code now on the screen
    retry = client.post(url, {"token": tokens.token_make(hall)}, **auth)
    assert retry.status_code == 202 and retry.json()["id"] == first.json()["id"]

    inbox.checkin_drain()
    after = client.post(url, {"token": tokens.token_make(hall)}, **auth).json()
    assert after["id"] == first.json()["id"] and after["state"] == "done"
    assert Attendance.objects.filter(member=world.an).count() == 1
    assert CheckinInbox.objects.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_never_take_the_same_row(world, campaign, monkeypatch):
    hall = conference_for(world, campaign).bridge_points.get(is_main=True)
    rows = _accepted(world, hall, 10)
    real_apply = inbox._apply
    holding, release = threading.Event(), threading.Event()
    taken: dict[str, list[int]] = {}

    def apply(batch):
        name = threading.current_thread().name
        taken[name] = [row.pk for row in batch]
        if name == "first":  # keep the first batch locked while the second drain runs
            holding.set()
            release.wait(30)
        real_apply(batch)

    monkeypatch.setattr(inbox, "_apply", apply)

    def first():
        try:
            inbox.checkin_drain(limit=4)
        finally:
            connection.close()

    thread = threading.Thread(target=first, name="first")
    thread.start()
    assert holding.wait(30)
    threading.current_thread().name = "second"
    try:
        inbox.checkin_drain(limit=100)
    finally:
        threading.current_thread().name = "MainThread"
    release.set()
    thread.join(30)
    assert len(taken["first"]) == 4 and len(taken["second"]) == 6
    assert not set(taken["first"]) & set(taken["second"])
    _exactly_once(rows, hall)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_drain_killed_with_sigkill_in_the_middle_of_a_batch_loses_and_doubles_nothing(
    world, campaign
):
    import psycopg

    hall = conference_for(world, campaign).bridge_points.get(is_main=True)
    rows = _accepted(world, hall, 8)
    url = _database_url()
    with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as watcher:
        # Hold the hall's row: the drain inserts its marks, then waits at the headcount.
        holder.execute(
            f"SELECT 1 FROM {BridgePoint._meta.db_table} WHERE id = %s FOR UPDATE", [hall.pk]
        )
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "nghiquyet.settings_test",
        }
        drain = subprocess.Popen(
            [sys.executable, "manage.py", "drain_checkins", "--once"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            backend = until(
                lambda: watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'UPDATE \"conferences_bridgepoint\"%%'"
                ).fetchone()
            )[0]
            os.kill(drain.pid, signal.SIGKILL)
        finally:
            drain.kill()
            drain.wait(30)
        assert drain.returncode == -signal.SIGKILL
        holder.rollback()
        until(
            lambda: (
                not watcher.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend]
                ).fetchone()
            )
        )
    assert not Attendance.objects.exists()
    assert set(CheckinInbox.objects.values_list("state", flat=True)) == {"waiting"}
    assert len(inbox.checkin_drain()) == 8
    _exactly_once(rows, hall)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_retry_never_waits_for_the_drain_that_holds_its_row(world, client, hall, monkeypatch):
    import psycopg

    _token, raw = ApiToken.issue(world.member_user, "điện thoại")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "content_type": "application/json"}
    url = f"/api/v1/conferences/{hall.conference_id}/checkin"
    queue_busy()
    first = client.post(url, {"token": tokens.token_make(hall)}, **auth).json()
    # Any wait for a row lock fails the request at once instead of waiting.
    options = {**connection.settings_dict["OPTIONS"], "options": "-c lock_timeout=1"}
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    connection.close()
    with psycopg.connect(_database_url()) as drain:  # a drain's batch holds the row
        drain.execute(
            f"SELECT 1 FROM {CheckinInbox._meta.db_table} WHERE id = %s FOR UPDATE", [first["id"]]
        )
        retry = client.post(url, {"token": tokens.token_make(hall)}, **auth)
    assert retry.status_code == 202 and retry.json()["id"] == first["id"]
    assert CheckinInbox.objects.count() == 1
