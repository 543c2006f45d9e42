"""Whole-page caching for public pages, for anonymous visitors only.

Django's `cache_page` stores the response before the session and CSRF middleware have
marked it `Vary: Cookie`, so a page rendered for a signed-in officer (their name, their
menu, their CSRF token) could be served to the next visitor from the cache. Here a
signed-in user is never served from the cache nor stored in it, and a response that
carries anything of one visitor (a cookie, a CSRF token, a session read) is not stored.
"""

import hashlib
import logging
import secrets
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_response_headers, patch_vary_headers
from django.utils.translation import get_language

from nghiquyet.routers import replica_reads

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-page:{get_language()}:{path}"


def _personal(request, response) -> bool:
    """Whether the response holds something of this visitor. (Every request reads the
    session to learn who is there, so a read proves nothing; a write does.)"""
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token went into the page
        or (session is not None and session.modified)
    )


def cache_for_anonymous(seconds: int):
    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True)
                patch_vary_headers(response, ["Cookie"])
                return response
            key = _key(request)
            response = cache.get(key)
            if response is not None:
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response = response.render()
            if response.status_code != 200 or _personal(request, response):
                patch_cache_control(response, private=True)
            else:
                patch_response_headers(response, seconds)
                patch_cache_control(response, public=True)
                if request.method == "GET":
                    cache.set(key, response, seconds)
            patch_vary_headers(response, ["Cookie"])
            return response

        return cached_view

    return decorator


def _stamp(value) -> None:
    stamp = secrets.token_hex(8)
    if isinstance(value, dict):
        value["stamp"] = stamp
    else:
        value.stamp = stamp


def counter_add(key: str, by: int = 1, timeout: int | None = None) -> int:
    """Add `by` to the counter at `key` in the shared cache (made at 0 if missing) and
    return its new value; atomic where the cache's `add` and `incr` are (Redis)."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key, by)
    except ValueError:  # evicted in between
        cache.set(key, by, timeout)
        return by


def figures_key(kind: str, campaign_pk: int, unit_pk: int) -> str:
    return f"figures:{kind}:{campaign_pk}:{unit_pk}:{get_language()}"


def figures_cached(kind: str, campaign_pk: int, unit_pk: int, compute: Callable[[], T]) -> T:
    """A campaign's figures for one unit's subtree, shared for FIGURES_CACHE_SECONDS by
    everyone who may see that unit (the caller asks the access policy first).

    At a national peak thousands of officers open the same few dashboards while the
    counters move every second; figures a few seconds old are what they need, and summing
    the subtree once per interval instead of once per request is what keeps the pages
    fast. Never cached: anything that depends on who asks.

    What is stored gets a fresh `stamp` (an attribute, or a key of a dict): the parts of a
    page drawn from it are cached under that stamp (`{% figures_cache %}`).
    """
    seconds = settings.FIGURES_CACHE_SECONDS
    if seconds <= 0:
        with replica_reads():
            return compute()
    key = figures_key(kind, campaign_pk, unit_pk)
    try:
        found = cache.get(key)
    except Exception:  # a cache outage costs speed, never the page
        logger.warning("figures cache unreadable", exc_info=True)
        found = None
    if found is not None:
        return found
    with replica_reads():
        value = compute()
    _stamp(value)
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("figures cache not written", exc_info=True)
    return value
