"""The public article page under 1,000 readers a second, and its first paint on slow 3G.

Seeds a database (`nq_portal` by default, recreated) with a city, a ward and a published
article, starts gunicorn (production-like settings, Redis cache, a `db_worker` writing
the counted batches) and drives it from another process: an open-loop asyncio client
that sends `--rate` requests a second for `--seconds`, each from a new reader (its own
browser name), over keep-alive connections. Latency is measured from the moment each
request was due, so a server that falls behind is charged for the wait. Then Chromium
loads the article with DevTools network throttling (Slow 3G: 400 ms latency, 500 kbit/s
down and up) in a fresh profile and reports the first contentful paint.

    .venv/bin/python bench/portal.py [--rate 1000] [--seconds 10] [--server gthread:3x4]
"""

import argparse
import asyncio
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

from harness import (
    ADMIN_URL,
    PRODUCTION_LIKE,
    REPO,
    database_url,
    machine_busy,
    percentile,
    recreate,
    say,
)

HOST = "127.0.0.1"
PORT = 8105
REDIS_URL = "redis://127.0.0.1:6379/5"


def server_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        **PRODUCTION_LIKE,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "nghiquyet.settings",
    }


def seed(url: str) -> str:
    """Migrate, then a city with a ward that published one article; its path."""
    env = server_env(url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], env=env, cwd=REPO, check=True
    )
    script = """
import datetime as dt
from django.core.cache import cache
from accounts.models import User
from news import services
from news.models import Article
from organizations.levels import levels_ensure
from organizations.models import Level, Organization
levels_ensure()
cache.clear()
def unit(parent, name, code, level):
    u = Organization(name=name, name_folded=Organization.folded_name(name), code=code,
                     level=Level.objects.get(code=level),
                     issuer_code=level, valid_from=dt.date(2020, 1, 1))
    if parent:
        return Organization.objects.add_child(parent, instance=u)
    return Organization.objects.add_root(instance=u)
city = unit(None, "Thành ủy Hà Nam", "HNA", "TU")
city.refresh_from_db()
ward = unit(city, "Đảng bộ phường Lam Hạ", "HNA-LH", "ĐU")
editor = User.objects.create_superuser("bench", "bench@example.vn", "bench-only-password")
body = "\\n".join(
    f"Đoạn {n}: Đảng bộ phường Lam Hạ tổ chức hội nghị học tập, quán triệt Nghị quyết 23-NQ/TU "
    "của Ban Chấp hành Đảng bộ tỉnh; các chi bộ thảo luận, thống nhất chương trình hành động."
    for n in range(12)
)
for n in range(8):
    article = Article.objects.create(
        organization=ward, title=f"Hội nghị quán triệt nghị quyết số {n}", body=body,
        lead="Sáng nay, Đảng bộ phường tổ chức hội nghị.", author="Minh Anh", created_by=editor)
    services.article_publish(editor, article)
print(article.get_absolute_url())
"""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


# --- the load generator, in its own process ------------------------------------------------


async def _load(path: str, rate: int, seconds: float, connections: int) -> dict:
    jobs: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter() + 0.2

    async def exchange(reader, writer, request: bytes) -> int:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        if b"connection: close" in head.lower():
            raise ConnectionResetError
        return int(head.split(b" ", 2)[1])

    async def connection() -> None:
        nonlocal errors
        reader = writer = None
        while True:
            job = await jobs.get()
            if job is None:
                if writer is not None:
                    writer.close()
                return
            due, n = job
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n"
                f"User-Agent: Mozilla/5.0 (Linux; Android 14) Chrome/126 Reader/{n}\r\n"
                "Accept: text/html\r\n\r\n"
            ).encode()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, PORT)
                status = await asyncio.wait_for(exchange(reader, writer, request), 30)
                if status != 200:
                    errors += 1
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
            latencies.append(time.perf_counter() - due)

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    total = int(rate * seconds)
    for n in range(total):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        jobs.put_nowait((due, n))
    for _ in workers:
        jobs.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed, "total": total}


