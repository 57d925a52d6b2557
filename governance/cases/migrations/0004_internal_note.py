"""Internal notes on cases (issue 15); on PostgreSQL a trigger keeps them append-only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from governance.platform.append_only import append_only


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
        append_only("cases_internalnote", refusal="internal notes are append-only"),
    ]
