"""What every benchmark script needs: where the project is, fresh PostgreSQL databases,
in-process Django with production-like settings, percentiles and machine CPU time.

The scripts run as `python bench/<name>.py`, so this folder is on `sys.path` and they
import it as `harness`.
"""

import math
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# Production settings over plain http on this machine. The key is fresh for each run and
# reaches every process a benchmark starts through the environment.
PRODUCTION_LIKE = {
    "SECRET_KEY": os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50)),
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_url(admin_url: str, name: str) -> str:
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def exists(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=5):
            return True
    except psycopg.OperationalError:
        return False


def drop(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def recreate(admin_url: str, name: str) -> None:
    drop(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def configure(url: str) -> None:
    """Production-like settings from the environment, before Django reads them."""
    os.environ.update(PRODUCTION_LIKE)
    os.environ["DATABASE_URL"] = url
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "nghiquyet.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of already sorted samples."""
    return ordered[math.ceil(share * len(ordered)) - 1]


def p95(samples: list[float]) -> float:
    return percentile(sorted(samples), 0.95)


def machine_busy() -> float:
    """CPU seconds the machine has spent busy (not idle, not waiting for I/O), /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    """CPU seconds (user and system) the process `pid` has used, from /proc: a
    PostgreSQL backend's, as `backend_pid` names it (the database runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_spent(work, backends: list[int], profile=None) -> tuple[float, float]:
    """Python CPU seconds of this process and CPU seconds of the PostgreSQL `backends`
    that `work()` took, under `profile` (a cProfile.Profile) if given."""
    import time

    before = sum(backend_cpu(pid) for pid in backends)
    started = time.process_time()
    if profile:
        profile.enable()
    work()
    if profile:
        profile.disable()
    python = time.process_time() - started
    return python, sum(backend_cpu(pid) for pid in backends) - before


def top(profile, n: int = 25) -> str:
    """A cProfile.Profile's top `n` functions by CPU time of their own."""
    import io
    import pstats

    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(n)
    text = out.getvalue()
    return text[text.index("   ncalls") :] if "   ncalls" in text else text


def backend_pid(connection) -> int:
    """The PostgreSQL backend of a Django connection."""
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def django_on_fresh_database(burst, admin_url: str, database: str, redis_url: str) -> str:
    """For a benchmark timing CPU in its own process: `burst` (the module of the HTTP
    benchmark whose server settings and commands it shares) pointed at `redis_url`, its
    settings in the environment with one PostgreSQL backend kept for the whole run,
    Django set up, `database` made afresh and the Redis database emptied. Its URL."""
    burst.REDIS_URL = redis_url
    url = database_url(admin_url, database)
    os.environ.update(burst.server_env(url))
    os.environ["CONN_MAX_AGE"] = "3600"  # one backend per connection for the whole run, timed
    sys.path.insert(0, str(burst.REPO))
    import django
    import redis

    django.setup()
    say(f"== load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    say(f"== creating database {database}")
    recreate(admin_url, database)
    redis.Redis.from_url(redis_url).flushdb()
    return url


def demo_seeded(burst, url: str, members: int, seed: int = 1) -> None:
    """The schema and a demo tree of `members` members, by the management commands."""
    burst.manage(url, "migrate", "--noinput", "-v", "0")
    burst.manage(url, "seed_demo", "--members", str(members), "--seed", str(seed), "--reset")
