"""Dashboard reads from a PostgreSQL replica, everything else from the primary.

A router cannot tell a dashboard's query from any other, so the dashboards say so: their
figures are computed inside `replica_reads()`. Every write, and every read outside that
block, goes to `default`. Without DASHBOARD_DATABASE (the default) nothing changes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block may be served by the replica, a few seconds behind."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = getattr(settings, "DASHBOARD_DATABASE", "")
        if alias and _replica_wanted.get():
            return alias
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
