"""The shipped feedback settings: surveys 24 hours after solving, on every channel and request
type, links valid for 30 days, NPS to 20 contacts per organization each quarter."""

from django.db import migrations


def install(apps, schema_editor):
    apps.get_model("feedback", "FeedbackSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
