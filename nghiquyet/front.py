"""Front doors: a hot API call stored and acknowledged before Django, with Django's answer.

In a burst (a conference's first minutes, a campaign's last day) thousands of calls a
second each cost Django and django-ninja several milliseconds of CPU around one INSERT.
A front door answers its one endpoint itself when the answer is a new receipt, exactly
as the view answers it (status, JSON, headers), and hands everything else to Django
unchanged, the request as it came: another path or method, a cookie, a query string, a
host Django refuses or would redirect, a body too long or of unknown length, an address
locked out for bad tokens, a token not in the cache or whose scope does not allow the
call, whatever the door `Declined`, and any error.

Shared here: the WSGI plumbing, the caller's API token from the cache of tokens
(accounts/front_tokens.py, filled from the database on a miss) read in one round trip
with whatever else the door needs, admission control read as `nghiquyet.backlog` reads
it, the counters and the token's use written in one more, and the door's INSERT on a
psycopg connection kept per thread, each statement prepared once. A door names its path
and URL name and `receive`s the call. Without Redis or PostgreSQL (a laptop) a door
does nothing.
"""

import io
import json
import logging
import re
import threading
import time
from typing import NamedTuple

import psycopg
from django.conf import settings
from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connections
from django.http.request import split_domain_port, validate_host

from accounts import front_tokens, throttle, token_use
from accounts.api import scope_allows
from accounts.models import ApiToken, User
from nghiquyet.backlog import Backlog, Full
from nghiquyet.middleware import CONTENT_SECURITY_POLICY
from nghiquyet.redis_cache import RedisCache

logger = logging.getLogger(__name__)
# Django logs every answer of 500 and above here; the door answers for it (a 503).
request_logger = logging.getLogger("django.request")

TOKEN_ROW = f"""SELECT t.id, t.user_id, t.scope, t.expires_at, t.revoked_at, u.is_active
    FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id
    WHERE t.digest = %s"""


# One connection per thread, whichever door the thread's request is for.
_PER_THREAD = threading.local()

# `Backlog.arrived`'s counters, then `token_use.token_used`'s steps, on the same keys and
# values (counters are plain integers in Django's Redis cache, so INCR is its `incr`).
# Returns 1 when the flush of token uses is to be asked for.
_STORED_SCRIPT = """
local period, keep = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], 0, 'EX', 10, 'NX')
redis.call('INCR', KEYS[2])
if not redis.call('SET', KEYS[3], 1, 'EX', 2 * period, 'NX') then
  return 0
end
redis.call('SET', KEYS[4], ARGV[3], 'EX', keep)
redis.call('SET', KEYS[5], 0, 'EX', keep, 'NX')
local slot = redis.call('INCR', KEYS[5])
redis.call('SET', ARGV[4] .. slot, ARGV[5], 'EX', keep)
if redis.call('SET', KEYS[6], 1, 'EX', period, 'NX') then
  return 1
end
return 0
"""
_scripts: dict[int, object] = {}


class Declined(Exception):
    """Not for the front door: Django answers."""


class QueueFull(Declined):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class Answer(NamedTuple):
    status: str
    payload: dict
    # django-ninja's answers; a view's own JsonResponse says "application/json" and,
    # reading no session, is not marked as varying by cookie.
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    by_cookie: bool = True


class Caller(NamedTuple):
    token_id: int
    user_id: int
    ip: str | None


