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


def backend_cpu(connection) -> float:
    """CPU seconds used so far by the PostgreSQL backend of a Django connection (from
    /proc: the database runs on this machine)."""
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