def _client(path, rate, seconds, connections, out) -> None:
    try:
        out.put(asyncio.run(_load(path, rate, seconds, connections)))
    except BaseException as error:
        out.put({"failed": repr(error)})
        raise


def load(path: str, rate: int, seconds: float, connections: int) -> dict:
    out = multiprocessing.Queue()
    process = multiprocessing.Process(target=_client, args=(path, rate, seconds, connections, out))
    process.start()
    result = out.get()
    process.join()
    if "failed" in result:
        raise SystemExit(f"load generator failed: {result['failed']}")
    return result


# --- first contentful paint on slow 3G -----------------------------------------------------


def first_paint(path: str) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 375, "height": 740})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 400,
                "downloadThroughput": 500 * 1024 / 8,
                "uploadThroughput": 500 * 1024 / 8,
            },
        )
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.goto(f"http://{HOST}:{PORT}{path}", wait_until="load", timeout=60_000)
        # The paint entry can be recorded just after `load` on a throttled page.
        page.wait_for_function(
            "performance.getEntriesByName('first-contentful-paint').length > 0", timeout=30_000
        )
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
        browser.close()
    return fcp / 1000


def server_command(server: str) -> list[str]:
    """gunicorn gthread (`gthread:WxT`) or granian's WSGI interface (`granian:WxT`, W
    processes of T blocking threads) serving `bench/portal_wsgi.py`."""
    kind, _, shape = server.partition(":")
    workers, _, threads = shape.partition("x")
    bin_dir = Path(sys.executable).parent
    if kind == "granian":
        return [
            str(bin_dir / "granian"),
            "--interface=wsgi",
            f"--host={HOST}",
            f"--port={PORT}",
            f"--workers={workers}",
            f"--blocking-threads={threads}",
            "--backlog=2048",
            "--no-log",
            "bench.portal_wsgi:application",
        ]
    return [
        str(bin_dir / "gunicorn"),
        "bench.portal_wsgi:application",
        f"--bind={HOST}:{PORT}",
        "--worker-class=gthread",
        f"--workers={workers}",
        f"--threads={threads}",
        "--keep-alive=30",
        "--backlog=2048",
        "--log-level=warning",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--server", default="gthread:3x4", help="gthread:WxT (gunicorn) or granian:WxT"
    )
    parser.add_argument("--database-url", default=database_url(ADMIN_URL, "nq_portal"))
    args = parser.parse_args()

    url = args.database_url
    recreate(ADMIN_URL, url.rsplit("/", 1)[1])
    say("== seeding")
    path = seed(url)
    env = server_env(url)
    gunicorn = subprocess.Popen(server_command(args.server), env=env, cwd=REPO)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "1"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)
        say("== warm-up")
        load(path, 100, 3, 16)
        load_before = os.getloadavg()
        busy = machine_busy()
        say(f"== {args.rate} readers/s for {args.seconds:g} s")
        result = load(path, args.rate, args.seconds, args.connections)
        busy = machine_busy() - busy
        samples = sorted(result["latencies"])
        fcp = first_paint(path)
    finally:
        gunicorn.terminate()
        worker.terminate()
        gunicorn.wait(timeout=30)
        worker.wait(timeout=30)
    achieved = len(samples) / result["elapsed"]
    print(
        f"| article page, {args.server}, {args.connections} connections | {args.rate}/s "
        f"| {achieved:.0f}/s | {percentile(samples, 0.5) * 1000:.1f} ms "
        f"| {percentile(samples, 0.95) * 1000:.1f} ms | {percentile(samples, 0.99) * 1000:.1f} ms "
        f"| {result['errors']} | {busy / result['elapsed']:.2f} "
        f"| {load_before[0]:.2f} |"
    )
    print(
        f"| first contentful paint, article, Slow 3G (400 ms, 500 kbit/s), 375 px | {fcp:.2f} s |"
    )


if __name__ == "__main__":
    main()
