"""A rebuild whose workers are killed (SIGKILL, no chance to tidy up) in the middle of a
run resumes when started again and ends with exactly the index of a run never killed."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum

from reports import copies
from reports.models import Rebuild, RebuildBatch
from reports.tests.builders import copy_families, index_state

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
    pytest.mark.django_db(transaction=True),
]


def rebuild_command(campaign) -> list[str]:
    return [
        sys.executable,
        str(settings.BASE_DIR / "manage.py"),
        "copies_rebuild",
        str(campaign.pk),
        "--workers=2",
        "--batch=2",
        "--rest=0.3",
        "--settings=nghiquyet.settings_test",
    ]


def test_a_rebuild_killed_midway_resumes_to_the_index_of_an_unbroken_one(world, campaign):
    copy_families(world, campaign)
    copies.campaign_reindex(campaign)
    unbroken = index_state(campaign)
    first = Rebuild.objects.get(campaign=campaign)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    worker = subprocess.Popen(
        rebuild_command(campaign),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    ranges = RebuildBatch.objects.filter(rebuild__campaign=campaign).exclude(rebuild=first)
    deadline = time.monotonic() + 120
    # Killed once both workers are comparing reports: marks all written, pairs half.
    while (ranges.aggregate(n=Sum("done"))["n"] or 0) < 5 + 2:
        assert worker.poll() is None, worker.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    stderr = worker.stderr.read().decode()
    worker.stderr.close()

    killed = Rebuild.objects.exclude(pk=first.pk).get(campaign=campaign)
    assert killed.finished_at is None, stderr
    assert ranges.filter(done=3).count() < 5

    again = subprocess.run(rebuild_command(campaign), env=env, capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    killed.refresh_from_db()
    assert killed.phase == Rebuild.Phase.DONE
    assert Rebuild.objects.filter(campaign=campaign).count() == 2
    assert index_state(campaign) == unbroken
