"""The severity targets a fresh install starts with: the telehealth guide's Sev 1 (acknowledge
within 5 minutes, resolve within 60), then looser steps for Sev 2-4; a lead changes them."""

from django.db import migrations

TARGETS = [
    # severity, acknowledge, resolve (minutes), page on declare, stakeholder survey
    (1, 5, 60, True, True),
    (2, 15, 240, True, True),
    (3, 60, 1440, False, False),
    (4, 240, 4320, False, False),
]


def install(apps, schema_editor):
    SeverityTarget = apps.get_model("incidents", "SeverityTarget")
    for severity, ack, resolve, page, survey in TARGETS:
        SeverityTarget.objects.get_or_create(
            severity=severity,
            defaults={
                "acknowledge_minutes": ack,
                "resolve_minutes": resolve,
                "page": page,
                "stakeholder_survey": survey,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
