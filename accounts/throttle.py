"""Limits on failed sign-ins and failed API token checks, kept in the cache.

Each failure counts against two keys: the account name tried (whether or not such an
account exists, so a lockout says nothing about existence) and the client address (an
IPv6 address by its /64, which one machine can rotate through). Too many failures within
the window lock the key; each further lock lasts twice as long, up to a cap, and a day
without failures forgets the doubling. A lock always ends: a real user locked out by
someone else's guessing waits minutes, never longer than the cap. While a key is locked
no password is checked at all. A successful sign-in clears the account's key, not the
address's, so an attacker cannot reset the address count with an account of their own.

Any Django cache works (local memory, file, Redis). With several web servers the cache
must be shared (Redis) for the limits to hold across them. The count is a read and a
write, not an atomic increment (the file cache has none that keeps its expiry), so a
burst of simultaneous attempts may see a few more checked than the limit before the lock.
"""

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger("nghiquyet.security")


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int  # failures within `window` seconds that start a lock
    window: int
    first_lock: int  # seconds; doubled by each further lock
    max_lock: int


ACCOUNT = Rule("account", limit=5, window=15 * 60, first_lock=60, max_lock=15 * 60)
# An office behind one address may hold dozens of people who mistype.
CLIENT = Rule("client", limit=20, window=15 * 60, first_lock=60, max_lock=15 * 60)
TOKEN_CLIENT = Rule("token", limit=20, window=15 * 60, first_lock=60, max_lock=15 * 60)
MEMORY = 24 * 3600  # a day without failures forgets past locks


def now() -> float:
    return time.time()


def client_of(ip: str | None) -> str:
    """The address a limit counts against: IPv4 as is, IPv6 by its /64 network."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _key(rule: Rule, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"nq:throttle:{rule.name}:{digest}"


def _account(username: str) -> str:
    return (username or "").strip().casefold()


def _wait(rule: Rule, value: str) -> int:
    return seconds_locked(cache.get(_key(rule, value)))


def seconds_locked(state: dict | None) -> int:
    """Seconds a key's stored state keeps it locked; 0 when it is not locked."""
    if not state:
        return 0
    return max(0, int(state["until"] - now() + 0.999))


def _fail(rule: Rule, value: str) -> int:
    """Count a failure; the length of the lock it starts, or 0."""
    key = _key(rule, value)
    at = now()
    state = cache.get(key) or {"fails": 0, "since": at, "until": 0.0, "locks": 0, "last": at}
    if at - state["last"] > MEMORY:
        state.update(locks=0)
    if at - state["since"] > rule.window:
        state.update(fails=0, since=at)
    state["fails"] += 1
    state["last"] = at
    locked = 0
    if state["fails"] >= rule.limit:
        locked = min(rule.first_lock * 2 ** state["locks"], rule.max_lock)
        state.update(fails=0, since=at, until=at + locked, locks=state["locks"] + 1)
    cache.set(key, state, timeout=MEMORY)
    return locked


def login_wait(username: str, ip: str | None) -> int:
    """Seconds until a sign-in as `username` from `ip` is allowed again; 0 if it is."""
    return max(_wait(ACCOUNT, _account(username)), _wait(CLIENT, client_of(ip)))


def login_failed(username: str, ip: str | None) -> int:
    """Count a failed sign-in (never one refused while locked); the lock it starts, or 0."""
    locked = max(_fail(ACCOUNT, _account(username)), _fail(CLIENT, client_of(ip)))
    logger.warning("Failed sign-in as %r from %s", username, ip)
    if locked:
        logger.warning("Sign-in as %r from %s locked for %s s", username, ip, locked)
    return locked


def login_succeeded(username: str) -> None:
    cache.delete(_key(ACCOUNT, _account(username)))


def token_wait(ip: str | None) -> int:
    return _wait(TOKEN_CLIENT, client_of(ip))


def token_key(ip: str | None) -> str:
    """Where the state of `ip`'s token failures is kept (read with others in one call)."""
    return _key(TOKEN_CLIENT, client_of(ip))


def token_failed(ip: str | None) -> int:
    locked = _fail(TOKEN_CLIENT, client_of(ip))
    logger.warning("Failed API token from %s", ip)
    if locked:
        logger.warning("API tokens from %s locked for %s s", ip, locked)
    return locked
