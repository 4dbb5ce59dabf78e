"""The ticket services: the only writers, each change with its event, in one transaction."""

from __future__ import annotations

import pytest
from django.core import mail

from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.models import OutboxItem
from caredesk.tickets.models import EventKind, Message, MessageKind, Status, Ticket, TicketEvent
from caredesk.tickets.services import (
    Body,
    NewTicket,
    Upload,
    message_add,
    ticket_open,
    ticket_update,
)
from tests.factories import (
    AgentFactory,
    ContactFactory,
    RequestTypeFactory,
    TeamFactory,
    make_ticket,
)

pytestmark = pytest.mark.django_db


def test_open_ticket_writes_row_first_message_and_created_event(clock):
    requester = ContactFactory()
    ticket = make_ticket(
        requester, subject="  Video   froze during consult ", body="Froze at 10:02."
    )
    assert ticket.subject == "Video froze during consult"
    assert ticket.status == Status.NEW and ticket.is_open
    assert ticket.organization == requester.organization
    assert ticket.created_at == clock.current
    assert ticket.ref == f"CD-{ticket.pk + 1000}"
    msg = ticket.messages.get()
    assert msg.kind == MessageKind.PUBLIC and msg.author_contact == requester
    assert msg.body_html == "<p>Froze at 10:02.</p>"
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.MESSAGE_ADDED]


def test_category_routes_to_its_default_team():
    team = TeamFactory(slug="tier-2")
    rtype = RequestTypeFactory(default_team=team)
    ticket = make_ticket(category=rtype)
    assert ticket.team == team


def test_invalid_ticket_names_each_field_and_writes_nothing():
    requester = ContactFactory()
    with pytest.raises(ValidationFailed) as err:
        ticket_open(
            data=NewTicket(
                requester=requester, subject=" ", priority=9, structured={"patient_id": "x" * 65}
            ),
            actor=requester,
        )
    assert set(err.value.errors) == {"subject", "priority", "patient_id"}
    assert Ticket.objects.count() == 0 and TicketEvent.objects.count() == 0


def test_html_body_is_sanitized_before_it_is_stored():
    requester = ContactFactory()
    ticket = ticket_open(
        data=NewTicket(
            requester=requester,
            subject="Script",
            body=Body(
                html='<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:evil()">l</a></p>'
            ),
        ),
        actor=requester,
    )
    html = ticket.messages.get().body_html
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert "Hi" in html


def test_first_public_agent_reply_sets_first_response_and_opens(clock):
    agent = AgentFactory()
    ticket = make_ticket()
    clock.advance(minutes=30)
    message_add(
        ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text="checking logs"), actor=agent
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is None, "an internal note is not a response"
    clock.advance(minutes=10)
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="Please restart the app."),
        actor=agent,
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at == clock.current
    assert ticket.status == Status.OPEN
    first = ticket.first_response_at
    clock.advance(minutes=10)
    message_add(ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="Any luck?"), actor=agent)
    ticket.refresh_from_db()
    assert ticket.first_response_at == first, "later replies do not move the first response"


def test_agent_reply_queues_one_email_to_the_requester(django_capture_on_commit_callbacks):
    agent = AgentFactory()
    ticket = make_ticket(ContactFactory(email="pat@patients.example"))
    with django_capture_on_commit_callbacks(execute=True):
        message_add(
            ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="Fixed now."), actor=agent
        )
    assert OutboxItem.objects.get().status == "sent"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["pat@patients.example"]
    assert sent.subject == f"[{ticket.ref}] {ticket.subject}"
    assert "Fixed now." in sent.body


def test_internal_note_never_emails_the_requester(django_capture_on_commit_callbacks):
    agent = AgentFactory()
    ticket = make_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        message_add(ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text="secret"), actor=agent)
    assert mail.outbox == [] and OutboxItem.objects.count() == 0


def test_requester_cannot_write_internal_notes():
    requester = ContactFactory()
    ticket = make_ticket(requester)
    with pytest.raises(ValidationFailed) as err:
        message_add(ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text="x"), actor=requester)
    assert "kind" in err.value.errors


