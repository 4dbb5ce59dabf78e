"""A new ticket by mail is acknowledged through a real SMTP peer: reference, expected response
time from the ticket's SLA, device questions when they are missing; per-organization sender."""

from __future__ import annotations

from email import message_from_bytes

import pytest
from django.core.exceptions import ValidationError

from caredesk.core.models import OutboxItem
from caredesk.core.outbox import outbox_deliver
from caredesk.intake.acknowledge import acknowledgement_text
from caredesk.intake.models import MailStatus
from caredesk.intake.services import mail_ingest
from caredesk.tickets.models import Priority, Ticket
from caredesk.tickets.services import Body, message_add
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    RequestFieldFactory,
    RequestTypeFactory,
    make_ticket,
)
from tests.intake.test_mail_ingest import mail

pytestmark = pytest.mark.django_db


def mails() -> list[dict]:
    return [i.payload for i in OutboxItem.objects.filter(kind="email").order_by("id")]


def test_a_new_mail_is_acknowledged_from_the_clients_own_sender_with_the_due_time(smtp, clock):
    OrganizationFactory(
        name="Willowmere Clinic",
        email_domain="willowmere.example",
        mail_from="Willowmere Support <help@willowmere.example>",
        mail_reply_to="help@willowmere.example",
    )
    sender = "Hattie Brook <hattie.brook@willowmere.example>"
    outcome = mail_ingest(raw=mail(sender=sender, subject="Portal will not load my results"))
    assert outcome.status == MailStatus.CREATED
    assert outbox_deliver() == 1
    (ack,) = smtp.parsed()
    ticket = Ticket.objects.get()
    assert ack["To"] == "hattie.brook@willowmere.example"
    assert ack["From"] == "Willowmere Support <help@willowmere.example>"
    assert ack["Subject"] == f"[{ticket.ref}] Received: Portal will not load my results"
    assert ack["Auto-Submitted"] == "auto-replied"  # a well-behaved responder will not answer
    assert ack["Reply-To"].startswith("help+t") and ack["Reply-To"].endswith("@willowmere.example")
    text = ack.get_content().replace("\r\n", "\n")
    # level 3, 4 business hours from Monday 09:00 Eastern
    assert "You will hear from us by Monday 2 November, 13:00 (America/New_York)." in text
    assert "serial number" not in text  # not a device problem
    # the requester answers the acknowledgement with a new subject: it still finds the ticket
    answer = message_from_bytes(mail(sender=sender, subject="one more thing"))
    answer.replace_header("To", ack["Reply-To"])
    outcome = mail_ingest(raw=answer.as_bytes())
    assert (outcome.status, outcome.ticket) == (MailStatus.APPENDED, ticket.ref)


def test_agent_replies_use_the_clients_sender_too(clock):
    org = OrganizationFactory(mail_from="Brackenfield Help <care@bracken.example>")
    ticket = make_ticket(ContactFactory(organization=org))
    message_add(
        ticket=ticket, kind="public", body=Body(text="Try again now."), actor=AgentFactory()
    )
    assert mails()[-1]["from"] == "Brackenfield Help <care@bracken.example>"
    plain = make_ticket(ContactFactory())
    message_add(ticket=plain, kind="public", body=Body(text="Done."), actor=AgentFactory())
    assert "from" not in mails()[-1]  # the desk's own DEFAULT_FROM_EMAIL


def test_an_urgent_ticket_tells_the_requester_to_call(settings, clock):
    ticket = make_ticket(priority=Priority.LEVEL1)
    text = acknowledgement_text(ticket, "The pump alarm keeps sounding.")
    assert f"call {settings.CAREDESK_SUPPORT_PHONE}" in text


@pytest.fixture
def device_type(db):
    kind = RequestTypeFactory(name="Device error", slug="device-error")
    RequestFieldFactory(request_type=kind, key="serial", label="Serial", maps_to="device_serial")
    return kind


def test_a_device_problem_is_asked_only_what_it_lacks(device_type, clock):
    bare = make_ticket(category=device_type, body="It stopped.")
    text = acknowledgement_text(bare, "It stopped.")
    assert "- the serial number" in text
    assert "- the purchase date" in text
    assert "- what the device does" in text

    full = (
        "My nebulizer stopped mid treatment yesterday evening and the amber light blinks three "
        "times. S/N: NB-20931-X, bought in March."
    )
    complete = make_ticket(category=device_type, body=full)
    text = acknowledgement_text(complete, full)
    assert "please reply with" not in text

    with_serial = make_ticket(
        category=device_type, structured={"device_serial": "NB-1"}, form_data={"purchase": ""}
    )
    text = acknowledgement_text(with_serial, "short")
    assert "- the serial number" not in text
    assert "- the purchase date" in text  # an empty answer is not an answer

    other = make_ticket(body="It stopped.")
    assert "please reply with" not in acknowledgement_text(other, "It stopped.")


def test_no_address_gets_more_than_five_acknowledgements_an_hour(clock):
    for n in range(7):
        mail_ingest(raw=mail(subject=f"Question {n}"))
    assert Ticket.objects.count() == 7
    assert len([m for m in mails() if "Received:" in m["subject"]]) == 5
    clock.advance(hours=1)
    mail_ingest(raw=mail(subject="Next hour"))
    assert len([m for m in mails() if "Received:" in m["subject"]]) == 6


def test_acknowledgements_can_be_turned_off(settings, clock):
    settings.CAREDESK_ACKNOWLEDGE = False
    mail_ingest(raw=mail())
    assert mails() == []


def test_an_organizations_sender_must_be_an_address():
    org = OrganizationFactory.build(name="Larkspur", mail_from="Larkspur support desk")
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "mail_from" in error.value.message_dict
    org.mail_from = "Larkspur Support <help@larkspur.example>"
    org.full_clean()