class Front:
    path: re.Pattern  # the endpoint, its one number captured
    url_name: str  # the view's URL name, for the token's scope
    max_body: int  # longer bodies go to Django, which reads them as it does

    def __init__(self, application):
        self.application = application
        self.local = _PER_THREAD
        self.on = (
            isinstance(caches["default"], RedisCache)
            and connections["default"].vendor == "postgresql"
        )

    def __call__(self, environ, start_response):
        if not self.on or environ.get("REQUEST_METHOD") != "POST":
            return self.application(environ, start_response)
        match = self.path.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or not self._plain(environ):
            return self.application(environ, start_response)
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        try:
            answer = Answer(*self.receive(environ, int(match[1]), body))
        except Declined:
            return self._django(environ, start_response, body)
        except Exception:  # Django, with the request as it came, answers whatever this was
            logger.exception("%s failed; handed to Django", type(self).__name__)
            return self._django(environ, start_response, body)
        code, _space, reason = answer.status.partition(" ")
        if int(code) >= 500:
            request_logger.error(
                "%s: %s", reason, environ["PATH_INFO"], extra={"status_code": int(code)}
            )
        data = json.dumps(answer.payload, cls=DjangoJSONEncoder).encode()
        headers = self._headers(answer.content_type, len(data), answer.by_cookie)
        start_response(answer.status, headers + list(answer.headers))
        return [data]

    def receive(self, environ, pk: int, body: bytes) -> tuple:
        """The status and JSON of a new receipt (or an `Answer`), or Declined."""
        raise NotImplementedError

    def _django(self, environ, start_response, body: bytes):
        environ["wsgi.input"] = io.BytesIO(body)
        return self.application(environ, start_response)

    def _plain(self, environ) -> bool:
        """A request Django would take straight to the view: an allowed host, no redirect to
        https, no cookie, nothing in the address, a body of known length within bounds."""
        if environ.get("HTTP_COOKIE") or environ.get("QUERY_STRING") or environ.get("SCRIPT_NAME"):
            return False
        if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
            return False
        domain, _port = split_domain_port(environ.get("HTTP_HOST", ""))
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return False
        if settings.SECURE_SSL_REDIRECT and environ.get("wsgi.url_scheme") != "https":
            proxy = settings.SECURE_PROXY_SSL_HEADER
            if not proxy or environ.get(proxy[0], "").split(",")[0].strip() != proxy[1]:
                return False
        length = environ.get("CONTENT_LENGTH") or ""
        return length.isdigit() and 0 < int(length) <= self.max_body

    # --- the caller and the queue, read in one round trip ---------------------------------

    @staticmethod
    def digest(environ) -> str:
        """The digest of the Bearer token, as Django's authentication reads the header."""
        scheme, _space, raw = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not raw or " " in raw:
            raise Declined
        return ApiToken.hash(raw)

    def caller(self, environ, digest: str, keys: list[str]) -> tuple[Caller, dict]:
        """The token's holder, when the token is usable for this call and its address not
        locked out, and what the cache holds under `keys`, read with it."""
        cached = front_tokens.key(digest)
        ip = environ.get("REMOTE_ADDR")
        locked = throttle.token_key(ip)
        found = caches["default"].get_many([cached, locked, *keys])
        if throttle.seconds_locked(found.get(locked)):
            raise Declined
        token = found.get(cached)
        if token is None:
            token = self._token_fill(cached, digest)
        if token == front_tokens.NOT_HERE:
            raise Declined
        token_id, user_id, expires, scope = token
        if expires <= time.time() or not scope_allows(scope, "POST", self.url_name):
            raise Declined
        return Caller(token_id, user_id, ip), found

    def _token_fill(self, cached: str, digest: str):
        row = self._execute(TOKEN_ROW, [digest])
        entry = front_tokens.entry(*row) if row else front_tokens.NOT_HERE
        caches["default"].add(cached, entry, front_tokens.SECONDS)
        return entry

    @staticmethod
    def queue_keys(backlog: Backlog, second: str) -> list[str]:
        return [backlog.waiting_key, backlog.rate_key, second]

    @staticmethod
    def queue_open(backlog: Backlog, found: dict, second: str, max_wait: float) -> None:
        """QueueFull when the inbox would answer "busy" (a door that does not word that
        answer hands it to Django, as a Declined), Declined when it would drain in the
        request (Django applies a lone arrival at once), as `Backlog.admit` and
        `Backlog.arrived` judge it."""
        try:
            waiting = backlog.judge(found, max_wait)
        except Full as full:
            raise QueueFull(full.retry_after) from None
        quiet = (found.get(second) or 0) < backlog.inline_arrivals_per_second
        if waiting <= backlog.inline_waiting and quiet:
            raise Declined

    @staticmethod
    def stored(backlog: Backlog, second: str, caller: Caller, now) -> None:
        """What `Backlog.arrived` counts (the rows waiting, this second's arrivals) and
        what `token_use.token_used` notes, in one round trip: each Redis call costs this
        request more CPU than its INSERT."""
        backend = caches["default"]
        client = backend._cache.get_client(write=True)
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts[id(client)] = client.register_script(_STORED_SCRIPT)
        key, dumps = backend.make_key, backend._cache._serializer.dumps
        seen, last, count, slots = token_use.use_keys(caller.token_id, now)
        keys = [backlog.waiting_key, second, seen, last, count, token_use.FLUSH_DUE]
        args = [
            token_use.PERIOD,
            token_use.KEEP,
            dumps((now, caller.ip)),
            key(slots),
            dumps(caller.token_id),
        ]
        if script(keys=[key(name) for name in keys], args=args) == 1:
            token_use.flush_enqueue()

    # --- the database ------------------------------------------------------------------

    @staticmethod
    def django_reads(function, *args):
        """`function(*args)` reading through Django's connection outside a request: the
        connection is checked before and kept or closed after as around a request
        (CONN_MAX_AGE, errors), so a door's thread holds none longer than Django would."""
        close_old_connections()
        try:
            return function(*args)
        finally:
            close_old_connections()

    def _insert(self, sql: str, params) -> int | None:
        """The inbox's INSERT … ON CONFLICT DO NOTHING: the new row's id, or None for a key
        that has a row already (a retry, which Django answers with that row)."""
        row = self._execute(sql, params)
        return row[0] if row else None

    def _execute(self, sql: str, params):
        """One autocommitted, prepared statement on this thread's connection. A connection
        that failed is dropped: the next request opens another, and this one goes to
        Django, whose INSERT finds the row if this one was committed."""
        conn = getattr(self.local, "conn", None)
        if conn is None or conn.closed:
            db = connections["default"].settings_dict
            conn = self.local.conn = psycopg.connect(
                dbname=db["NAME"],
                user=db["USER"],
                password=db["PASSWORD"],
                host=db["HOST"],
                port=db["PORT"],
                autocommit=True,
            )
        try:
            return conn.execute(sql, params, prepare=True).fetchone()
        except psycopg.Error:
            conn.close()
            raise

    @staticmethod
    def _headers(content_type: str, length: int, by_cookie: bool) -> list[tuple[str, str]]:
        # What Django's middleware puts on the same answer.
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(length)),
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("Content-Language", settings.LANGUAGE_CODE),
            ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ]
        if by_cookie:
            headers.append(("Vary", "Cookie"))
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.append(
                ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
            )
        return headers


def json_body(environ, body: bytes) -> dict:
    """The JSON object of the body, as django-ninja would read it."""
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        raise Declined
    if b"\x00" in body or b"\\u0000" in body:  # Django refuses NUL characters itself
        raise Declined
    try:
        data = json.loads(body)
    except ValueError:
        raise Declined from None
    if not isinstance(data, dict):
        raise Declined
    return data
