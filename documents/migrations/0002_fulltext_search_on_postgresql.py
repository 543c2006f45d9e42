"""Diacritic-insensitive full-text search on PostgreSQL.

`unaccent()` is only STABLE (it reads a dictionary that could change), so it cannot
appear in an index or a generated column; the usual remedy is an IMMUTABLE wrapper that
names its dictionary explicitly. The tsvector is a stored generated column, so ranking
reads it instead of re-parsing every matching text. SQLite searches the folded column.
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
    ALTER TABLE documents_document ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, nq_unaccent(lower(search_text))))
    STORED
    """,
    "CREATE INDEX documents_document_fts ON documents_document USING gin (search_vector)",
]
DROP = [
    "DROP INDEX IF EXISTS documents_document_fts",
    "ALTER TABLE documents_document DROP COLUMN IF EXISTS search_vector",
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
