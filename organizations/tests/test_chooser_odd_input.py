"""The unit chooser answers odd queries (ids past 64 bits, unknown actions, NULs) with a
list or a 404, never an error."""

import pytest

pytestmark = pytest.mark.django_db


def test_odd_chooser_queries_answer_without_error(world, client):
    client.force_login(world.clerk)
    big = "9" * 30
    for q in [
        f"within={big}",
        f"field=x&x={big}",
        "action=zzz",
        "q=%00",
        f"within={big}&field=u&u=1",
    ]:
        r = client.get(f"/units/choose/?{q}")
        assert r.status_code in (200, 404), (q, r.status_code)
