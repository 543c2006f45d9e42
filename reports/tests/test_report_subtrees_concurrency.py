"""Submissions from many cells at once all move the root's subtree row, which they lock in
one order: none deadlocks, and the rows end exactly as a recount finds them."""

import threading

import pytest
from django.db import connection

from conftest import add_member, add_unit
from reports import services
from reports.models import ReportSubtree
from reports.tests.builders import essay, submit

THREADS = 6
PER_THREAD = 3

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks across connections need PostgreSQL"
)


@on_postgresql
def test_concurrent_submissions_from_many_cells_neither_deadlock_nor_miscount(
    transactional_db, world, campaign
):
    members = []
    for n in range(THREADS):
        ward = world.ward if n % 2 else world.commune
        cell = add_unit(ward, f"Chi bộ số {n}", f"HNA-C{n}", "CB", "CB")
        members.append(
            [add_member(cell, f"Đảng viên {n} {i}", f"06{n:02d}{i:02d}") for i in range(PER_THREAD)]
        )
    start = threading.Barrier(THREADS, timeout=60)
    failures = []

    def hand_in(share):
        try:
            start.wait()
            for member in share:
                sections = [essay(member.pk * 11 + 3), essay(member.pk * 11 + 4)]
                submit(world, campaign, member, sections, actor=world.admin)
        except Exception as error:  # noqa: BLE001 - reported below, whatever it is
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_in, args=(share,)) for share in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    root = ReportSubtree.objects.get(campaign=campaign, path=world.city.path)
    assert root.submitted == THREADS * PER_THREAD
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}
