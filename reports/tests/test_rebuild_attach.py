"""On PostgreSQL a rebuild writes the campaign's marks into a table of its own, without
indexes, and makes it the campaign's partition once every range is written: the marks
that submissions stored meanwhile (in the default partition) are moved over, none lost,
and a run killed while the table is being indexed and attached starts that step again."""

import os
import signal
import subprocess
import time

import psycopg
import pytest
from django.db import connection

from reports import copies
from reports.models import BandKey, Rebuild, RebuildBatch, Report
from reports.tests.builders import copy_families, crowd, essay, index_state, submit
from reports.tests.test_rebuild_killed import rebuild_command

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'")


class Crash(Exception):
    pass


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def default_marks(campaign) -> set[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, report_id FROM reports_bandkey_default WHERE campaign_id = %s",
            [campaign.pk],
        )
        return set(cursor.fetchall())


@pytest.mark.django_db
def test_marks_submitted_while_the_marks_are_written_are_kept_at_the_attach(
    world, campaign, monkeypatch
):
    copy_families(world, campaign)
    rebuild = copies.rebuild_start(campaign, batch=2)
    assert scalar("SELECT to_regclass(%s) IS NULL", [f"reports_bandkey_c{campaign.pk}"])

    def crash(campaign_id):
        raise Crash

    monkeypatch.setattr(copies, "_marks_attach", crash)
    with pytest.raises(Crash):
        copies.rebuild_work(rebuild.pk)
    assert RebuildBatch.objects.filter(rebuild=rebuild, done=1).count() == rebuild.batches
    written = scalar(f"SELECT count(*) FROM reports_bandkey_c{campaign.pk}_build")
    assert written > 0

    # One report written by the rebuild is submitted again, one member submits anew.
    again = Report.objects.filter(campaign=campaign).order_by("pk").first()
    submit(world, campaign, again.member, [essay(1300, 300), essay(1301, 200)], actor=world.admin)
    (newcomer,) = crowd(world.cell, 1, first_card=600_000)
    new = submit(world, campaign, newcomer, [essay(1310, 300), essay(1311, 200)]).report
    meanwhile = default_marks(campaign)
    assert {pk for _key, pk in meanwhile} == {again.pk, new.pk}

    monkeypatch.undo()
    copies.rebuild_work(rebuild.pk)
    rebuild.refresh_from_db()
    assert rebuild.phase == Rebuild.Phase.DONE
    assert default_marks(campaign) == set()
    marks = set(BandKey.objects.filter(campaign_id=campaign.pk).values_list("key", "report_id"))
    assert meanwhile <= marks
    assert {key for key, pk in marks if pk == again.pk} == {
        key for key, pk in meanwhile if pk == again.pk
    }
    during = index_state(campaign)
    copies.campaign_reindex(campaign)
    assert index_state(campaign) == during


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_killed_while_attaching_its_marks_resumes_to_the_same_index(world, campaign):
    copy_families(world, campaign)
    copies.campaign_reindex(campaign)
    unbroken = index_state(campaign)
    first = Rebuild.objects.get(campaign=campaign)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    build = f"reports_bandkey_c{campaign.pk}_build"
    waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = to_regclass(%s)"
    with psycopg.connect(url) as first_hold, psycopg.connect(url) as second_hold:
        worker = subprocess.Popen(
            rebuild_command(campaign),
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

        def wait_for(sql, params=()):
            deadline = time.monotonic() + 120
            while not scalar(sql, params):
                assert worker.poll() is None, worker.stderr.read().decode()
                assert time.monotonic() < deadline
                time.sleep(0.02)

        # The attach first indexes the new table, then locks the default partition: it
        # is held at the second, once the first is done, and killed there.
        wait_for("SELECT to_regclass(%s) IS NOT NULL", [build])
        first_hold.execute(f"LOCK TABLE {build} IN ACCESS SHARE MODE")
        wait_for(waiting, [build])
        second_hold.execute("LOCK TABLE reports_bandkey_default IN ACCESS SHARE MODE")
        first_hold.rollback()
        wait_for(waiting, ["reports_bandkey_default"])
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        worker.stderr.close()
        second_hold.rollback()

    killed = Rebuild.objects.exclude(pk=first.pk).get(campaign=campaign)
    assert killed.phase == Rebuild.Phase.MARKS and killed.finished_at is None
    assert not killed.ranges.exclude(done=1).exists()
    # Nothing of the attach stayed: the table is there, unindexed, not yet a partition.
    assert scalar("SELECT to_regclass(%s) IS NOT NULL", [build])
    assert scalar("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [build]) == 0

    again = subprocess.run(rebuild_command(campaign), env=env, capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    killed.refresh_from_db()
    assert killed.phase == Rebuild.Phase.DONE
    assert scalar("SELECT to_regclass(%s) IS NULL", [build])
    assert index_state(campaign) == unbroken
