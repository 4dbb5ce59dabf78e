"""The shipped rubric (published, version 1): the four areas of the reference's QA review."""

from django.db import migrations
from django.utils import timezone

from caredesk.qa.defaults import install_default_rubric


def install(apps, schema_editor):
    install_default_rubric(
        apps.get_model("qa", "Rubric"),
        apps.get_model("qa", "Section"),
        apps.get_model("qa", "Criterion"),
        timezone.now(),
    )


def remove(apps, schema_editor):
    apps.get_model("qa", "Rubric").objects.filter(version=1, reviews__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("qa", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
