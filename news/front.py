"""The portal's front door: public pages served to anonymous readers without Django.

At a peak a published item is read by a thousand people a second, nearly all anonymous,
and the page they get is the same for a minute. Once Django has rendered such a page
(public, cacheable, no cookie set, for a visitor without a session), the finished
response (status, headers after every middleware, body) is kept in Redis for
`SECONDS`; the next anonymous readers get it from here, and are counted as the page
counted its first reader (`counting.COUNTED`). A request with a session, a message or
any cookie but the language choice and the CSRF token goes to Django, as does every
method but GET and HEAD. Without Redis (a laptop's file cache) this does nothing.
"""

from contextlib import suppress

from django.conf import settings
from django.core.cache import caches
from django.http.cookie import parse_cookie

from news import counting
from nghiquyet.redis_cache import RedisCache

# Kept shorter than the page cache's minute: a page taken from Django's cache near the end
# of its minute lives here a little longer, never twice as long.
SECONDS = 20
_HARMLESS_COOKIES = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def _language(environ) -> str | None:
    """The page's language for an anonymous visitor, or None for a request that is
    someone's (a session, a message, a cookie not understood)."""
    raw = environ.get("HTTP_COOKIE", "")
    if not raw:
        return settings.LANGUAGE_CODE
    cookies = parse_cookie(raw)  # as Django reads them for the page
    if set(cookies) - _HARMLESS_COOKIES:
        return None
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    known = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in known else settings.LANGUAGE_CODE


def _storable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    control = names.get("cache-control", "")
    return "set-cookie" not in names and "public" in control and "private" not in control


class PortalFront:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        backend = caches["default"]
        if method not in ("GET", "HEAD") or not isinstance(backend, RedisCache):
            return self.application(environ, start_response)
        language = _language(environ)
        if language is None:
            return self.application(environ, start_response)
        # The address is part of the page (links, the card's og:url): a host Django has
        # not accepted never has a copy, since only its 200s are kept.
        key = "front:{}:{}:{}://{}{}?{}".format(
            language,
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )
        try:
            entry = backend.get(key)
        except Exception:  # a cache outage costs speed, never the page
            entry = None
        if entry is not None:
            status, headers, body, counted = entry
            if counted is not None:
                counting.count(environ, *counted)
            start_response(status, headers)
            return [b""] if method == "HEAD" else [body]
        return self._render(environ, start_response, backend, key, method)

    def _render(self, environ, start_response, backend, key, method):
        seen = {}

        def keep(status, headers, *exc_info):
            seen.update(status=status, headers=headers)
            return start_response(status, headers, *exc_info)

        result = self.application(environ, keep)
        if method != "GET" or not _storable(seen.get("status", ""), seen.get("headers", [])):
            return result
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        entry = (seen["status"], list(seen["headers"]), body, environ.get(counting.COUNTED))
        with suppress(Exception):  # not kept: the next reader is rendered by Django
            backend.set(key, entry, SECONDS)
        return [body]
