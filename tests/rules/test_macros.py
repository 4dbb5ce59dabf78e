"""Macros agents apply from the reply box: who keeps which, placeholders, applying one."""

from __future__ import annotations

import pytest

from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.rules.macros import (
    MacroIn,
    macro_apply,
    macro_get,
    macro_save,
    macro_set_active,
    macro_text,
    macros_for,
)
from caredesk.rules.models import Macro, MacroKind
from caredesk.rules.selectors import rules_snapshot
from caredesk.tickets.models import EventKind, Message, MessageKind, Status, TicketEvent
from tests.factories import AgentFactory, OrganizationFactory, make_ticket, requester_with_login
from tests.factories import supervisor as make_supervisor

pytestmark = pytest.mark.django_db

BODY = "Hello {{requester.first_name}}, {{agent.name}} here about {{ticket.reference}}."


@pytest.fixture
def agent():
    return AgentFactory(name="Ines Marlow")


@pytest.fixture
def lead():
    return make_supervisor(name="Ruth Calloway")


@pytest.fixture
def ticket():
    requester = requester_with_login(
        name="June Halloway", organization=OrganizationFactory(name="Willowmere Clinic")
    )
    return make_ticket(requester)


def test_agent_keeps_personal_macros_but_not_shared_ones(agent):
    mine = macro_save(macro=None, data=MacroIn(name="Thanks", body=BODY), actor=agent)
    assert mine.owner == agent and not mine.shared
    with pytest.raises(PermissionDenied):
        macro_save(macro=None, data=MacroIn(name="Desk", body=BODY, shared=True), actor=agent)


def test_support_lead_keeps_shared_macros_and_agents_cannot_change_them(agent, lead):
    shared = macro_save(macro=None, data=MacroIn(name="Desk", body=BODY, shared=True), actor=lead)
    assert shared.shared
    with pytest.raises(PermissionDenied):
        macro_save(macro=shared, data=MacroIn(name="Mine now", body=BODY), actor=agent)
    with pytest.raises(PermissionDenied):
        macro_set_active(macro=shared, active=False, actor=agent)


def test_someone_elses_personal_macro_is_invisible(agent, lead):
    theirs = macro_save(macro=None, data=MacroIn(name="Private", body=BODY), actor=lead)
    assert theirs not in macros_for(agent)
    with pytest.raises(NotFound):
        macro_get(user=agent, pk=theirs.pk)


def test_names_are_unique_per_owner_and_among_shared(agent, lead):
    macro_save(macro=None, data=MacroIn(name="Thanks", body=BODY), actor=agent)
    macro_save(macro=None, data=MacroIn(name="Thanks", body=BODY), actor=lead)  # another owner
    with pytest.raises(ValidationFailed) as exc:
        macro_save(macro=None, data=MacroIn(name=" Thanks ", body=BODY), actor=agent)
    assert "name" in exc.value.errors


def test_bad_input_is_refused_field_by_field(agent):
    with pytest.raises(ValidationFailed) as exc:
        macro_save(
            macro=None,
            data=MacroIn(name="", body=" ", kind="shout", set_status="new", set_priority=9),
            actor=agent,
        )
    assert set(exc.value.errors) == {"name", "body", "kind", "set_status", "set_priority"}


def test_placeholders_are_filled_from_the_ticket_and_the_agent(agent, ticket):
    macro = macro_save(macro=None, data=MacroIn(name="Hi", body=BODY), actor=agent)
    filled = macro_text(macro, ticket, agent)
    assert filled.text == f"Hello June, Ines Marlow here about {ticket.ref}."
    assert filled.unknown == ()


def test_applying_writes_the_message_and_one_event_per_change_and_counts_the_use(agent, ticket):
    macro = macro_save(
        macro=None,
        data=MacroIn(
            name="Waiting on you",
            body=BODY,
            set_status=Status.PENDING,
            set_priority=2,
            add_tags=("waiting", "Needs Logs"),
        ),
        actor=agent,
    )
    before = TicketEvent.objects.filter(ticket=ticket).count()
    applied = macro_apply(macro=macro, ticket=ticket, actor=agent)
    message = Message.objects.get(pk=applied.message_id)
    assert message.kind == MessageKind.PUBLIC and "Hello June" in message.body_text
    new = list(TicketEvent.objects.filter(ticket=ticket).order_by("id")[before:])
    kinds = [(e.kind, e.field) for e in new]
    assert (EventKind.MESSAGE_ADDED, "") in kinds
    assert kinds.count((EventKind.STATUS_CHANGED, "status")) == 1
    assert kinds.count((EventKind.FIELD_CHANGED, "priority")) == 1
    assert kinds.count((EventKind.TAGS_CHANGED, "tags")) == 1
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == (Status.PENDING, 2)
    assert sorted(t.name for t in ticket.tags.all()) == ["needs-logs", "waiting"]
    assert set(applied.changed) == {"status", "priority", "tags"}
    macro.refresh_from_db()
    assert macro.usage_count == 1 and macro.last_used_at is not None


def test_the_agents_edited_text_and_chosen_status_win(agent, ticket):
    macro = macro_save(
        macro=None, data=MacroIn(name="Solve", body=BODY, set_status="solved"), actor=agent
    )
    applied = macro_apply(
        macro=macro,
        ticket=ticket,
        actor=agent,
        body="My own words",
        kind=MessageKind.INTERNAL,
        status_after=Status.ON_HOLD,
    )
    message = Message.objects.get(pk=applied.message_id)
    assert (message.kind, message.body_text) == (MessageKind.INTERNAL, "My own words")
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_HOLD


def test_unknown_placeholders_stay_visible(agent, ticket):
    macro = macro_save(
        macro=None, data=MacroIn(name="Odd", body="Dear {{patient.nickname}}"), actor=agent
    )
    filled = macro_text(macro, ticket, agent)
    assert filled.unknown == ("patient.nickname",)
    assert "{{patient.nickname}}" in filled.text


def test_a_retired_or_foreign_macro_cannot_be_applied(agent, lead, ticket):
    theirs = macro_save(macro=None, data=MacroIn(name="Private", body=BODY), actor=lead)
    with pytest.raises(NotFound):
        macro_apply(macro=theirs, ticket=ticket, actor=agent)
    mine = macro_save(macro=None, data=MacroIn(name="Old", body=BODY), actor=agent)
    macro_set_active(macro=mine, active=False, actor=agent)
    with pytest.raises(NotFound):
        macro_apply(macro=mine, ticket=ticket, actor=agent)
    assert mine not in macros_for(agent)


def test_protocols_see_only_shared_macros(agent, lead):
    mine = macro_save(macro=None, data=MacroIn(name="Mine", body=BODY), actor=agent)
    shared = macro_save(
        macro=None,
        data=MacroIn(name="Desk", body=BODY, shared=True, kind=MacroKind.INTERNAL),
        actor=lead,
    )
    macros = rules_snapshot().macros
    assert shared.slug in macros and mine.slug not in macros
    assert Macro.objects.get(pk=shared.pk).kind == MacroKind.INTERNAL
