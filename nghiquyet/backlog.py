"""Admission control for the inboxes that acknowledge after one write (QR check-ins,
learning-report submissions) and are applied in batches by drains.

Each drain keeps in the shared cache how many rows wait and how fast the drains have
been taking them while rows kept waiting; an arrival that would wait longer than the
inbox's limit is refused with "retry after n seconds" before anything is stored. The
same figures tell a request whether the queue is quiet enough to drain itself inline.
"""

import math
import time
from collections.abc import Callable

from django.core.cache import cache

from nghiquyet.caching import counter_add

RATE_WINDOW = 30  # seconds of full batches one rate estimate covers


class Full(Exception):
    """One more row would wait too long; nothing was stored. `retry_after` in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def expected_wait(waiting: int | None, rate: float | None) -> float:
    """Seconds the rows now waiting will take to drain; 0 while nothing is measured."""
    if not waiting or not rate:
        return 0.0
    return waiting / rate


class Backlog:
    """The cache keys and limits of one inbox (`name`: nq:<name>:waiting, …)."""

    def __init__(self, name: str, *, inline_waiting: int, inline_arrivals_per_second: int):
        self.waiting_key = f"nq:{name}:waiting"  # as the last drain counted, plus arrivals
        self.rate_key = f"nq:{name}:rate"  # rows per second the drains took while rows waited
        self.busy_key = f"nq:{name}:busy"  # (since, rows drained) of the current busy stretch
        self.arrivals_key = f"nq:{name}:arrived:{{second}}"
        self.inline_waiting = inline_waiting
        self.inline_arrivals_per_second = inline_arrivals_per_second

    def admit(self, max_wait: float) -> int:
        """How many rows wait, or Full when one more would wait over `max_wait` seconds."""
        return self.judge(cache.get_many([self.waiting_key, self.rate_key]), max_wait)

    def judge(self, found: dict, max_wait: float) -> int:
        """`admit` on the figures `found` read from the cache."""
        waiting = max(found.get(self.waiting_key) or 0, 0)
        wait = expected_wait(waiting, found.get(self.rate_key))
        if wait > max_wait:
            raise Full(max(1, math.ceil(wait - max_wait)))
        return waiting

    def arrived(self, waiting: int) -> bool:
        """Count one stored arrival; whether the queue is quiet enough for the request to
        drain it itself (a lone member on a laptop sees the result at once)."""
        counter_add(self.waiting_key)
        arrivals = counter_add(self.arrivals_key.format(second=int(time.time())), timeout=10)
        return waiting <= self.inline_waiting and arrivals <= self.inline_arrivals_per_second

    def measure(self, drained: int, limit: int, seconds: float, waiting: Callable[[], int]):
        """After a batch: rows waiting now (`waiting()` counts them), and the rate at which
        the drains together take rows while there are more than a batch waiting."""
        if not drained:
            cache.set(self.waiting_key, 0, None)
            cache.delete(self.busy_key)
            return
        cache.set(self.waiting_key, waiting(), None)
        if drained < limit:  # the queue ran dry: what was measured is arrivals, not capacity
            cache.delete(self.busy_key)
            return
        now = time.time()
        since, total = cache.get(self.busy_key) or (now - seconds, 0)
        total += drained
        if now - since >= 1:
            cache.set(self.rate_key, total / (now - since), None)
        if now - since > RATE_WINDOW:  # a fresh window, so the estimate follows the machine
            since, total = now, 0
        cache.set(self.busy_key, (since, total), 3 * RATE_WINDOW)
