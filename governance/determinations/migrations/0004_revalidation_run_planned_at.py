from django.db import migrations, models


def mark_planned(apps, schema_editor):
    """Runs recorded before had their whole plan recorded at once, with their first chunk."""
    RevalidationRun = apps.get_model("determinations", "RevalidationRun")
    RevalidationRun.objects.filter(chunks__isnull=False).update(planned_at=models.F("started_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("determinations", "0003_revalidation_runs"),
    ]

    operations = [
        migrations.AddField(
            model_name="revalidationrun",
            name="planned_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When every chunk the run must write was recorded (chunks are sent before).",
                null=True,
            ),
        ),
        migrations.RunPython(mark_planned, migrations.RunPython.noop),
    ]
