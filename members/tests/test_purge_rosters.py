import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from members import roster
from members.models import RosterImport

State = RosterImport.State


def _record(world, state, age_days):
    stored = roster.store_upload([b"so the,ho ten\n"], "csv")
    record = RosterImport.objects.create(
        organization=world.cell, original_name="ds.csv", stored_path=stored,
        state=state, created_by=world.clerk,
    )  # fmt: skip
    past = timezone.now() - dt.timedelta(days=age_days)
    RosterImport.objects.filter(pk=record.pk).update(created_at=past, finished_at=past)
    return record


def test_old_finished_or_abandoned_files_are_deleted_and_records_kept(world):
    applied = _record(world, State.APPLIED, 40)
    abandoned = _record(world, State.CHECKED, 40)
    recent = _record(world, State.APPLIED, 3)
    running = _record(world, State.APPLYING, 40)
    paths = {r.pk: roster.stored_file(r.stored_path) for r in (applied, abandoned, recent, running)}
    out = io.StringIO()
    call_command("purge_rosters", days=30, stdout=out)
    assert "Đã xóa 2 tệp" in out.getvalue()
    assert not paths[applied.pk].exists() and not paths[abandoned.pk].exists()
    assert paths[recent.pk].exists() and paths[running.pk].exists()
    assert RosterImport.objects.get(pk=applied.pk).stored_path == ""
    assert RosterImport.objects.count() == 4


def test_a_purged_import_cannot_be_applied_and_says_why(world):
    record = _record(world, State.CHECKED, 40)
    call_command("purge_rosters", days=30, stdout=io.StringIO())
    record.refresh_from_db()
    with pytest.raises(roster.RosterError, match="tải tệp lên lại"):
        roster.stored_file(record.stored_path)


def test_the_rows_kept_from_the_check_are_deleted_with_the_file(world):
    record = _record(world, State.APPLIED, 40)
    path = roster.stored_file(record.stored_path)
    roster.rows_save(path, [roster.RosterRow(2, {"full_name": "Lê Văn Tám"}, {})])
    assert roster.parsed_file(path).exists()
    call_command("purge_rosters", days=30, stdout=io.StringIO())
    assert not path.exists() and not roster.parsed_file(path).exists()
