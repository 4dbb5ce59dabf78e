"""Critical never waits for Monday: level 1 and safety-flagged tickets on the 24/7 calendar
(see caredesk.sla.defaults.clinical_defaults)."""

from django.db import migrations

from caredesk.sla.defaults import clinical_defaults


def apply(apps, schema_editor):
    clinical_defaults(
        apps.get_model("sla", "Calendar"),
        apps.get_model("sla", "SlaPolicy"),
        apps.get_model("sla", "SlaTarget"),
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_clinical_calendar")]
    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]
