from django.db import migrations, models
from django.db.models import Count, Q


def rename_duplicates(apps, schema_editor):
    """Before the constraint: every benchmark but the first answering to a task name is
    renamed ``<external_id>~dup<pk>`` (and so no longer matches any import)."""
    Benchmark = apps.get_model("registry", "Benchmark")
    duplicated = (
        Benchmark.objects.exclude(external_id="")
        .values("external_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("external_id", flat=True)
    )
    for external_id in list(duplicated):
        for benchmark in Benchmark.objects.filter(external_id=external_id).order_by("pk")[1:]:
            suffix = f"~dup{benchmark.pk}"
            benchmark.external_id = external_id[: 200 - len(suffix)] + suffix
            benchmark.save(update_fields=["external_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_list_order_indexes"),
    ]

    operations = [
        migrations.RunPython(rename_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="benchmark",
            constraint=models.UniqueConstraint(
                condition=Q(("external_id", ""), _negated=True),
                fields=("external_id",),
                name="benchmark_external_id_unique",
                violation_error_message="Another benchmark already answers to this external_id.",
            ),
        ),
    ]
