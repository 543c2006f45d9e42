"""Writing many new rows of one model at once: COPY on PostgreSQL, `bulk_create` elsewhere.

An import of 100,000 members and as many audit entries spends most of its write time
building and binding multi-row INSERT statements; COPY streams the same rows in one
command. The primary keys are taken from the table's sequence first, so that the caller
gets them back exactly as `bulk_create` gives them.

`bulk_insert` takes model instances; `insert_rows` takes plain tuples, for writers of
so many rows that building an instance and preparing each field through Django costs
more than the database's own work.
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


# Types whose Python values the database driver takes as they are; others (JSON) are
# prepared by their field.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "GenericIPAddressField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    using: str = "default",
) -> list[int]:
    """Insert `rows` of stored values for the fields named in `columns` (a foreign key by
    its attname, `organization_id`) and return their new primary keys, in order.

    Nothing is derived or defaulted: every value the row needs, `auto_now_add` times
    included, is in the tuple."""
    if not rows:
        return []
    connection = connections[using]
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model._default_manager.using(using).bulk_create(objs, batch_size=BATCH)
        return [obj.pk for obj in objs]
    opts = model._meta
    fields = [opts.get_field(name) for name in columns]
    ids = _next_ids(connection, opts.db_table, opts.pk.column, len(rows))
    prepared = [
        (i, field) for i, field in enumerate(fields) if field.get_internal_type() not in _AS_IS
    ]
    names = [opts.pk.column, *(field.column for field in fields)]
    statement = (
        f"COPY {connection.ops.quote_name(opts.db_table)} "
        f"({', '.join(connection.ops.quote_name(name) for name in names)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for new_id, row in zip(ids, rows, strict=True):
            if prepared:
                row = list(row)
                for i, field in prepared:
                    row[i] = field.get_db_prep_save(row[i], connection)
            copy.write_row((new_id, *row))
    return ids


def bulk_set(objs: Sequence[models.Model], fields: Sequence[str], using: str = "default") -> None:
    """Write `fields` of stored instances of one model, each its own values: on
    PostgreSQL one `UPDATE … FROM (VALUES …)`, elsewhere `bulk_update`. What Django's
    `bulk_update` builds for this (a CASE per field with a WHEN per row) costs more
    CPU than the database's own work once the rows are in the hundreds."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.using(using).bulk_update(objs, fields, batch_size=BATCH)
        return
    opts = model._meta
    chosen = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    casts = [opts.pk.cast_db_type(connection), *(f.cast_db_type(connection) for f in chosen)]
    row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    names = ", ".join(quote(name) for name in ["pk", *(f.column for f in chosen)])
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in chosen)
    for start in range(0, len(objs), BATCH):
        part = objs[start : start + BATCH]
        params = []
        for obj in part:
            params.append(obj.pk)
            params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in chosen)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(opts.db_table)} AS t SET {assignments}"
                f" FROM (VALUES {', '.join([row] * len(part))}) AS v({names})"
                f" WHERE t.{quote(opts.pk.column)} = v.{quote('pk')}",
                params,
            )
