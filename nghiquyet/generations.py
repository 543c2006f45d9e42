"""Generations in the shared cache: a judgement kept in the cache carries the generations
of what it was read from, and is believed only while they are still the current ones.

A change bumps its generation to a fresh value at once and again once it is committed. A
judgement read from the rows as they were before the commit was made under the old value
(the generations are read before the rows), so it is never believed after the commit.
A generation lost from the cache is made afresh, and matches nothing kept before.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

ROSTER = "nq:gen:roster"  # who belongs to which unit, and where the units stand


def of_campaign(campaign_id: int) -> str:
    """A campaign's own dates, rules and deadlines (extensions, attendance, confirmations,
    rated reports)."""
    return f"nq:gen:campaign:{campaign_id}"


def _fresh() -> int:
    return secrets.randbits(62)


def bump(*keys: str) -> None:
    def fresh():
        cache.set_many({key: _fresh() for key in keys}, None)

    fresh()
    transaction.on_commit(fresh)


def current(found: dict, keys: list[str]) -> tuple:
    """The generations of `keys` as `found` (read from the cache before the rows) holds
    them; one not in the cache is made."""
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            cache.add(key, _fresh(), None)
            value = cache.get(key)
        values.append(value)
    return tuple(values)
