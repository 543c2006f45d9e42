import datetime as dt

import pytest

from programmes.models import Bucket
from programmes.status import bucket_of, expected_share, period_of

D = dt.date


@pytest.mark.parametrize(
    ("deadline", "completed", "exception", "today", "bucket"),
    [
        (D(2025, 6, 30), D(2025, 6, 30), "", D(2025, 8, 1), Bucket.DONE_ON_TIME),
        (D(2025, 6, 30), D(2025, 7, 1), "", D(2025, 8, 1), Bucket.DONE_LATE),
        (D(2025, 6, 30), None, "", D(2025, 6, 30), Bucket.OPEN_IN_TIME),
        (D(2025, 6, 30), None, "", D(2025, 7, 1), Bucket.OVERDUE),
        (None, None, "", D(2099, 1, 1), Bucket.OPEN_IN_TIME),
        (None, D(2025, 1, 1), "", D(2099, 1, 1), Bucket.DONE_ON_TIME),
        (D(2025, 6, 30), None, "not_started", D(2025, 9, 1), Bucket.NOT_STARTED),
        (D(2025, 6, 30), None, "adjusted", D(2025, 9, 1), Bucket.ADJUSTED),
        (D(2025, 6, 30), D(2025, 6, 1), "adjusted", D(2025, 9, 1), Bucket.DONE_ON_TIME),
        (D(2025, 6, 30), D(2025, 6, 1), "dropped", D(2025, 9, 1), Bucket.DROPPED),
    ],
)
def test_the_bucket_is_derived(deadline, completed, exception, today, bucket):
    assert bucket_of(deadline, completed, exception, today) == bucket


def test_periods_of_recurring_tasks():
    assert period_of("quarterly", D(2025, 5, 9)) == ("2025-Q2", D(2025, 6, 30))
    assert period_of("quarterly", D(2025, 11, 1)) == ("2025-Q4", D(2025, 12, 31))
    assert period_of("yearly", D(2025, 5, 9)) == ("2025", D(2025, 12, 31))
    assert period_of("continuous", D(2026, 1, 1)) == ("2026", D(2026, 12, 31))
    assert period_of("", D(2025, 5, 9)) is None


def test_expected_share_runs_evenly_to_the_end_of_the_target_year():
    assert expected_share(D(2025, 1, 1), 2026, D(2024, 12, 1)) == 0.0
    assert expected_share(D(2025, 1, 1), 2026, D(2027, 1, 1)) == 1.0
    assert 0.49 < expected_share(D(2025, 1, 1), 2026, D(2026, 1, 1)) < 0.51
