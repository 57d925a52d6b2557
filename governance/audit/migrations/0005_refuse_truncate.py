"""On PostgreSQL, refuse TRUNCATE on the audit table too (SPEC section 12, issue 17 item 22).

TRUNCATE fires no row trigger, so the append-only trigger of 0002 never saw it: a statement
trigger does. SQLite has no TRUNCATE."""

from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_drop_hash_unique")]
    operations = [migrations.RunPython(forwards, backwards)]
