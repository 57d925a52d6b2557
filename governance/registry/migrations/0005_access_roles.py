"""The role groups of the access gate (SPEC 1 and 21)."""

from django.db import migrations

ROLES = ["requester", "institution_verifier", "host"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_access_gate_roles_hosts_and_tokens")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
