"""Readers of items and visitors of sites, counted in the cache and written to the
database in batches, so that counting never costs a page a database write.

A reader is a keyed digest of the address and the browser under a key derived anew each
day: nothing stored can be turned back into an address or matched with another day.
Per request: whether this reader is new today for the item and for the site (an atomic
`add`), a pending counter per (item or site, day), and a note of which counters moved
in the current minute. The flush job (`counts_flush`) adds the pending counts to
`ArticleDay`, `SiteDay` and `Article.views` and takes the same amount off the pending
counters, so a hit arriving meanwhile is kept for the next batch.

Exact when the cache's `add` and `incr` are atomic (Redis, the local-memory cache);
the file cache of a laptop install is made so with a file lock.
"""

import datetime as dt
import fcntl
import re
import time
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from nghiquyet.caching import counter_add

PERIOD = 60  # seconds gathered in one batch
ONLINE_MINUTES = 5
KEEP = 3 * 86400  # seconds pending counts and notes live in the cache
# New readers one address may add to an item (or visitors to a site) in an hour: a
# household or an office behind one address, not a script renaming its browser.
READERS_PER_ADDRESS_HOUR = 5
# Automated clients announce themselves; a view by one of them is not a reader's. Link
# previews (Zalo's and Facebook's card fetchers) are among them; a person reading inside
# the Zalo or Facebook app is a browser like any other.
_BOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|fetch|monitor|headless|python-|curl|wget"
    r"|httpclient|facebookexternalhit|facebot|lighthouse|pingdom|scan",
    re.IGNORECASE,
)


def is_bot(meta) -> bool:
    """Whether the request (its WSGI environment) comes from a program or a prefetch."""
    agent = meta.get("HTTP_USER_AGENT", "")
    purpose = " ".join(
        meta.get(name, "") for name in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ")
    ).lower()
    return (
        not agent.startswith(("Mozilla/", "Opera/"))
        or bool(_BOTS.search(agent))
        or "prefetch" in purpose
        or "prerender" in purpose
    )


def _digest(*parts: str) -> str:
    day = timezone.localdate().isoformat()
    return salted_hmac(f"news.reader.{day}", "|".join(parts), algorithm="sha256").hexdigest()


@contextmanager
def _file_lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".counting.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic():
    backend = caches["default"]  # `cache` is a proxy: ask the backend itself
    return _file_lock(Path(backend._dir)) if isinstance(backend, FileBasedCache) else nullcontext()


