"""Encrypt the patient, clinician and encounter IDs written before encryption, fill their blind
indexes, and encrypt their values in the change history."""

from django.db import migrations

PHI_FIELDS = ("patient_id", "clinician_id", "encounter_id")
BATCH = 500


def _plain(value):
    from caredesk.core.phi_crypto import is_token

    return bool(value) and not is_token(value)


def encrypt_existing(apps, schema_editor):
    from caredesk.core.phi import PhiText

    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    fields = [*PHI_FIELDS, *(f"{f}_index" for f in PHI_FIELDS)]
    # Rows are read raw (the field would hand back plaintext either way) and written back
    # through the field, which encrypts; pre_save fills each blind index.
    batch = []
    for ticket in _with_values(Ticket):
        batch.append(ticket)
        if len(batch) >= BATCH:
            Ticket.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        Ticket.objects.bulk_update(batch, fields)
    for event in TicketEvent.objects.filter(field__in=PHI_FIELDS).iterator(chunk_size=BATCH):
        old = PhiText(event.old) if _plain(event.old) else event.old
        new = PhiText(event.new) if _plain(event.new) else event.new
        if old is not event.old or new is not event.new:
            TicketEvent.objects.filter(pk=event.pk).update(old=old, new=new)


def _with_values(Ticket):
    """Tickets with any PHI field set and not yet encrypted, with their indexes computed."""
    from caredesk.core.phi import index_of

    for ticket in Ticket.objects.only("pk", *PHI_FIELDS).iterator(chunk_size=BATCH):
        values = {f: getattr(ticket, f) for f in PHI_FIELDS}
        if not any(_plain(v) for v in values.values()):
            continue
        for name, value in values.items():
            setattr(ticket, f"{name}_index", index_of(Ticket, name, value))
        yield ticket


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_phi_encryption")]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
