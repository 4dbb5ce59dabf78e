"""The reference chat hours as a calendar admins can edit: every day 08:00-22:00 Eastern."""

from django.db import migrations

NAME = "Live chat"


def create(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    if not Calendar.objects.filter(name=NAME).exists():
        Calendar.objects.create(
            name=NAME,
            timezone="America/New_York",
            weekly_hours={str(day): [["08:00", "22:00"]] for day in range(7)},
        )


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_initial"), ("sla", "0002_default_policies")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
