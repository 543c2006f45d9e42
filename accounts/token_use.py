"""When and from where each API token was last used, noted in the cache and written to
`ApiToken` in batches: a burst of check-ins, where every call is a token's first use of
the minute, costs no database write per call, and a token is written at most once a
minute.

A call notes the token once per minute (an atomic `add`) in that minute's list; the
flush job (`token_use_flush`, enqueued at most once a minute) writes the closed minutes'
tokens in one statement. The tokens page reads what is not written yet from the cache.
"""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

PERIOD = 60  # seconds: a token is written at most once in this time
KEEP = 24 * 3600  # how long a noted use waits in the cache for the flush


def _minute(now: dt.datetime) -> int:
    return int(now.timestamp() // PERIOD)


def _last_key(token_id: int) -> str:
    return f"nq:tokuse:last:{token_id}"


FLUSH_DUE = "nq:tokuse:flush-due"


def use_keys(token_id: int, now: dt.datetime) -> tuple[str, str, str, str]:
    """The keys a use writes: noted this minute, the last use, this minute's count, and
    the prefix of this minute's slots (the slot's number follows)."""
    minute = _minute(now)
    return (
        f"nq:tokuse:seen:{minute}:{token_id}",
        _last_key(token_id),
        f"nq:tokuse:n:{minute}",
        f"nq:tokuse:{minute}:",
    )


def token_used(token_id: int, ip: str | None, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    seen, last, count, slots = use_keys(token_id, now)
    if not cache.add(seen, 1, 2 * PERIOD):
        return  # noted in this minute already
    cache.set(last, (now, ip), KEEP)
    cache.add(count, 0, KEEP)
    try:
        slot = cache.incr(count)
    except ValueError:  # evicted in between
        slot = 1
        cache.set(count, slot, KEEP)
    cache.set(f"{slots}{slot}", token_id, KEEP)
    _flush_soon()


def _flush_soon() -> None:
    if cache.add(FLUSH_DUE, 1, PERIOD):
        flush_enqueue()


def flush_enqueue() -> None:
    """Ask for the flush, FLUSH_DUE having just been set."""
    from accounts.tasks import token_use_flush

    try:
        token_use_flush.using(run_after=timezone.now() + dt.timedelta(seconds=2 * PERIOD)).enqueue()
    except Exception:  # the uses stay in the cache; the next minute asks again
        cache.delete(FLUSH_DUE)


def token_use_pending(token_ids) -> dict[int, tuple[dt.datetime, str | None]]:
    """Uses noted in the cache and not yet written: {token id: (when, address)}."""
    found = cache.get_many([_last_key(pk) for pk in token_ids])
    return {pk: found[_last_key(pk)] for pk in token_ids if _last_key(pk) in found}


def flush(everything: bool = False) -> int:
    """Write the uses noted in closed minutes (all of them with `everything`);
    returns how many tokens were written."""
    from accounts.models import ApiToken

    if not cache.add("nq:tokuse:flush-lock", 1, 300):
        return 0
    try:
        current = _minute(timezone.now())
        last = current if everything else current - 2  # a minute's grace for slow calls
        done = cache.get("nq:tokuse:flushed")
        start = done + 1 if done is not None else current - KEEP // PERIOD
        minutes = range(start, last + 1)
        counts = cache.get_many([f"nq:tokuse:n:{m}" for m in minutes])
        slots = [
            f"nq:tokuse:{m}:{slot}"
            for m in minutes
            for slot in range(1, (counts.get(f"nq:tokuse:n:{m}") or 0) + 1)
        ]
        ids = set()
        for chunk in range(0, len(slots), 1000):
            ids.update(cache.get_many(slots[chunk : chunk + 1000]).values())
        uses = token_use_pending(ids)
        tokens = [
            ApiToken(pk=pk, last_used_at=when, last_used_ip=ip) for pk, (when, ip) in uses.items()
        ]
        ApiToken.objects.bulk_update(tokens, ["last_used_at", "last_used_ip"], batch_size=1000)
        # The current minute stays open: uses still arriving in it are noted in it.
        cache.set("nq:tokuse:flushed", min(last, current - 1), None)
        return len(tokens)
    finally:
        cache.delete("nq:tokuse:flush-lock")
