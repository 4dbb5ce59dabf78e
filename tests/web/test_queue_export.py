"""Exporting the queue as CSV: supervisors only, the filters the screen shows, no structured
health information, formulas neutralised, every ticket in the file audited before it leaves,
and a query count that does not grow with the tickets."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.tickets.models import Status
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    requester_with_login,
    signed_in,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(clock):
    person = supervisor(name="Noor Castellan")
    return person, signed_in(person)


def rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_a_supervisor_exports_what_the_filters_list(lead, clock):
    _person, client = lead
    team = TeamFactory(name="Devices")
    org = OrganizationFactory(name="Brookfield Clinic")
    kept = make_ticket(
        subject="Cuff shows E3",
        requester=ContactFactory(name="Ilse Marchetti", organization=org),
        team=team,
        structured={"patient_id": "PT-55120"},
    )
    make_ticket(subject="Billing question")  # another team: filtered out
    clock.advance(minutes=1)
    table = rows(client.get("/agent/export.csv", {"queue": "open", "team": team.pk}))
    assert table[0][:3] == ["Ticket", "Subject", "Status"]
    assert [r[0] for r in table[1:]] == [kept.ref]
    row = dict(zip(table[0], table[1], strict=True))
    assert row["Subject"] == "Cuff shows E3" and row["Team"] == "Devices"
    assert row["Requester"] == "Ilse Marchetti" and row["Organization"] == "Brookfield Clinic"
    assert "PT-55120" not in "".join(table[1])  # no structured health information


def test_every_exported_ticket_is_audited(lead, clock):
    person, client = lead
    tickets = [make_ticket(subject=f"Issue {n}") for n in range(3)]
    rows(client.get("/agent/export.csv", {"queue": "all"}))
    entries = AuditEntry.objects.filter(action=AuditAction.TICKET_EXPORTED)
    assert sorted(e.ticket_id for e in entries) == sorted(t.pk for t in tickets)
    assert {e.actor_id for e in entries} == {person.pk}
    assert "subject" in entries[0].fields


def test_cells_a_spreadsheet_would_run_are_neutralised(lead, clock):
    _person, client = lead
    make_ticket(subject='=HYPERLINK("http://evil.example","open")')
    table = rows(client.get("/agent/export.csv", {"queue": "all"}))
    assert table[1][1].startswith("'=HYPERLINK(")


def test_too_many_tickets_is_a_clear_refusal(lead, clock, settings):
    _person, client = lead
    settings.CAREDESK_EXPORT_MAX_ROWS = 2
    for n in range(3):
        make_ticket(subject=f"Issue {n}")
    response = client.get("/agent/export.csv", {"queue": "all"})
    assert response.status_code == 422
    assert "More than 2 tickets match these filters" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.TICKET_EXPORTED).exists()


def test_agents_and_requesters_cannot_export(clock):
    make_ticket(subject="Issue")
    agent = Client()
    login_verified(agent, AgentFactory())
    assert agent.get("/agent/export.csv").status_code == 403
    assert "Export these tickets" not in agent.get("/agent/").content.decode()
    requester = Client()
    login_verified(requester, requester_with_login().user)
    assert requester.get("/agent/export.csv").status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.TICKET_EXPORTED).exists()


def test_the_queue_offers_the_export_with_its_filters(lead, clock):
    _person, client = lead
    make_ticket(subject="Issue")
    page = client.get("/agent/", {"queue": "open", "status": Status.NEW}).content.decode()
    assert "Export these tickets (CSV)" in page
    assert "/agent/export.csv?queue=open&amp;status=new" in page


def test_the_export_costs_the_same_queries_for_few_or_many_tickets(lead, clock):
    _person, client = lead
    make_ticket(subject="First")
    client.get("/agent/export.csv", {"queue": "all"})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        rows(client.get("/agent/export.csv", {"queue": "all"}))
    for n in range(30):
        make_ticket(subject=f"More {n}", requester=ContactFactory())
    with CaptureQueriesContext(connection) as many:
        assert len(rows(client.get("/agent/export.csv", {"queue": "all"}))) == 32
    assert len(many.captured_queries) == len(few.captured_queries)
