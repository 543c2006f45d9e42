"""`--once` finishes: a drain that cannot read its inbox says so and exits, rather than
retrying for ever as the long-running drain does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", ["drain_checkins", "drain_submissions"])
def test_a_drain_run_once_on_a_database_without_its_tables_exits_with_the_reason(command, tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", command, "--once"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Lô bị hủy, các dòng vẫn chờ" in done.stderr
