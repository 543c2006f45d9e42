"""Whole-subtree totals: beside a per-unit counter (a unit's own members' figures), a row
per (scope, unit path) holds the sum over the unit and every unit below it, so a dashboard
reads the unit's row and its children's rows whatever the size of the tree.

The services add a change to the unit's row and each ancestor's in the same transaction
as the per-unit counter (`subtree_add`); `subtree_counted` and `subtree_store` recount the
rows from the per-unit counters, set-based, one grouped query per tree level. A move or a
closing changes which rows a unit counts into, so the apps register a recount of the
scopes touching a subtree (`subtree_recounts`) that the organisation services call.
"""

import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.functions import Substr

from organizations.models import Organization

_recounts: list[Callable[[Organization], int]] = []


def subtree_recounts(recount: Callable[[Organization], int]) -> Callable:
    """Register `recount(unit)`: recount every scope with counters in the unit's subtree
    (after a move or a closing); returns rows changed."""
    if recount not in _recounts:
        _recounts.append(recount)
    return recount


def subtree_recount_all(unit: Organization) -> int:
    return sum(recount(unit) for recount in _recounts)


def ancestor_paths(path: str) -> list[str]:
    """The path of every unit from the root down to the one at `path`, itself included."""
    step = Organization.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def subtree_add(model, scope: dict, changes: dict[str, Counter]) -> None:
    """Add each unit's counter changes (keyed by the unit's path) to its subtree row and to
    every ancestor's, in the caller's transaction.

    Every writer of a scope moves the scope's top rows, so writers of one scope take turns
    anyway: on PostgreSQL they queue on one advisory lock per (table, scope) before
    touching a row. Row locks alone cannot order them, because a row missing from one
    writer's snapshot is created (and locked) after the rows it already holds. Then one
    UPDATE per distinct change, so one unit's change costs a few statements at any depth
    (every ancestor moves by the same amounts)."""
    moved: dict[str, Counter] = defaultdict(Counter)
    for path, fields in changes.items():
        for prefix in ancestor_paths(path):
            moved[prefix].update(fields)
    moved = {path: fields for path, fields in moved.items() if any(fields.values())}
    if not moved:
        return
    _take_turn(model, scope)
    rows = model.objects.filter(path__in=moved, **scope)
    locked = set(rows.select_for_update().order_by("-path").values_list("path", flat=True))
    if len(locked) < len(moved):
        missing = [model(path=path, **scope) for path in sorted(set(moved) - locked)]
        model.objects.bulk_create(missing, ignore_conflicts=True)
        list(rows.select_for_update().order_by("-path").values_list("path", flat=True))
    alike: dict[tuple, list[str]] = defaultdict(list)
    for path, fields in moved.items():
        alike[tuple(sorted((name, n) for name, n in fields.items() if n))].append(path)
    for fields, paths in alike.items():
        model.objects.filter(path__in=paths, **scope).update(
            **{name: F(name) + n for name, n in fields}
        )


def _take_turn(model, scope: dict) -> None:
    """Wait for the other writers of this table's scope (its first key, e.g. the campaign)
    to commit. The one-number key space is apart from the two-number keys of the marks."""
    if connection.vendor != "postgresql":
        return  # SQLite serialises its writers already
    first = next(iter(scope.values()), 0)
    key = (zlib.crc32(model._meta.db_table.encode()) << 32 | (first & 0xFFFFFFFF)) - (1 << 63)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def subtree_counted(source: QuerySet, unit: str, scope: Iterable[str], **sums) -> dict:
    """`sums` of the per-unit rows of `source` for every (scope…, unit path) subtree that
    holds any, keyed by (*scope values, path). `unit` names the field that leads from a row
    to its organisation. One grouped query per tree level."""
    scope = list(scope)
    lead = f"{unit}__" if unit else ""  # "" when the rows are the units themselves
    counted: dict[tuple, dict] = {}
    depth = 1
    while True:
        length = depth * Organization.steplen
        rows = (
            source.filter(**{f"{lead}depth__gte": depth})
            .annotate(subtree_path=Substr(f"{lead}path", 1, length))
            .values(*scope, "subtree_path")
            .annotate(**sums)
            .order_by()
        )
        found = False
        for row in rows:
            found = True
            key = (*(row[name] for name in scope), row["subtree_path"])
            counted.setdefault(key, {}).update({name: row[name] or 0 for name in sums})
        if not found:
            return counted
        depth += 1


def subtree_store(stored: QuerySet, scope: Iterable[str], fields: Iterable[str], wanted) -> int:
    """Make the subtree rows of `stored` equal `wanted` ((*scope, path) -> field values, a
    missing field or key meaning zero); returns how many rows had to change."""
    model, scope, fields = stored.model, list(scope), list(fields)
    changed = 0
    seen = set()
    for row in stored:
        key = (*(getattr(row, name) for name in scope), row.path)
        seen.add(key)
        want = {name: wanted.get(key, {}).get(name, 0) for name in fields}
        if any(getattr(row, name) != value for name, value in want.items()):
            model.objects.filter(pk=row.pk).update(**want)
            changed += 1
    added = []
    for key, values in wanted.items():
        if key in seen or not any(values.values()):
            continue
        added.append(model(**dict(zip(scope, key[:-1], strict=True)), path=key[-1], **dict(values)))
    model.objects.bulk_create(added, batch_size=2000)
    return changed + len(added)
