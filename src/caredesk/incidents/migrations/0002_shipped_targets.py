"""The severity targets a fresh install starts with (incidents/defaults.py)."""

from django.db import migrations

from caredesk.incidents.defaults import install_severity_targets


def install(apps, schema_editor):
    install_severity_targets(apps.get_model("incidents", "SeverityTarget"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
