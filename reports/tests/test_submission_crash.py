"""Every acknowledged submission becomes exactly one version: a drain killed with SIGKILL
in the middle of a batch leaves its rows to the next one, and the counters then agree
with a recount."""

import os
import signal
import subprocess
import sys

import pytest

from conferences.tests.test_checkin_crash import REPO, _database_url, on_postgresql
from nghiquyet.tests.front_testing import until
from reports import inbox, services
from reports.models import Fingerprint, Pair, Report, ReportTally, SubmissionInbox, Version
from reports.tests.builders import crowd, essay, submit
from reports.tests.test_submission_inbox import queue_busy


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_drain_killed_with_sigkill_in_the_middle_of_a_batch_loses_and_doubles_nothing(
    world, campaign
):
    import psycopg

    submit(world, campaign, world.an, key="before")  # the cell's counter row exists
    members = crowd(world.cell, 8)
    queue_busy()
    accepted = [
        inbox.submission_receive(
            world.secretary,
            campaign,
            member,
            # Two of them copy each other, so the batch also writes a pair.
            [essay(70 if i < 2 else 80 + i, 260), essay(90 + i, 120)],
            key=f"k{i}",
        )
        for i, member in enumerate(members)
    ]
    assert {row.state for row in accepted} == {"waiting"}
    tally = ReportTally.objects.get(campaign=campaign, organization=world.cell)
    url = _database_url()
    with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as watcher:
        # Hold the cell's counter row: the drain makes the versions, marks and pairs, then
        # waits at the counters, where it is killed.
        holder.execute(
            f"SELECT 1 FROM {ReportTally._meta.db_table} WHERE id = %s FOR UPDATE", [tally.pk]
        )
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "nghiquyet.settings_test",
        }
        drain = subprocess.Popen(
            [sys.executable, "manage.py", "drain_submissions", "--once"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            backend = until(
                lambda: watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE '%%UPDATE reports_reporttally%%'"
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
    assert Version.objects.count() == 1 and not Pair.objects.exists()
    assert set(SubmissionInbox.objects.values_list("state", flat=True)) == {"waiting"}

    assert len(inbox.submission_drain()) == 8
    assert set(SubmissionInbox.objects.values_list("state", flat=True)) == {"done"}
    versions = Version.objects.exclude(idempotency_key="before")
    assert sorted(versions.values_list("idempotency_key", flat=True)) == [f"k{i}" for i in range(8)]
    assert set(SubmissionInbox.objects.values_list("version_id", flat=True)) == set(
        versions.values_list("pk", flat=True)
    )
    assert Fingerprint.objects.count() == Report.objects.count() == 9
    assert Pair.objects.count() == 1
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}
    assert services.report_subtree_rebuild(campaign) == 0
    assert ReportTally.objects.get(pk=tally.pk).submitted == 9
