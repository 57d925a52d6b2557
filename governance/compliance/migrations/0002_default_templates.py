"""The default obligation templates of SPEC section 9 (editable data)."""

from django.db import migrations

from governance.compliance.defaults import install_default_templates


def forwards(apps, schema_editor):
    install_default_templates(apps.get_model("compliance", "ObligationTemplate"))


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
