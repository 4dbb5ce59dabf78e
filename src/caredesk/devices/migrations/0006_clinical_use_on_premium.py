"""Devices in active clinical use get the 24/7 path: the shipped Premium policy (around the
clock) also matches a ticket naming a unit in active clinical use. A policy an administrator
renamed or whose plans were changed is left alone."""

from django.db import migrations

from caredesk.sla.defaults import CLINICAL_USE, SHIPPED_NAMES


def apply(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")  # noqa: N806
    policy = SlaPolicy.objects.filter(name=SHIPPED_NAMES[0]).first()
    if policy is None or policy.plans != ["premium"]:
        return
    policy.plans = ["premium", CLINICAL_USE]
    policy.save(update_fields=["plans"])


class Migration(migrations.Migration):
    dependencies = [("devices", "0005_rma"), ("sla", "0005_rma_clocks")]
    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]
