"""The people in copy of a mail that opens a ticket receive its acknowledgement (never the
desk's own addresses); the desk's own addresses are kept per process, not read per mail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.models import Organization
from caredesk.core.outbox import outbox_deliver
from caredesk.intake.models import MailStatus
from caredesk.intake.services import mail_ingest, own_addresses
from caredesk.tickets.models import Mailbox, Ticket, TicketCC
from tests.factories import OrganizationFactory
from tests.intake.test_mail_ingest import mail

pytestmark = pytest.mark.django_db


def test_the_people_in_copy_receive_the_acknowledgement_but_never_our_own(smtp, clock, settings):
    settings.CAREDESK_OWN_ADDRESSES = ["help@caredesk.example"]
    Mailbox.objects.create(address="members@brightpath.example", name="Members", brand="bp")
    OrganizationFactory(mail_from="Willowmere <help@willowmere.example>")
    raw = mail(
        headers={
            "Cc": "Ruth Carer <ruth@family.example>, help@caredesk.example, "
            "members@brightpath.example, HELP@willowmere.example, "
            "support+t5-abc@caredesk.example, gp@clinic.example"
        }
    )
    assert mail_ingest(raw=raw).status == MailStatus.CREATED
    assert outbox_deliver() == 1
    (ack,) = smtp.parsed()
    ticket = Ticket.objects.get()
    assert ack["Subject"] == f"[{ticket.ref}] Received: Video visit keeps freezing"
    assert ack["To"] == "odette.larkin@patients.example"
    assert ack["Cc"] == "ruth@family.example, gp@clinic.example"
    (_sender, recipients, _raw) = smtp.messages[0]
    assert sorted(recipients) == [
        "gp@clinic.example",
        "odette.larkin@patients.example",
        "ruth@family.example",
    ]


def test_a_reply_with_new_people_in_copy_sends_no_acknowledgement(smtp, clock):
    mail_ingest(raw=mail())
    outbox_deliver()
    smtp.messages.clear()
    ticket = Ticket.objects.get()
    raw = mail(subject=f"Re: [{ticket.ref}] Video", headers={"Cc": "gp@clinic.example"})
    assert mail_ingest(raw=raw).status == MailStatus.APPENDED
    assert outbox_deliver() == 0 and smtp.messages == []
    assert TicketCC.objects.filter(ticket=ticket, email="gp@clinic.example").exists()


def test_own_addresses_follow_mailboxes_organizations_and_the_settings(clock, settings):
    assert "members@brightpath.example" not in own_addresses()
    box = Mailbox.objects.create(address="members@brightpath.example", name="M", brand="bp")
    assert "members@brightpath.example" in own_addresses()
    box.address = "team@brightpath.example"
    box.save()
    assert {"team@brightpath.example"} <= own_addresses()
    assert "members@brightpath.example" not in own_addresses()
    org = OrganizationFactory()
    org.mail_reply_to = "help@willowmere.example"
    org.save()
    assert "help@willowmere.example" in own_addresses()
    again = Organization.objects.only("name").get(pk=org.pk)
    again.name = "Renamed"
    again.save(update_fields=["name"])
    assert "help@willowmere.example" in own_addresses()
    Organization.objects.get(pk=org.pk).delete()
    assert "help@willowmere.example" not in own_addresses()
    settings.CAREDESK_OWN_ADDRESSES = ["desk@caredesk.example"]
    assert "desk@caredesk.example" in own_addresses()


def _whole_tables(queries: list[dict]) -> list[str]:
    """Reads of every organization's mail addresses or every mailbox's address."""
    return [
        q["sql"]
        for q in queries
        if " WHERE " not in q["sql"]
        and (
            ('"mail_reply_to"' in q["sql"] and '"mail_from"' in q["sql"])
            or q["sql"].startswith('SELECT "tickets_mailbox"."address" AS "address" FROM')
        )
    ]


def test_a_batch_of_mails_reads_the_desks_addresses_once(clock):
    for n in range(15):
        OrganizationFactory(mail_reply_to=f"help{n}@clinic{n}.example")
        Mailbox.objects.create(address=f"box{n}@brand{n}.example", name=f"B{n}", brand=f"b{n}")
    costs = []
    with CaptureQueriesContext(connection) as first:
        mail_ingest(raw=mail(subject="Mail 0", headers={"Cc": "gp@clinic.example"}))
    assert len(_whole_tables(first.captured_queries)) == 2  # loaded once: both tables
    for n in range(1, 6):
        with CaptureQueriesContext(connection) as later:
            mail_ingest(
                raw=mail(
                    sender=f"P{n} <p{n}@patients.example>",
                    subject=f"Mail {n}",
                    headers={"Cc": "gp@clinic.example"},
                )
            )
        assert _whole_tables(later.captured_queries) == []
        costs.append(len(later.captured_queries))
    assert len(set(costs)) == 1, costs  # every further mail costs the same
    assert Ticket.objects.count() == 6
