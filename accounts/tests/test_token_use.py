"""An API token's last use is noted in the cache and written in batches, at most once a
minute per token, so a burst of calls costs no write per call."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import token_use
from accounts.models import ApiToken


def _call(client, raw, path, ip="10.0.0.9"):
    return client.get(f"/api/v1/{path}", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR=ip)


def test_calls_write_nothing_to_the_token_until_the_flush(world, client):
    token, raw = ApiToken.issue(world.clerk, "bảng tính")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert _call(client, raw, f"units/{world.city.pk}").status_code == 200
    assert not [q for q in queries if q["sql"].startswith('UPDATE "accounts_apitoken"')]
    token.refresh_from_db()
    assert token.last_used_at is None

    assert token_use.flush(everything=True) == 1
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_ip == "10.0.0.9"


def test_a_token_is_written_at_most_once_a_minute(world):
    token, _raw = ApiToken.issue(world.clerk, "bảng tính")
    minute = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    token_use.token_used(token.pk, "10.0.0.1", minute)
    token_use.token_used(token.pk, "10.0.0.2", minute + dt.timedelta(seconds=30))
    assert token_use.flush() == 1  # the first use of the minute is the one noted
    token.refresh_from_db()
    assert (token.last_used_at, token.last_used_ip) == (minute, "10.0.0.1")

    assert token_use.flush() == 0  # a flush with nothing new noted writes nothing
