"""What the front doors' tests share: the door in front of a counting Django on PostgreSQL
and Redis, a WSGI call, and a real web process killed right after a door's INSERT."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory, override_settings

REPO = Path(__file__).resolve().parents[2]


class Django:
    """The site behind the front door, counting the requests that reach it."""

    def __init__(self):
        self.handler, self.calls = WSGIHandler(), 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


def redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "nghiquyet.redis_cache.RedisCache", "LOCATION": url}}


def redis_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url).ping())
    except redis.exceptions.ConnectionError:
        return False


@contextmanager
def door_in_front(door_class, redis_url: str):
    """(the door, the Django behind it), on a Redis database of the test's own; skipped
    on SQLite or without Redis."""
    if connection.vendor != "postgresql":
        pytest.skip("the front door is for PostgreSQL only")
    if not redis_up(redis_url):
        pytest.skip("Redis không chạy ở 127.0.0.1:6379")
    with override_settings(CACHES=redis_cache(redis_url)):
        cache.clear()
        cache.set("nq:tokuse:flush-due", 1, 600)  # no flush job is enqueued by the calls
        django = Django()
        door = door_class(django)
        assert door.on
        try:
            yield door, django
        finally:
            conn = getattr(door.local, "conn", None)
            if conn is not None:
                conn.close()
            cache.clear()


def call(app, path, body=None, raw="", method="POST", **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body) if body else ""
    extra = {"HTTP_HOST": "testserver", **extra}
    environ = RequestFactory().generic(method, path, data, "application/json", **extra).environ
    if raw:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    answer = {}

    def start_response(status, headers, *exc_info):
        answer.update(status=status, headers=dict(headers))

    content = b"".join(app(environ, start_response))
    try:
        answer["body"] = json.loads(content)
    except ValueError:  # Django's plain answers (405)
        answer["body"] = content
    return answer


def same_as_django(door, django, *args, **kwargs) -> dict:
    """The door's answer, which must be Django's own for the same request."""
    before = django.calls
    through = call(door, *args, **kwargs)
    assert django.calls == before + 1  # the door did not answer it itself
    direct = call(django.handler, *args, **kwargs)
    assert (through["status"], through["body"]) == (direct["status"], direct["body"])
    return through


def post(port: int, path: str, body: dict, raw: str, headers=None, timeout: float = 30):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"} | (
        headers or {}
    )
    conn.request("POST", path, json.dumps(body), headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def until(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("waited in vain")


class PausedServer:
    """gunicorn serving the project with one worker whose front doors stop it right after
    their first INSERT (nghiquyet/tests/front_paused_wsgi.py)."""

    def __init__(self, port: int, master: int, stop: Path):
        self.port, self.master, self.stop = port, master, stop
        self.worker = until(lambda: _worker_of(master))

    def killed_after_insert(self, send) -> None:
        """`send()` in a thread, as a phone whose answer is lost: the worker stops after
        the INSERT and is killed with SIGKILL; the phone's connection is reset."""
        answers = []

        def phone():
            try:
                answers.append(send())
            except OSError as error:
                answers.append(error)

        lost = threading.Thread(target=phone, daemon=True)
        lost.start()
        until(lambda: not self.stop.exists() and _state(self.worker) == "T")
        os.kill(self.worker, signal.SIGKILL)
        lost.join(30)
        assert len(answers) == 1 and isinstance(answers[0], OSError)

    def again(self, send):
        """The phone's next try, once gunicorn has started another worker."""
        answer = until(lambda: _answered(send))
        assert _worker_of(self.master) != self.worker
        return answer


@contextmanager
def paused_server(redis_url: str, tmp_path: Path):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    port = _free_port()
    stop = tmp_path / "stop-after-insert"
    stop.touch()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "nghiquyet.settings_test",
        "NQ_STOP_AFTER_INSERT": str(stop),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "nghiquyet.tests.front_paused_wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--log-level=warning",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield PausedServer(port, server.pid, stop)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker_of(master: int) -> int | None:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0]) if children else None


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _answered(send):
    try:
        return send()
    except OSError:
        return None
