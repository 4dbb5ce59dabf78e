"""Mailboxes: a ticket remembers the address it arrived on, its replies go out from that
address, and policies scoped to a mailbox or a brand run side by side without capturing each
other's tickets. Mail comes from a real IMAP server and replies leave through a real SMTP peer
(both on 127.0.0.1)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.test import Client

from caredesk.accounts.models import Contact, ContactKind, Team, User
from caredesk.core.outbox import outbox_deliver
from caredesk.intake.imap import Mailbox as ImapMailbox
from caredesk.intake.imap import poll
from caredesk.intake.services import mail_ingest
from caredesk.rules.models import Policy
from caredesk.rules.policies import policy_data, policy_save
from caredesk.tickets.models import Mailbox, Ticket
from caredesk.tickets.services import Body, message_add
from caredesk.tickets.services.mailboxes import MailboxIn, mailbox_save
from tests.factories import (
    AgentFactory,
    ContactFactory,
    TeamFactory,
    login_verified,
    make_ticket,
)

pytestmark = pytest.mark.django_db
TUESDAY_10_AM_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
DEVICE = "support@pulsewave-devices.example"
MEMBERS = "members@harbor-members.example"


def letter(sender: str, to: str, subject: str, body: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="patients.example")
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def admin() -> User:
    user = User.objects.create(email="ines.admin@caredesk.example", name="Ines", is_staff=True)
    user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def desk(clock):
    """The demo's teams and people with the shipped protocols, and two brands' mailboxes."""
    from caredesk.demo import demo_load

    clock.set(TUESDAY_10_AM_NEW_YORK)
    demo_load(tickets=0)
    clock.set(TUESDAY_10_AM_NEW_YORK)
    keeper = admin()
    mailbox_save(
        mailbox=None,
        data=MailboxIn(
            address=DEVICE, name="PulseWave Device Support", brand="pulsewave", is_default=True
        ),
        actor=keeper,
    )
    mailbox_save(
        mailbox=None,
        data=MailboxIn(
            address=MEMBERS.upper(),  # stored in lower case
            name="Harbor Member Services",
            brand="member-services",
            team=Team.objects.get(slug="tier-1"),
            signature="Harbor Member Services · 1-800-555-0199",
        ),
        actor=keeper,
    )
    return keeper


def rescope(slug: str, scope: dict, actor: User) -> None:
    policy = Policy.objects.get(slug=slug)
    data = {**policy_data(policy), "scope": scope}
    policy_save(data=data, actor=actor, policy=policy, note="scoped to its mailbox")


def test_two_brands_policies_side_by_side_neither_captures_the_others_mail(desk, imap_server, smtp):
    # the health-software pipeline takes every mail to the device maker's support address
    # (whoever writes); member services governs its own brand's addresses
    rescope("technical-pipeline", {"mailboxes": [DEVICE]}, desk)
    rescope("member-services", {"brands": ["member-services"]}, desk)
    member = Contact.objects.filter(kind=ContactKind.PATIENT, email__isnull=False).first()
    imap_server.deliver(
        letter(member.email, MEMBERS, "Cancel my membership", "Please cancel my membership."),
        letter(member.email, DEVICE, "Pump will not pair", "The pump does not pair any more."),
    )
    poll(ImapMailbox.from_url(imap_server.url))
    cancel = Ticket.objects.select_related("team", "received_via").get(
        subject="Cancel my membership"
    )
    device = Ticket.objects.select_related("team", "received_via").get(subject="Pump will not pair")
    # the member's cancellation stays in Tier 1: the technical pipeline never saw it
    assert cancel.received_via.address == MEMBERS
    assert (cancel.team.slug, cancel.tier, cancel.category, cancel.assignee) == (
        "tier-1",
        1,
        None,
        None,
    )
    # mail to the device maker's address opens a technical ticket, whoever sent it
    assert device.received_via.address == DEVICE
    assert (device.category.slug, device.team.slug) == ("technical-issue", "tier-2")
    assert device.assignee.email == "tomas.varga@caredesk.example"
    # each acknowledgement goes out from the address the mail came in on
    outbox_deliver()
    sent = {m["Subject"]: m for m in smtp.parsed()}
    ack_cancel = sent[f"[{cancel.ref}] Received: Cancel my membership"]
    ack_device = sent[f"[{device.ref}] Received: Pump will not pair"]
    assert ack_cancel["From"] == f"Harbor Member Services <{MEMBERS}>"
    assert ack_cancel["Reply-To"].startswith("members+t")
    assert ack_cancel["Reply-To"].endswith("@harbor-members.example")
    assert "Harbor Member Services · 1-800-555-0199" in ack_cancel.get_content()
    assert ack_device["From"] == f"PulseWave Device Support <{DEVICE}>"
    assert "pulsewave" not in str(ack_cancel).lower()


def test_an_agents_reply_goes_out_from_the_tickets_mailbox_and_its_answer_finds_the_ticket(
    desk, smtp
):
    member = Contact.objects.filter(kind=ContactKind.PATIENT, email__isnull=False).first()
    before = Ticket.objects.count()  # the demo's own (a renewal outreach, say)
    mail_ingest(raw=letter(member.email, MEMBERS, "Change of address", "I moved."))
    ticket = Ticket.objects.get(subject="Change of address")
    outbox_deliver()
    smtp.messages.clear()
    agent = User.objects.get(email="amara.osei@caredesk.example")
    message_add(ticket=ticket, kind="public", body=Body(text="Updated."), actor=agent)
    outbox_deliver()
    (reply,) = smtp.parsed()
    assert reply["From"] == f"Harbor Member Services <{MEMBERS}>"
    answer = letter(member.email, reply["Reply-To"], "thanks", "Thank you!")
    assert mail_ingest(raw=answer).ticket == ticket.ref
    assert Ticket.objects.count() == before + 1  # the answer opened no ticket of its own
    # the agent sees where it came in
    client = Client()
    login_verified(client, agent)
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert f"via Email to {MEMBERS}" in page


def test_the_delivered_to_address_and_a_tagged_address_find_their_mailbox(desk):
    sender = "Rosa Imbert <rosa.imbert@patients.example>"
    # written to the device maker, with member services in Bcc: delivered to member services
    bcc = letter(sender, "someone@elsewhere.example", "Bcc", "Hi", Delivered_To=MEMBERS)
    tagged = letter(sender, "Members <members+billing@harbor-members.example>", "Tagged", "Hi")
    for raw in (bcc, tagged):
        mail_ingest(raw=raw)
    mailed = Ticket.objects.filter(subject__in=["Bcc", "Tagged"])
    boxes = dict(mailed.values_list("subject", "received_via__address"))
    assert boxes == {"Bcc": MEMBERS, "Tagged": MEMBERS}


def test_mail_to_an_unknown_or_inactive_address_and_portal_tickets_belong_to_the_default_brand(
    desk, clock
):
    members = Mailbox.objects.get(address=MEMBERS)
    members.active = False
    members.save()
    sender = "Rosa Imbert <rosa.imbert@patients.example>"
    mail_ingest(raw=letter(sender, MEMBERS, "Inactive", "Hi"))
    mail_ingest(raw=letter(sender, "help@unknown.example", "Unknown", "Hi"))
    assert set(Ticket.objects.values_list("received_via", flat=True)) == {None}
    portal = make_ticket(ContactFactory(email="walk.in@patients.example"))
    message_add(ticket=portal, kind="public", body=Body(text="Hello."), actor=AgentFactory())
    from caredesk.core.models import OutboxItem

    last = OutboxItem.objects.filter(kind="email").latest("id").payload
    assert last["from"] == f"PulseWave Device Support <{DEVICE}>"


def test_a_mailboxs_team_is_where_its_new_tickets_start(clock):
    team = TeamFactory(slug="intake-east")
    mailbox_save(
        mailbox=None,
        data=MailboxIn(address="east@clinic.example", name="East", brand="east", team=team),
        actor=admin(),
    )
    mail_ingest(raw=letter("a@patients.example", "east@clinic.example", "Hello", "Hi"))
    assert Ticket.objects.get().team == team
