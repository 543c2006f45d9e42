"""Each unit's whole-subtree task row moves with every task whose bucket changes, a recount
from the task tallies finds nothing to change, and the programme roll-up reads the unit's
row and its children's only: its queries do not grow with the units or the tasks below."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import add_unit
from programmes import services
from programmes.models import Bucket, TaskSubtree
from programmes.rollup import task_rollup

pytestmark = pytest.mark.django_db


def _task(world, programme, lead, days):
    return services.task_add(
        world.clerk,
        programme,
        content=f"Nhiệm vụ của {lead.name}",
        lead=lead,
        deadline=timezone.localdate() + dt.timedelta(days=days),
    )


def _row(programme, unit):
    return TaskSubtree.objects.get(document=programme.document, path=unit.path)


def test_a_task_and_its_completion_move_the_rows_of_its_lead_and_every_unit_above(world, programme):
    task = _task(world, programme, world.cell, 10)
    for unit in (world.cell, world.ward, world.city):
        assert _row(programme, unit).open_in_time == 1
    services.progress_report(
        world.secretary, task, percent=100, completed=True, product="Kế hoạch số 09-KH/ĐU"
    )
    row = _row(programme, world.city)
    assert (row.open_in_time, row.done_on_time) == (0, 1)
    assert services.task_subtree_rebuild() == 0


def test_a_recount_repairs_a_spoiled_subtree_row(world, programme):
    _task(world, programme, world.cell, 10)
    TaskSubtree.objects.filter(path=world.ward.path).update(open_in_time=5, overdue=2)
    assert services.task_tally_rebuild() == 1
    assert services.task_subtree_rebuild() == 0
    assert (_row(programme, world.ward).open_in_time, _row(programme, world.ward).overdue) == (1, 0)


def _wards_with_tasks(world, programme, how_many, start):
    for n in range(start, start + how_many):
        ward = add_unit(world.city, f"Đảng bộ phường số {n}", f"HNA-P{n}", "ĐU", "ĐU")
        for c in range(2):
            cell = add_unit(ward, f"Chi bộ {c}", f"HNA-P{n}-{c}", "CB", "CB")
            _task(world, programme, cell, 5 + c)


def test_the_rollup_queries_do_not_grow_with_units_or_tasks(world, programme):
    _wards_with_tasks(world, programme, 1, 0)
    task_rollup(world.city, programme.document_id, worst=False)
    with CaptureQueriesContext(connection) as three_children:
        small = task_rollup(world.city, programme.document_id, worst=False)
    _wards_with_tasks(world, programme, 9, 1)
    with CaptureQueriesContext(connection) as twelve_children:
        large = task_rollup(world.city, programme.document_id, worst=False)
    assert (len(small.children), len(large.children)) == (3, 12)
    assert large.total.counts[Bucket.OPEN_IN_TIME] == 20
    assert sum(child.total for child in large.children) == 20
    assert len(twelve_children) == len(three_children)
