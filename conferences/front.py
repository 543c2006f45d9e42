"""The check-in's front door: a QR check-in stored and acknowledged before Django.

In a conference's first minutes thousands of members check in each second; through
Django and django-ninja each costs several milliseconds of CPU around one INSERT. Here
`POST /api/v1/conferences/<id>/checkin` is answered as `conferences.api.conference_checkin`
answers it, when that answer is a new receipt: the Bearer token is found in the cache of
check-in tokens (accounts/checkin_tokens.py, filled here from the database on a miss), the
QR verified and its age judged on arrival (`checkin.token_read`), admission control read
as `inbox.checkin_receive` reads it, and the row written by the inbox's own INSERT through
a psycopg connection kept per thread, prepared once. Everything else goes to Django
unchanged: any other request, a token not cached as a check-in token, a locked-out
address, a bad QR (Django asks the access policy before it words a refusal), a busy queue,
a quiet one (Django applies a lone check-in at once), a retry (the key has a row already),
a cookie, a query string, an address Django would redirect, and any error here. Without
Redis or PostgreSQL (a laptop) this does nothing.
"""

import datetime as dt
import io
import json
import logging
import re
import threading
import time

import psycopg
from django.conf import settings
from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.http.request import split_domain_port, validate_host
from django.urls import reverse

from accounts import checkin_tokens, throttle
from accounts.models import ApiToken, User
from accounts.token_use import token_used
from conferences import inbox
from conferences.checkin import CheckinError, token_read
from conferences.models import CheckinInbox
from nghiquyet.backlog import expected_wait
from nghiquyet.middleware import CONTENT_SECURITY_POLICY
from nghiquyet.redis_cache import RedisCache

logger = logging.getLogger(__name__)

PATH = re.compile(r"/api/v1/conferences/([1-9][0-9]{0,17})/checkin")
MAX_BODY = 2048  # a token is 300 characters at most
TOKEN_ROW = f"""SELECT t.id, t.user_id, t.scope, t.expires_at, t.revoked_at, u.is_active
    FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id
    WHERE t.digest = %s"""


class Declined(Exception):
    """Not for the front door: Django answers."""


class CheckinFront:
    def __init__(self, application):
        self.application = application
        self.local = threading.local()
        self.on = (
            isinstance(caches["default"], RedisCache)
            and connections["default"].vendor == "postgresql"
        )

    def __call__(self, environ, start_response):
        if not self.on or environ.get("REQUEST_METHOD") != "POST":
            return self.application(environ, start_response)
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or not self._plain(environ):
            return self.application(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        try:
            status, payload = self._receive(environ, int(match[1]), body)
        except Declined:
            return self._django(environ, start_response, body)
        except Exception:  # Django, with the request as it came, answers whatever this was
            logger.exception("check-in front door failed; handed to Django")
            return self._django(environ, start_response, body)
        data = json.dumps(payload, cls=DjangoJSONEncoder).encode()
        start_response(status, self._headers(len(data)))
        return [data]

    def _django(self, environ, start_response, body: bytes):
        environ["wsgi.input"] = io.BytesIO(body)
        return self.application(environ, start_response)

    @staticmethod
    def _plain(environ) -> bool:
        """A request Django would take straight to the view: an allowed host, no redirect to
        https, no cookie, nothing in the address, a short body of known length."""
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
        return length.isdigit() and 0 < int(length) <= MAX_BODY

    def _receive(self, environ, conference_id: int, body: bytes) -> tuple[str, dict]:
        raw = _bearer(environ.get("HTTP_AUTHORIZATION", ""))
        qr = _qr(environ, body)
        digest = ApiToken.hash(raw)
        cached = checkin_tokens.key(digest)
        ip = environ.get("REMOTE_ADDR")
        second = inbox.BACKLOG.arrivals_key.format(second=int(time.time()))
        locked = throttle.token_key(ip)
        cache = caches["default"]
        found = cache.get_many([cached, locked, inbox.WAITING_KEY, inbox.RATE_KEY, second])
        if throttle.seconds_locked(found.get(locked)):
            raise Declined
        token = found.get(cached)
        if token is None:
            token = self._token_fill(cached, digest)
        if token == checkin_tokens.NOT_HERE or token[2] <= time.time():
            raise Declined
        token_id, user_id, _expires = token
        try:
            ticket = token_read(qr, conference_id)
        except CheckinError:
            raise Declined from None
        waiting = max(found.get(inbox.WAITING_KEY) or 0, 0)
        if expected_wait(waiting, found.get(inbox.RATE_KEY)) > settings.CHECKIN_MAX_WAIT_SECONDS:
            raise Declined
        quiet = (found.get(second) or 0) < inbox.INLINE_ARRIVALS_PER_SECOND
        if waiting <= inbox.INLINE_WAITING and quiet:
            raise Declined
        now = dt.datetime.now(dt.UTC)
        key = CheckinInbox.key_for(user_id, conference_id)
        pk = self._insert(inbox.insert_params(user_id, ticket, key, now))
        if pk is None:  # a retry: Django answers with the receipt the key has
            raise Declined
        _counters_add(cache, second)
        token_used(token_id, ip, now)
        return "202 Accepted", {
            "id": pk,
            "conference_id": conference_id,
            "state": CheckinInbox.State.WAITING.value,
            "arrived_at": now,
            "detail": "",
            "conflict": False,
            "url": reverse("api:checkin_receipt", args=[pk]),
            "mark": None,
        }

    def _token_fill(self, cached: str, digest: str):
        row = self._execute(TOKEN_ROW, [digest])
        entry = checkin_tokens.entry(*row) if row else checkin_tokens.NOT_HERE
        caches["default"].add(cached, entry, checkin_tokens.SECONDS)
        return entry

    def _insert(self, params) -> int | None:
        row = self._execute(inbox.INSERT, params)
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
    def _headers(length: int) -> list[tuple[str, str]]:
        # What Django's middleware puts on the same answer.
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(length)),
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("Content-Language", settings.LANGUAGE_CODE),
            ("X-Frame-Options", settings.X_FRAME_OPTIONS),
            ("Vary", "Cookie"),
        ]
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.append(
                ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
            )
        return headers


def _counters_add(backend, second: str) -> None:
    """What `counter_add` does for the rows waiting and this second's arrivals, in one
    round trip: each Redis call costs this request more CPU than its INSERT. Counters are
    plain integers in Django's Redis cache, so INCR is what its `incr` does."""
    waiting, arrivals = backend.make_key(inbox.WAITING_KEY), backend.make_key(second)
    pipe = backend._cache.get_client(write=True).pipeline(transaction=False)
    pipe.incr(waiting)
    pipe.set(arrivals, 0, ex=10, nx=True)
    pipe.incr(arrivals)
    pipe.execute()


def _bearer(value: str) -> str:
    scheme, _space, raw = value.partition(" ")
    if scheme.lower() != "bearer" or not raw or " " in raw:
        raise Declined
    return raw


def _qr(environ, body: bytes) -> str:
    """The QR token from the JSON body, as django-ninja's schema would take it."""
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        raise Declined
    if b"\x00" in body or b"\\u0000" in body:  # Django refuses NUL characters itself
        raise Declined
    try:
        data = json.loads(body)
    except ValueError:
        raise Declined from None
    if not isinstance(data, dict) or not isinstance(data.get("token"), str):
        raise Declined
    return data["token"]