def _period(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // PERIOD)


def _pending_key(kind: str, pk: int, day: str) -> str:
    return f"nq:pend:{kind}:{pk}:{day}"


def _pending_add(kind: str, pk: int, day: str) -> None:
    counter_add(_pending_key(kind, pk, day), timeout=KEEP)
    period = _period()
    if cache.add(f"nq:mark:{period}:{kind}:{pk}:{day}", 1, KEEP):
        slot = counter_add(f"nq:dirty:{period}", timeout=KEEP)
        cache.set(f"nq:dirty:{period}:{slot}", f"{kind}:{pk}:{day}", KEEP)


def _allowed(kind: str, pk: int, address: str) -> bool:
    """Spend one of the address's new readers of this item or site for the current hour."""
    hour = timezone.now().strftime("%Y%m%d%H")
    return counter_add("nq:addr:" + _digest(kind, str(pk), address, hour), timeout=3600) <= (
        READERS_PER_ADDRESS_HOUR
    )


def _online(site: int, reader: str, minute: int) -> None:
    """Each reader is counted in the minute they were last seen, so the readers of the
    last five minutes are the sum of five counters."""
    if not cache.add(f"nq:onseen:{site}:{minute}:{reader}", 1, (ONLINE_MINUTES + 1) * 60):
        return  # already counted in this minute
    key = f"nq:last:{site}:{reader}"
    last = cache.get(key)
    cache.set(key, minute, ONLINE_MINUTES * 60)
    counter_add(f"nq:on:{site}:{minute}", timeout=(ONLINE_MINUTES + 1) * 60)
    if last is not None and last != minute and minute - last < ONLINE_MINUTES:
        with suppress(ValueError):
            cache.decr(f"nq:on:{site}:{last}")


# Where `hit` leaves what it counted, in the request's WSGI environment: the portal's
# front door (news/front.py) counts the same for each reader it serves the page to.
COUNTED = "nghiquyet.counted"


def hit(request, site: int, article: int | None = None) -> bool:
    """Count a request to a site's page (and to one of its items). Returns whether it
    counted a new reader of the item."""
    request.META[COUNTED] = (site, article)
    return count(request.META, site, article)


def count(meta, site: int, article: int | None = None) -> bool:
    """`hit` for a request's WSGI environment."""
    if is_bot(meta):
        return False
    address = meta.get("REMOTE_ADDR", "")
    reader = _digest(address, meta.get("HTTP_USER_AGENT", ""))
    now = time.time()
    day = timezone.localdate().isoformat()
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        counted, flush_due = _hit_in_redis(backend, site, article, address, reader, now, day)
        if flush_due:
            _flush_enqueue()
        return counted
    counted = False
    with _atomic():
        _online(site, reader, int(now // 60))
        if cache.add(f"nq:seen:s:{site}:{day}:{reader}", 1, KEEP) and _allowed("s", site, address):
            _pending_add("s", site, day)
        if (
            article is not None
            and cache.add(f"nq:seen:a:{article}:{day}:{reader}", 1, KEEP)
            and _allowed("a", article, address)
        ):
            _pending_add("a", article, day)
            counted = True
    _flush_soon()
    return counted


# The same steps as `_online`, `_allowed` and `_pending_add`, on the same keys and values,
# in one round trip: a new reader of an item took about fifteen calls to the cache.
# Redis runs a script atomically, so the steps need no lock.
_HIT_SCRIPT = """
local function bump(key, ttl)
  redis.call('SET', key, 0, 'EX', ttl, 'NX')
  return redis.call('INCR', key)
end
local keep, minute, online = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local per_address = tonumber(ARGV[4])
if redis.call('SET', ARGV[5], 1, 'EX', (online + 1) * 60, 'NX') then
  local last = redis.call('GET', ARGV[6])
  redis.call('SET', ARGV[6], minute, 'EX', online * 60)
  bump(ARGV[7] .. minute, (online + 1) * 60)
  if last then
    last = tonumber(last)
    if last ~= minute and minute - last < online and redis.call('EXISTS', ARGV[7] .. last) == 1 then
      redis.call('DECR', ARGV[7] .. last)
    end
  end
end
local counted = {}
for i = 9, #ARGV, 7 do
  local new = 0
  if redis.call('SET', ARGV[i], 1, 'EX', keep, 'NX') and bump(ARGV[i + 1], 3600) <= per_address then
    bump(ARGV[i + 2], keep)
    if redis.call('SET', ARGV[i + 3], 1, 'EX', keep, 'NX') then
      local slot = bump(ARGV[i + 4], keep)
      redis.call('SET', ARGV[i + 5] .. slot, ARGV[i + 6], 'EX', keep)
    end
    new = 1
  end
  counted[#counted + 1] = new
end
local due = 0
if redis.call('SET', ARGV[8], 1, 'EX', PERIOD, 'NX') then due = 1 end
counted[#counted + 1] = due
return counted
""".replace("PERIOD", str(PERIOD))
_scripts: dict[int, object] = {}


def _hit_in_redis(backend, site, article, address, reader, now, day) -> tuple[bool, bool]:
    client = backend._cache.get_client(write=True)
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_HIT_SCRIPT)
    key = backend.make_key
    minute, period = int(now // 60), _period(now)
    hour = timezone.now().strftime("%Y%m%d%H")
    args = [
        KEEP,
        minute,
        ONLINE_MINUTES,
        READERS_PER_ADDRESS_HOUR,
        key(f"nq:onseen:{site}:{minute}:{reader}"),
        key(f"nq:last:{site}:{reader}"),
        key(f"nq:on:{site}:"),
        key("nq:flush-due"),
    ]
    for kind, pk in (("s", site), ("a", article)):
        if pk is None:
            continue
        args += [
            key(f"nq:seen:{kind}:{pk}:{day}:{reader}"),
            key("nq:addr:" + _digest(kind, str(pk), address, hour)),
            key(_pending_key(kind, pk, day)),
            key(f"nq:mark:{period}:{kind}:{pk}:{day}"),
            key(f"nq:dirty:{period}"),
            key(f"nq:dirty:{period}:"),
            backend._cache._serializer.dumps(f"{kind}:{pk}:{day}"),
        ]
    *counted, due = script(args=args)
    return article is not None and counted[-1] == 1, due == 1


def _flush_soon() -> None:
    """At most once a period, ask the worker to write the batch once it has closed."""
    if cache.add("nq:flush-due", 1, PERIOD):
        _flush_enqueue()


def _flush_enqueue() -> None:
    from news.tasks import counts_flush

    try:
        counts_flush.using(run_after=timezone.now() + dt.timedelta(seconds=2 * PERIOD)).enqueue()
    except Exception:  # the batch is kept in the cache; the next period asks again
        cache.delete("nq:flush-due")


# --- Writing batches -------------------------------------------------------------------


def _entries(periods: range) -> set[tuple[str, int, str]]:
    counts = cache.get_many([f"nq:dirty:{p}" for p in periods])
    keys = [
        f"nq:dirty:{p}:{slot}"
        for p in periods
        for slot in range(1, (counts.get(f"nq:dirty:{p}") or 0) + 1)
    ]
    found = set()
    for chunk in range(0, len(keys), 1000):
        for value in cache.get_many(keys[chunk : chunk + 1000]).values():
            kind, pk, day = value.split(":")
            found.add((kind, int(pk), day))
    return found


def _add(model, lookup: dict, field: str, n: int) -> None:
    if model.objects.filter(**lookup).update(**{field: F(field) + n}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**lookup, **{field: n})
    except IntegrityError:  # written meanwhile by another flush
        model.objects.filter(**lookup).update(**{field: F(field) + n})


def flush(everything: bool = False) -> int:
    """Write the pending counts of closed periods (all of them with `everything`).
    Returns how many readers and visitors were written."""
    from news.models import Article, ArticleDay, SiteDay
    from organizations.models import Organization

    if not cache.add("nq:flush-lock", 1, 300):
        return 0
    try:
        current = _period()
        last = current if everything else current - 1  # one period's grace for slow requests
        done = cache.get("nq:flushed")
        start = done + 1 if done is not None else current - KEEP // PERIOD
        entries = _entries(range(start, last + 1))
        keys = {_pending_key(*entry): entry for entry in entries}
        pending = {k: v for k, v in cache.get_many(list(keys)).items() if v and v > 0}
        articles = set(
            Article.objects.filter(
                pk__in=[keys[k][1] for k in pending if keys[k][0] == "a"]
            ).values_list("pk", flat=True)
        )
        sites = set(
            Organization.objects.filter(
                pk__in=[keys[k][1] for k in pending if keys[k][0] == "s"]
            ).values_list("pk", flat=True)
        )
        written = 0
        with transaction.atomic():
            for key, n in pending.items():
                kind, pk, day = keys[key]
                if kind == "a" and pk in articles:
                    _add(ArticleDay, {"article_id": pk, "day": day}, "views", n)
                    Article.objects.filter(pk=pk).update(views=F("views") + n)
                elif kind == "s" and pk in sites:
                    _add(SiteDay, {"organization_id": pk, "day": day}, "visitors", n)
                written += n
        with _atomic():
            for key, n in pending.items():
                with suppress(ValueError):
                    cache.decr(key, n)
        # The current period stays open: hits still arriving in it are noted in it.
        cache.set("nq:flushed", min(last, current - 1), None)
        return written
    finally:
        cache.delete("nq:flush-lock")


# --- Reading the figures ------------------------------------------------------------------


def pending_views(article_pk: int) -> int:
    """Readers of an item today not yet written by the flush job."""
    value = cache.get(_pending_key("a", article_pk, timezone.localdate().isoformat()))
    return max(value or 0, 0)


def figures(site_pks: list[int], path: str | None = None, only: int | None = None) -> dict:
    """Online now, today, this week, this month and all time, summed over the given
    sites (a site and its subtree; `path` narrows the stored rows the same way, `only`
    to one unit's own)."""
    from news.models import SiteDay

    today = timezone.localdate()
    week = today - dt.timedelta(days=today.weekday())
    month = today.replace(day=1)
    rows = SiteDay.objects.all()
    rows = rows.filter(organization__path__startswith=path) if path is not None else rows
    rows = rows.filter(organization=only) if only is not None else rows
    stored = rows.aggregate(
        today=Sum("visitors", filter=Q(day=today), default=0),
        week=Sum("visitors", filter=Q(day__gte=week), default=0),
        month=Sum("visitors", filter=Q(day__gte=month), default=0),
        all=Sum("visitors", default=0),
    )
    minute = int(time.time() // 60)
    keys = [
        f"nq:on:{pk}:{m}" for pk in site_pks for m in range(minute - ONLINE_MINUTES + 1, minute + 1)
    ]
    days = [today - dt.timedelta(days=n) for n in range(2)]
    pending_keys = {_pending_key("s", pk, day.isoformat()): day for pk in site_pks for day in days}
    found = cache.get_many(keys + list(pending_keys))
    result = dict(stored)
    result["online"] = sum(max(found.get(k) or 0, 0) for k in keys)
    for key, day in pending_keys.items():
        n = max(found.get(key) or 0, 0)
        result["all"] += n
        result["today"] += n if day == today else 0
        result["week"] += n if day >= week else 0
        result["month"] += n if day >= month else 0
    return result
