"""Gated categories go only to certified agents: assigning (one, in bulk, by the protocols, by
the API) refuses or skips the others, and an uncertified agent's public replies are held."""

from __future__ import annotations

import pytest

from caredesk.accounts.roles import ROLE_SUPERVISOR
from caredesk.core.errors import ValidationFailed
from caredesk.rules.policies import policy_save
from caredesk.tickets.models import Message, MessageKind
from caredesk.tickets.services import Body, message_add, ticket_update
from caredesk.tickets.services.bulk import BulkChanges, tickets_bulk_update
from caredesk.training.models import HeldReply
from caredesk.training.services import held_reply_return, held_reply_send
from tests.factories import AgentFactory, ContactFactory, make_ticket
from tests.training.conftest import certify

pytestmark = pytest.mark.django_db


def test_an_uncertified_agent_cannot_be_given_a_gated_ticket(clock, gated):
    ticket = make_ticket(category=gated["category"], team=gated["team"])
    with pytest.raises(ValidationFailed) as refused:
        ticket_update(ticket=ticket, changes={"assignee": gated["novice"]}, actor=gated["novice"])
    assert refused.value.errors["assignee"] == [
        "Needs the Infusion pumps certification; Elio Marsh has none."
    ]
    done = ticket_update(
        ticket=ticket, changes={"assignee": gated["certified"]}, actor=gated["certified"]
    )
    assert done.assignee == gated["certified"]


def test_an_expired_certification_names_its_date(clock, gated):
    certify(gated["novice"], gated["skill"])
    clock.advance(days=366)
    ticket = make_ticket(category=gated["category"])
    with pytest.raises(ValidationFailed) as refused:
        ticket_update(ticket=ticket, changes={"assignee": gated["novice"]}, actor=gated["novice"])
    assert "Elio Marsh's expired on" in refused.value.errors["assignee"][0]


def test_ungated_categories_go_to_anyone(clock, gated):
    ticket = make_ticket()
    done = ticket_update(ticket=ticket, changes={"assignee": gated["novice"]}, actor=None)
    assert done.assignee == gated["novice"]


def test_bulk_assign_refuses_the_gated_tickets_only(clock, gated):
    lead = AgentFactory(role=ROLE_SUPERVISOR)
    gated_ticket = make_ticket(category=gated["category"])
    other = make_ticket()
    results = tickets_bulk_update(
        ticket_ids=[gated_ticket.pk, other.pk],
        changes=BulkChanges(assignee=gated["novice"]),
        actor=lead,
    )
    assert [r.outcome for r in results] == ["refused", "changed"]
    assert "Needs the Infusion pumps certification" in results[0].reason


def route_pumps_to_the_team() -> None:
    """A protocol assigning pump faults to the pump team (whose first member may be anyone)."""
    policy_save(
        data={
            "name": "Pumps to the pump team",
            "rules": [
                {
                    "name": "assign",
                    "when": {"field": "category", "op": "eq", "value": "pump-fault"},
                    "actions": [{"type": "set_assignee", "assignee": "team:pumps"}],
                }
            ],
        },
        actor=None,
    )


def test_the_protocols_skip_uncertified_agents(clock, gated):
    route_pumps_to_the_team()
    for _ in range(3):
        ticket = make_ticket(category=gated["category"])
        ticket.refresh_from_db()
        assert ticket.assignee == gated["certified"]


def test_nobody_is_assigned_when_no_one_is_certified(clock, gated):
    gated["certified"].certifications.all().delete()
    route_pumps_to_the_team()
    ticket = make_ticket(category=gated["category"])
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_an_uncertified_agents_reply_is_held_until_approved(clock, gated):
    ticket = make_ticket(ContactFactory(email="ria@patients.example"), category=gated["category"])
    held = message_add(
        ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="Try a new line set."),
        actor=gated["novice"],
    )  # fmt: skip
    assert held.kind == MessageKind.INTERNAL
    mine = Message.objects.filter(ticket=ticket, author_user=gated["novice"])
    assert not mine.filter(kind=MessageKind.PUBLIC).exists()  # nothing reached the requester
    row = HeldReply.objects.get(message=held)
    assert "Elio Marsh has none" in row.reason
    held_reply_send(held=row, actor=gated["certified"])
    assert mine.get(kind=MessageKind.PUBLIC).body_text == "Try a new line set."
    row.refresh_from_db()
    assert row.state == HeldReply.State.SENT and row.decided_by == gated["certified"]


def test_a_returned_reply_never_reaches_the_requester(clock, gated):
    ticket = make_ticket(category=gated["category"])
    held = message_add(
        ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="Reset it."), actor=gated["novice"]
    )
    row = HeldReply.objects.get(message=held)
    with pytest.raises(ValidationFailed):
        held_reply_return(held=row, actor=gated["certified"], note="")
    held_reply_return(held=row, actor=gated["certified"], note="Ask for the serial first.")
    assert not Message.objects.filter(ticket=ticket, author_user=gated["novice"], kind="public")
    row.refresh_from_db()
    assert row.state == HeldReply.State.RETURNED


def test_a_certified_agents_reply_goes_out_at_once(clock, gated):
    ticket = make_ticket(category=gated["category"])
    sent = message_add(
        ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="On it."), actor=gated["certified"]
    )
    assert sent.kind == MessageKind.PUBLIC and not HeldReply.objects.exists()


def test_a_gated_ticket_is_not_opened_for_an_uncertified_assignee(clock, gated):
    with pytest.raises(ValidationFailed) as refused:
        make_ticket(category=gated["category"], assignee=gated["novice"])
    assert "Needs the Infusion pumps certification" in refused.value.errors["assignee"][0]
    assert make_ticket(category=gated["category"], assignee=gated["certified"]).assignee_id


def test_a_live_chat_line_is_never_held_it_is_refused(clock, gated, settings):
    """A held reply cannot be said in a live chat: the line is refused, nothing is written."""
    from caredesk.chat import services as chat
    from caredesk.core.errors import Conflict
    from tests.chat.conftest import ORIGIN, start_chat

    settings.CAREDESK_CHAT_ORIGINS = [ORIGIN]
    chat.availability_set(agent=gated["novice"], available=True)
    session = chat.session_for_token(start_chat())
    chat.visitor_say(session_id=session.pk, client_id="v1", text="My pump beeps", files=[])
    session = chat.chat_accept(session_id=session.pk, agent=gated["novice"])
    ticket_update(ticket=session.ticket, changes={"category": gated["category"]}, actor=None)
    with pytest.raises(Conflict):
        chat.agent_say(
            session_id=session.pk, agent=gated["novice"], client_id="a1", text="Hi", files=[]
        )
    assert not HeldReply.objects.exists()
    assert not Message.objects.filter(ticket=session.ticket, author_user=gated["novice"])
