"""Diacritic-insensitive full-text search on PostgreSQL.

`unaccent()` is only STABLE (it reads a dictionary that could change), so it cannot
appear in an index expression; the usual remedy is an IMMUTABLE wrapper that names
its dictionary explicitly. SQLite searches the folded column instead.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    CREATE OR REPLACE FUNCTION nq_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    """
    CREATE INDEX IF NOT EXISTS documents_document_fts ON documents_document
    USING gin (to_tsvector('simple'::regconfig, nq_unaccent(lower(search_text))))
    """,
]
DROP = [
    "DROP INDEX IF EXISTS documents_document_fts",
    "DROP FUNCTION IF EXISTS nq_unaccent(text)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
