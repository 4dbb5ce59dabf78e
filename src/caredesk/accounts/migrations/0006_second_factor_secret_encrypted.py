from django.db import migrations

import caredesk.core.phi


def encrypt_existing(apps, schema_editor):
    """Secrets saved before they were encrypted are sealed now (the field encrypts on save)."""
    for factor in apps.get_model("accounts", "SecondFactor").objects.all():
        factor.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_contact_date_of_birth"),
    ]

    operations = [
        migrations.AlterField(
            model_name="secondfactor",
            name="secret",
            field=caredesk.core.phi.EncryptedCharField(max_length=64),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
