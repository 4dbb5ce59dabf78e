"""The shipped curricula (caredesk/training/defaults.py), on a fresh install too."""

from django.db import migrations

from caredesk.training.defaults import CURRICULA, install_curricula


def install(apps, schema_editor):
    install_curricula(
        apps.get_model("training", "Curriculum"), apps.get_model("training", "Module")
    )


def remove(apps, schema_editor):
    apps.get_model("training", "Curriculum").objects.filter(
        name__in=[c[0] for c in CURRICULA]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
