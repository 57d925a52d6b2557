"""Internal notes on cases (issue 15); on PostgreSQL a trigger keeps them append-only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION internal_note_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'internal notes are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER internal_note_append_only
    BEFORE UPDATE OR DELETE ON cases_internalnote
    FOR EACH ROW EXECUTE FUNCTION internal_note_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS internal_note_append_only ON cases_internalnote;
DROP FUNCTION IF EXISTS internal_note_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_rereview_trigger_peer_divergence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="InternalNote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("case_type", models.CharField(max_length=60)),
                ("case_id", models.PositiveBigIntegerField()),
                ("text", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
                "indexes": [
                    models.Index(fields=["case_type", "case_id", "created_at"], name="cases_inter_case_ty_7fe3a6_idx")
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