def test_requester_reply_reopens_pending_and_solved(clock):
    agent = AgentFactory()
    requester = ContactFactory()
    ticket = make_ticket(requester)
    ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=agent)
    ticket.refresh_from_db()
    assert ticket.solved_at == clock.current and not ticket.is_open
    message_add(
        ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="Still broken"), actor=requester
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.is_open and ticket.solved_at is None


def test_closed_ticket_refuses_replies_and_reopening():
    agent = AgentFactory()
    ticket = make_ticket()
    ticket_update(ticket=ticket, changes={"status": Status.CLOSED}, actor=agent)
    with pytest.raises(Conflict):
        message_add(ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="hello?"), actor=agent)
    with pytest.raises(Conflict):
        ticket_update(ticket=ticket, changes={"status": Status.OPEN}, actor=agent)
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_update_writes_one_event_per_changed_field_with_old_and_new():
    agent = AgentFactory()
    team = TeamFactory()
    ticket = make_ticket()
    ticket_update(
        ticket=ticket,
        changes={
            "priority": 1,
            "team": team,
            "assignee": agent,
            "tags": ["Urgent", "video"],
            "status": "new",
        },
        actor=agent,
    )
    events = {e.field: e for e in ticket.events.exclude(field="")}
    assert events["priority"].old == 3 and events["priority"].new == 1
    assert events["team"].new == team.pk
    assert events["assignee"].kind == EventKind.ASSIGNED and events["assignee"].new == agent.pk
    assert events["tags"].new == ["urgent", "video"]
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN, "assigning a new ticket opens it"
    assert events["status"].new == "open"
    # unchanged values write nothing
    before = ticket.events.count()
    ticket_update(ticket=ticket, changes={"priority": 1, "team": team}, actor=agent)
    assert ticket.events.count() == before


def test_only_active_agents_can_be_assigned():
    agent = AgentFactory()
    ticket = make_ticket()
    outsider = ContactFactory()
    with pytest.raises(ValidationFailed) as err:
        ticket_update(
            ticket=ticket,
            changes={
                "assignee": agent.__class__.objects.create_user(email=outsider.email, name="x")
            },
            actor=agent,
        )
    assert "assignee" in err.value.errors


def test_status_cannot_go_back_to_new():
    agent = AgentFactory()
    ticket = make_ticket()
    ticket_update(ticket=ticket, changes={"status": "open"}, actor=agent)
    with pytest.raises(ValidationFailed):
        ticket_update(ticket=ticket, changes={"status": "new"}, actor=agent)


def test_ticket_events_are_append_only():
    ticket = make_ticket()
    event = ticket.events.first()
    event.data = {"forged": True}
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_attachments_stored_under_random_names_within_limits(settings):
    settings.CAREDESK_MAX_ATTACHMENT_BYTES = 1000
    requester = ContactFactory()
    ticket = ticket_open(
        data=NewTicket(
            requester=requester,
            subject="Photo",
            uploads=(
                Upload(
                    filename="../../etc/passwd.png",
                    content_type="image/png",
                    data=b"\x89PNG" + b"0" * 10,
                ),
            ),
        ),
        actor=requester,
    )
    att = ticket.attachments.get()
    assert att.filename == "passwd.png"
    assert "passwd" not in att.file.name and att.size == 14
    with pytest.raises(ValidationFailed) as err:
        message_add(
            ticket=ticket,
            kind="public",
            body=Body(text="big"),
            actor=requester,
            uploads=(Upload(filename="big.pdf", content_type="application/pdf", data=b"x" * 1001),),
        )
    assert "attachments" in err.value.errors
    with pytest.raises(ValidationFailed):
        message_add(
            ticket=ticket,
            kind="public",
            body=Body(text="exe"),
            actor=requester,
            uploads=(
                Upload(filename="run.exe", content_type="application/x-msdownload", data=b"MZ"),
            ),
        )
    assert ticket.messages.count() == 1
