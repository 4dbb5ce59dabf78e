"""Mail and the people in copy: To/Cc addresses become CCs (never our own mailboxes), an account
manager writing for a client makes the client the requester, and a reply to a merged ticket
continues on the ticket it was merged into."""

from __future__ import annotations

from email import message_from_bytes

import pytest

from caredesk.core.models import OutboxItem
from caredesk.core.outbox import outbox_deliver
from caredesk.intake.models import MailStatus
from caredesk.intake.services import mail_ingest
from caredesk.tickets.models import EventKind, Message, MessageKind, Ticket, TicketCC
from caredesk.tickets.services import Body, message_add
from caredesk.tickets.services.merge import ticket_merge
from tests.factories import AgentFactory, ContactFactory, OrganizationFactory, make_ticket
from tests.intake.test_mail_ingest import mail

pytestmark = pytest.mark.django_db


def _ccs(ticket: Ticket) -> list[str]:
    return sorted(TicketCC.objects.filter(ticket=ticket).values_list("email", flat=True))


def test_addresses_in_to_and_cc_become_ccs_but_not_our_mailboxes(clock, settings):
    settings.CAREDESK_OWN_ADDRESSES = ["help@caredesk.example"]
    raw = mail(
        headers={
            "Cc": "Ruth Carer <ruth@family.example>, help@caredesk.example, "
            "support+t5-abc@caredesk.example, Odette.Larkin@patients.example"
        }
    )
    assert mail_ingest(raw=raw).status == MailStatus.CREATED
    ticket = Ticket.objects.get()
    assert _ccs(ticket) == ["ruth@family.example"]
    assert TicketCC.objects.get().name == "Ruth Carer"
    assert ticket.events.filter(kind=EventKind.CC_ADDED).count() == 1


def test_a_reply_adds_new_people_in_copy_to_the_existing_ticket(clock):
    requester = ContactFactory(email="odette.larkin@patients.example")
    ticket = make_ticket(requester=requester, subject="Video visit keeps freezing")
    raw = mail(subject=f"Re: [{ticket.ref}] Video", headers={"Cc": "gp@clinic.example"})
    assert mail_ingest(raw=raw).status == MailStatus.APPENDED
    assert _ccs(ticket) == ["gp@clinic.example"]


def test_at_most_twenty_people_are_put_in_copy_from_one_mail(clock):
    many = ", ".join(f"p{n}@family.example" for n in range(30))
    mail_ingest(raw=mail(headers={"Cc": many}))
    assert len(_ccs(Ticket.objects.get())) == 20


def test_an_account_manager_writing_with_the_client_in_copy_opens_the_clients_ticket(clock):
    manager = AgentFactory(email="mara.quint@caredesk.example", name="Mara Quint")
    org = OrganizationFactory(name="Harbourside Clinic", account_manager=manager)
    client = ContactFactory(email="lead@harbourside.example", organization=org)
    raw = mail(
        sender="Mara Quint <mara.quint@caredesk.example>",
        subject="Harbourside cannot print prescriptions",
        headers={"Cc": "Lead <lead@harbourside.example>, it@harbourside.example"},
    )
    assert mail_ingest(raw=raw).status == MailStatus.CREATED
    ticket = Ticket.objects.get()
    assert ticket.requester == client and ticket.organization == org
    assert list(ticket.followers.all()) == [manager]
    assert _ccs(ticket) == ["it@harbourside.example"]  # not the requester, not the manager
    assert Message.objects.get(ticket=ticket).author_user == manager
    assert not ticket.requester.email.startswith("mara")


def test_someone_else_writing_with_a_contact_in_copy_stays_the_requester(clock):
    manager = AgentFactory()
    org = OrganizationFactory(account_manager=manager)
    ContactFactory(email="lead@harbourside.example", organization=org)
    other_agent = AgentFactory(email="someone@caredesk.example")
    raw = mail(sender=other_agent.email, headers={"Cc": "lead@harbourside.example"})
    mail_ingest(raw=raw)
    ticket = Ticket.objects.get()
    assert ticket.requester.email == other_agent.email
    assert _ccs(ticket) == ["lead@harbourside.example"]


def test_a_reply_to_a_merged_ticket_continues_on_the_ticket_it_was_merged_into(clock, smtp):
    org = OrganizationFactory()
    agent = AgentFactory()
    target = make_ticket(requester=ContactFactory(organization=org))
    requester = ContactFactory(organization=org, email="odette.larkin@patients.example")
    source = make_ticket(requester=requester, subject="Video visit keeps freezing")
    message_add(ticket=source, kind=MessageKind.PUBLIC, body=Body(text="Which app?"), actor=agent)
    OutboxItem.objects.all().delete()
    ticket_merge(source=source, into=target, actor=agent)
    assert outbox_deliver() == 1
    (notice,) = smtp.parsed()
    assert f"joined with {target.ref}" in notice.get_content()
    answer = message_from_bytes(mail(subject="Re: merged", body="The desktop app."))
    answer.replace_header("To", notice["Reply-To"])
    answer["In-Reply-To"] = notice["Message-ID"]
    outcome = mail_ingest(raw=answer.as_bytes())
    assert outcome.status == MailStatus.APPENDED and outcome.ticket == target.ref
    assert Message.objects.filter(ticket=target, body_text="The desktop app.").exists()
