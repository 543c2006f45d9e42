"""Writing many new rows of one model at once: COPY on PostgreSQL, `bulk_create` elsewhere.

An import of 100,000 members and as many audit entries spends most of its write time
building and binding multi-row INSERT statements; COPY streams the same rows in one
command. The primary keys are taken from the table's sequence first, so that the caller
gets them back exactly as `bulk_create` gives them.
"""

from collections.abc import Sequence

from django.db import connections, models
from django.db.models import AutoField

BATCH = 2_000


def bulk_insert(objs: Sequence[models.Model], using: str = "default") -> None:
    """Insert unsaved instances of one model; sets their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.using(using).bulk_create(objs, batch_size=BATCH)
        return
    opts = model._meta
    pk = opts.pk
    if isinstance(pk, AutoField) and any(obj.pk is None for obj in objs):
        ids = _next_ids(connection, opts.db_table, pk.column, len(objs))
        for obj, new_id in zip(objs, ids, strict=True):
            obj.pk = new_id
    fields = [field for field in opts.concrete_fields if not field.generated]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for obj in objs:
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


def _next_ids(connection, table: str, column: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [row[0] for row in cursor.fetchall()]
