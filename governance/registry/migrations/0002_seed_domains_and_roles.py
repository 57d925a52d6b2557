"""The six risk domains of SPEC section 2 (editable data) and the role groups."""

from django.db import migrations

DOMAINS = [
    ("bio", "Biological", True),
    ("chem", "Chemical", True),
    ("cyber", "Cyber-offense", True),
    ("nuclear", "Radiological and nuclear", True),
    ("autonomy", "Autonomy and self-replication", True),
    ("persuasion", "Persuasion and manipulation", False),
]
ROLES = ["regulator", "board", "compliance", "developer", "evaluator", "auditor"]


def forwards(apps, schema_editor):
    RiskDomain = apps.get_model("registry", "RiskDomain")
    Group = apps.get_model("auth", "Group")
    for slug, name, catastrophic in DOMAINS:
        RiskDomain.objects.get_or_create(slug=slug, defaults={"name": name, "catastrophic": catastrophic})
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
