"""The default access conditions and attestations, and on PostgreSQL a trigger that keeps
the access register append-only (SPEC 21)."""

from django.db import migrations

from governance.access.defaults import install_defaults

CREATE = """
CREATE OR REPLACE FUNCTION access_register_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access register is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS access_register_append_only ON access_registerentry;
CREATE TRIGGER access_register_append_only
    BEFORE UPDATE OR DELETE ON access_registerentry
    FOR EACH ROW EXECUTE FUNCTION access_register_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS access_register_append_only ON access_registerentry;
DROP FUNCTION IF EXISTS access_register_append_only();
"""


def forwards(apps, schema_editor):
    install_defaults(apps.get_model("access", "AccessCondition"), apps.get_model("access", "Attestation"))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
