"""A trigram index lets the unit chooser's `LIKE '%…%'` on the folded name use an index on
PostgreSQL; SQLite scans the column, which is fine at its scale."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS organizations_organization_name_folded_trgm "
    "ON organizations_organization USING gin (name_folded gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS organizations_organization_name_folded_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("organizations", "0006_fill_organization_name_folded")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
