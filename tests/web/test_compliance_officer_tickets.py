"""The compliance officer is staff (to reach the audit and governance screens) but works no
ticket: a ticket without a team, which every agent sees, stays "not found" for the role on the
desk, through the API and in live chat (tests/chat/test_consumers.py).

Roles are decided by their permissions, never by the account's staff flag."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.capabilities import (
    assignable_users,
    is_chat_agent,
    is_staff_member,
    may_be_assigned,
    works_tickets,
)
from caredesk.accounts.models import ApiToken
from caredesk.accounts.roles import ROLE_ADMIN, ROLE_COMPLIANCE
from caredesk.accounts.scopes import AUDIT_READ, TICKETS_READ, TICKETS_WRITE
from caredesk.accounts.services import service_account_create, token_create
from caredesk.tickets import selectors
from caredesk.tickets.models import Message, MessageKind
from tests.factories import AgentFactory, login_verified, make_ticket, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> Any:
    return AgentFactory(role=ROLE_COMPLIANCE, name="Hollis Verhoeven")


@pytest.fixture
def teamless() -> Any:
    ticket = make_ticket(subject="Pump alarm after the firmware update")
    assert ticket.team_id is None
    agent = AgentFactory(name="Amara Osei")
    from caredesk.tickets.services import Body, message_add

    message_add(
        ticket=ticket,
        kind=MessageKind.INTERNAL,
        body=Body(text="Clinical liaison says: check the occlusion sensor."),
        actor=agent,
    )
    return ticket


def _desk(user: Any) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_capabilities_follow_the_roles_permissions(officer):
    agent, lead = AgentFactory(), supervisor()
    service = service_account_create(name="Lab results feed", role="Agent")
    assert is_staff_member(officer) and not works_tickets(officer)
    assert not may_be_assigned(officer) and not is_chat_agent(officer)
    assert works_tickets(agent) and may_be_assigned(agent) and is_chat_agent(agent)
    assert works_tickets(lead) and may_be_assigned(lead)
    # an integration works tickets through the API but is never given one, nor a chat
    assert works_tickets(service) and not may_be_assigned(service)
    assert not is_chat_agent(service)
    # the staff flag alone decides nothing
    flag_only = AgentFactory(role=ROLE_COMPLIANCE)
    flag_only.groups.clear()
    assert flag_only.is_staff and not is_staff_member(flag_only)
    assert set(assignable_users()) == {agent, lead}


def test_the_desk_answers_not_found_on_a_ticket_without_a_team(officer, teamless):
    client = _desk(officer)
    assert client.get(f"/agent/tickets/{teamless.pk}/").status_code == 404
    # breaking the glass on it, with a good reason
    reason = {"reason": "Reviewing an access complaint from this patient."}
    assert client.post(f"/agent/tickets/{teamless.pk}/break-glass/", reason).status_code == 404
    # an internal note
    note = {"kind": "internal", "body": "Looked at by compliance."}
    assert client.post(f"/agent/tickets/{teamless.pk}/reply/", note).status_code == 404
    assert not Message.objects.filter(ticket=teamless, author_user=officer).exists()
    # the queue lists it for nobody but the people working tickets
    page = client.get("/agent/?queue=open")
    assert page.status_code == 200 and teamless.subject not in page.content.decode()
    assert not selectors.tickets_visible(officer).exists()
    # the new-ticket form is for agents
    assert client.get("/agent/tickets/new/").status_code == 403
    # while an agent of any team sees it (tickets without a team are everyone's)
    agent_page = _desk(AgentFactory()).get(f"/agent/tickets/{teamless.pk}/")
    assert agent_page.status_code == 200


def test_a_token_scope_never_lets_the_role_read_tickets(officer, teamless):
    """Scopes narrow, the role decides: even a token carrying the ticket scopes (given in the
    admin, say) reads no ticket, no message and posts no note for a compliance officer."""
    token, secret = token_create(user=officer, name="audit export", scopes=[AUDIT_READ])
    ApiToken.objects.filter(pk=token.pk).update(scopes=[TICKETS_READ, TICKETS_WRITE, AUDIT_READ])
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    listed = api.get("/api/v1/tickets", {"queue": "all"})
    assert listed.status_code == 200 and listed.json()["items"] == []
    assert api.get(f"/api/v1/tickets/{teamless.pk}").status_code == 404
    assert api.get(f"/api/v1/tickets/{teamless.pk}/messages").status_code == 404
    note = api.post(
        f"/api/v1/tickets/{teamless.pk}/messages",
        {"kind": "internal", "body": "Seen."},
        content_type="application/json",
    )
    assert note.status_code == 404
    assert api.get("/api/v1/audit").status_code == 200  # what the role is for


def test_internal_notes_are_for_those_who_work_tickets(teamless):
    """An administrator who configures (no view_phi) still works tickets and reads notes; a
    compliance officer's conversation view holds none."""
    admin = AgentFactory(role=ROLE_ADMIN)
    officer = AgentFactory(role=ROLE_COMPLIANCE)
    assert selectors.messages_for(user=admin, ticket=teamless).filter(kind="internal").exists()
    notes = selectors.messages_for(user=officer, ticket=teamless).filter(kind="internal")
    assert not notes.exists()
