"""On PostgreSQL the database itself refuses to change or delete an audit entry, so not
even a raw SQL statement from the application can rewrite the trail. TRUNCATE (a test
flush, a demo reset) fires no row trigger. SQLite relies on the model's refusal."""

from django.db import migrations

# No percent signs: the statements pass through the driver's parameter formatting.
INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'audit_auditentry is append-only: ' || TG_OP || ' refused',
            ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_entry_append_only
        BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()
    """,
]

REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_change()",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in INSTALL:
            schema_editor.execute(statement)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in REMOVE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fill_actor_name_and_unit")]

    operations = [migrations.RunPython(install, remove)]
