"""Every read of a ticket's health information and every change leaves an audit entry."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from caredesk.accounts.models import ContactKind
from caredesk.accounts.services import token_create
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.selectors import chain_verify
from caredesk.tickets.services import ticket_update
from tests.factories import (
    AgentFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    requester_with_login,
)

pytestmark = pytest.mark.django_db

PATIENT = "PX-55121-fake"


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def agent(team):
    return AgentFactory(teams=[team], name="Ilse Marwood")


@pytest.fixture
def ticket(team):
    requester = requester_with_login()
    return make_ticket(
        requester, team=team, subject="Sensor keeps dropping", structured={"patient_id": PATIENT}
    )


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_a_desk_ticket_page_view_is_recorded_with_who_what_and_where(agent, ticket) -> None:
    client = Client(HTTP_USER_AGENT="Firefox/140 test", REMOTE_ADDR="10.1.2.3")
    login_verified(client, agent)
    response = client.get(f"/agent/tickets/{ticket.pk}/", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 200
    [entry] = _entries(AuditAction.TICKET_VIEWED)
    assert (entry.actor_id, entry.actor_role) == (agent.pk, "Agent")
    assert (entry.object_type, entry.object_id, entry.ticket_id) == (
        "ticket",
        str(ticket.pk),
        ticket.pk,
    )
    assert entry.organization_id == ticket.organization_id
    assert (entry.ip, entry.user_agent, entry.request_id) == (
        "10.1.2.3",
        "Firefox/140 test",
        "req-42",
    )
    assert "patient_id" in entry.fields and "messages" in entry.fields


def test_a_ticket_opened_from_search_results_is_recorded_as_such(agent, ticket) -> None:
    client = Client()
    login_verified(client, agent)
    results = client.get("/agent/", {"q": "Sensor", "queue": "all"}).content.decode()
    link = f"/agent/tickets/{ticket.pk}/?from=search"
    assert link in results
    client.get(link)
    [entry] = _entries(AuditAction.TICKET_OPENED_FROM_SEARCH)
    assert entry.ticket_id == ticket.pk
    assert not _entries(AuditAction.TICKET_VIEWED)


def test_queue_links_without_a_search_carry_no_marker(agent, ticket) -> None:
    client = Client()
    login_verified(client, agent)
    assert "from=search" not in client.get("/agent/", {"queue": "all"}).content.decode()


def _api(user) -> Client:
    _token, secret = token_create(user=user, name="audit test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_api_reads_of_one_ticket_its_messages_and_a_list_are_recorded(agent, team) -> None:
    tickets = [make_ticket(team=team, subject=f"Pump alarm {n}") for n in range(3)]
    api = _api(agent)
    assert api.get(f"/api/v1/tickets/{tickets[0].pk}").status_code == 200
    assert api.get(f"/api/v1/tickets/by-ref/{tickets[1].ref}").status_code == 200
    assert api.get(f"/api/v1/tickets/{tickets[2].pk}/messages").status_code == 200
    assert api.get("/api/v1/tickets", {"queue": "all"}).status_code == 200
    reads = _entries(AuditAction.TICKET_READ_API)
    # three single reads, then one entry per ticket on the listed page
    assert [e.ticket_id for e in reads[:3]] == [t.pk for t in tickets]
    assert reads[2].fields == ["messages"]
    assert sorted(e.ticket_id for e in reads[3:]) == sorted(t.pk for t in tickets)
    assert len({e.request_id for e in reads[3:]}) == 1
    assert all(e.actor_id == agent.pk for e in reads)


def test_an_attachment_download_is_recorded(agent, team) -> None:
    api = _api(agent)
    requester = requester_with_login()
    ticket = make_ticket(requester, team=team)
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/messages",
        data={
            "kind": "internal",
            "body": "See the log",
            "attachments": [
                {
                    "filename": "pump.log",
                    "content_type": "text/plain",
                    "content_base64": base64.b64encode(b"alarm 3").decode(),
                }
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    att = response.json()["attachments"][0]
    assert api.get(att["url"]).status_code == 200
    [entry] = _entries(AuditAction.ATTACHMENT_DOWNLOADED)
    assert (entry.object_type, entry.object_id, entry.ticket_id) == (
        "attachment",
        str(att["id"]),
        ticket.pk,
    )


def test_a_change_records_the_fields_touched_never_their_values(agent, ticket) -> None:
    ticket_update(ticket=ticket, changes={"priority": 1, "tags": ["urgent-device"]}, actor=agent)
    [entry] = _entries(AuditAction.TICKET_CHANGED)
    assert entry.fields == ["priority", "tags"]
    assert entry.actor_id == agent.pk and entry.ticket_id == ticket.pk
    [opened] = _entries(AuditAction.TICKET_CREATED)
    assert opened.ticket_id == ticket.pk
    every_value = " ".join(str(v) for e in AuditEntry.objects.all() for v in e.__dict__.values())
    assert PATIENT not in every_value and "urgent-device" not in every_value
    assert "Sensor keeps dropping" not in every_value
    assert chain_verify().ok


def test_a_change_that_fails_leaves_no_audit_entry(agent, ticket) -> None:
    from caredesk.core.errors import DomainError

    before = AuditEntry.objects.count()
    with pytest.raises(DomainError):
        ticket_update(ticket=ticket, changes={"priority": 9}, actor=agent)
    assert AuditEntry.objects.count() == before


def test_a_reply_through_the_desk_is_recorded_as_a_change_with_the_request(agent, ticket) -> None:
    client = Client()
    login_verified(client, agent)
    response = client.post(
        f"/agent/tickets/{ticket.pk}/reply/",
        {"kind": "internal", "body": "Checked the pump logs."},
        headers={"X-Request-ID": "reply-1"},
    )
    assert response.status_code == 302
    [entry] = _entries(AuditAction.TICKET_CHANGED)
    assert entry.fields == ["messages"] and entry.request_id == "reply-1"


def test_a_client_admin_reading_a_colleagues_request_is_recorded_but_not_their_own() -> None:
    admin = requester_with_login(kind=ContactKind.CLIENT_ADMIN)
    colleague = requester_with_login(organization=admin.organization)
    theirs, own = make_ticket(colleague), make_ticket(admin)
    client = Client()
    login_verified(client, admin.user)
    assert client.get(f"/portal/tickets/{theirs.pk}/").status_code == 200
    assert client.get(f"/portal/tickets/{own.pk}/").status_code == 200
    assert [e.ticket_id for e in _entries(AuditAction.TICKET_VIEWED)] == [theirs.pk]


def test_role_changes_in_the_admin_site_are_recorded(team) -> None:
    boss = AgentFactory()
    boss.is_superuser = True
    boss.save()
    staff = AgentFactory(name="Oren Vastle")
    client = Client()
    login_verified(client, boss)
    supervisors = Group.objects.get(name="Supervisor")
    response = client.post(
        f"/admin/accounts/user/{staff.pk}/change/",
        {
            "email": staff.email,
            "name": staff.name,
            "timezone": staff.timezone,
            "is_active": "on",
            "is_staff": "on",
            "groups": [supervisors.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    [entry] = _entries(AuditAction.ACCOUNT_CHANGED)
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("user", str(staff.pk), boss.pk)
    assert "groups" in entry.fields


def test_a_ticket_shown_in_the_admin_site_is_recorded(ticket) -> None:
    boss = AgentFactory()
    boss.is_superuser = True
    boss.save()
    client = Client()
    login_verified(client, boss)
    assert client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").status_code == 200
    assert [e.ticket_id for e in _entries(AuditAction.TICKET_VIEWED)] == [ticket.pk]


def test_a_ticket_opened_by_mail_names_the_requester_by_role() -> None:
    from tests.factories import ContactFactory

    ticket = make_ticket(ContactFactory())  # no account, as for mail or the public form
    [opened] = _entries(AuditAction.TICKET_CREATED)
    assert (opened.ticket_id, opened.actor_id, opened.actor_role) == (ticket.pk, None, "requester")


def test_a_role_change_is_recorded_from_the_next_access_on(agent, ticket) -> None:
    from caredesk.compliance.audit import record

    assert record(action=AuditAction.TICKET_VIEWED, actor=agent).actor_role == "Agent"
    agent.groups.add(Group.objects.get(name="Supervisor"))
    assert record(action=AuditAction.TICKET_VIEWED, actor=agent).actor_role == "Agent, Supervisor"


def test_requesters_and_client_admins_are_named_by_role() -> None:
    from caredesk.compliance.audit import role_of

    patient = requester_with_login()
    admin = requester_with_login(kind=ContactKind.CLIENT_ADMIN)
    assert (role_of(patient.user), role_of(admin.user)) == ("requester", "client admin")
