"""Index the phone numbers contacts already have, so their calls find them."""

from django.conf import settings
from django.db import migrations


def index_numbers(apps, schema_editor):
    from caredesk.core.twilio import e164

    Contact = apps.get_model("accounts", "Contact")
    ContactPhone = apps.get_model("phone", "ContactPhone")
    rows, seen = [], set()
    for pk, phone in Contact.objects.exclude(phone="").order_by("pk").values_list("pk", "phone"):
        number = e164(phone, settings.CAREDESK_PHONE_COUNTRY_CODE)
        if number and number not in seen:
            seen.add(number)
            rows.append(ContactPhone(number=number, contact_id=pk, from_profile=True))
    ContactPhone.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("phone", "0001_initial"), ("accounts", "0002_team_email_team_on_call")]

    operations = [migrations.RunPython(index_numbers, migrations.RunPython.noop)]
