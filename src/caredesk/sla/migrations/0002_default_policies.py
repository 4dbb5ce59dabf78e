"""Install the reference SLA defaults (see caredesk.sla.defaults)."""

from django.db import migrations

from caredesk.sla.defaults import install_defaults


def create(apps, schema_editor):
    install_defaults(
        apps.get_model("sla", "Calendar"),
        apps.get_model("sla", "SlaPolicy"),
        apps.get_model("sla", "SlaTarget"),
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
