"""A trigram index makes the diacritic-free name search an index scan on PostgreSQL.

SQLite has no such index; its folded column is scanned, which is fine at its scale.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS members_member_search_trgm "
    "ON members_member USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS members_member_search_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
