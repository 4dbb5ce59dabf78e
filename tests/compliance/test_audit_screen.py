"""The compliance officer's screen: filters, pages at a constant cost, safe CSV, itself audited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_COMPLIANCE
from caredesk.compliance.audit import Access, record_many
from caredesk.compliance.csvsafe import safe_cell
from caredesk.compliance.models import AuditAction, AuditEntry
from tests.factories import AgentFactory, TeamFactory, login_verified, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return AgentFactory(role=ROLE_COMPLIANCE, name="Wren Halvorsen")


@pytest.fixture
def client(officer) -> Client:
    c = Client()
    login_verified(c, officer)
    return c


def _views(agent, tickets, action=AuditAction.TICKET_VIEWED) -> None:
    record_many(
        accesses=[Access(action, "ticket", t.pk, ticket_id=t.pk) for t in tickets], actor=agent
    )


def test_only_compliance_officers_see_the_screen_and_its_link(officer, client) -> None:
    assert 'href="/agent/compliance/audit/"' in client.get("/agent/").content.decode()
    agent = AgentFactory()
    other = Client()
    login_verified(other, agent)
    assert other.get("/agent/compliance/audit/").status_code == 403
    assert other.get("/agent/compliance/audit/export.csv").status_code == 403
    assert "compliance/audit" not in other.get("/agent/").content.decode()


def test_filter_by_person_patient_ticket_action_and_period(client, clock) -> None:
    team = TeamFactory()
    ana, ben = AgentFactory(name="Ana Quill", teams=[team]), AgentFactory(name="Ben Roark")
    t1 = make_ticket(team=team, structured={"patient_id": "PAT-881"})
    t2 = make_ticket(team=team, structured={"patient_id": "PAT-992"})
    _views(ana, [t1, t2])
    clock.advance(days=3)
    _views(ben, [t1], AuditAction.TICKET_OPENED_FROM_SEARCH)
    views = AuditAction.TICKET_VIEWED

    def found(**query) -> list[tuple[int | None, int | None, str]]:
        response = client.get("/agent/compliance/audit/", query)
        assert response.status_code == 200
        page = response.context["rows"]
        return [(r["entry"].actor_id, r["entry"].ticket_id, r["entry"].action) for r in page]

    assert found(person=ana.pk) == [(ana.pk, t2.pk, views), (ana.pk, t1.pk, views)]
    assert {e[1] for e in found(patient="PAT-881")} == {t1.pk}
    assert found(patient="PAT-000") == []
    assert {e[0] for e in found(ticket=t2.ref, action=views)} == {ana.pk}
    assert found(action=AuditAction.TICKET_OPENED_FROM_SEARCH) == [
        (ben.pk, t1.pk, AuditAction.TICKET_OPENED_FROM_SEARCH)
    ]
    today = clock.current.date()
    assert [e[0] for e in found(since=today.isoformat(), person=ben.pk)] == [ben.pk]
    earlier = (today - timedelta(days=1)).isoformat()
    assert {e[0] for e in found(until=earlier, action=views)} == {ana.pk}
    html = client.get("/agent/compliance/audit/", {"person": ana.pk}).content.decode()
    assert "Ana Quill" in html and t1.ref in html


def test_bad_filters_are_refused_with_messages_on_the_fields(client) -> None:
    response = client.get(
        "/agent/compliance/audit/",
        {"ticket": "not a ref", "since": "2026-02-10", "until": "2026-02-01"},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "ticket" in errors and "until" in errors
    assert client.get("/agent/compliance/audit/", {"cursor": "x!"}).status_code == 422


def test_viewing_the_audit_is_audited_without_the_patient_id(client, officer) -> None:
    client.get("/agent/compliance/audit/", {"patient": "PAT-4411", "action": "ticket.viewed"})
    entry = AuditEntry.objects.filter(action=AuditAction.AUDIT_VIEWED).get()
    assert entry.actor_id == officer.pk and entry.fields == ["action", "patient"]
    assert "PAT-4411" not in str(entry.__dict__)


def test_pages_cost_the_same_queries_at_any_size(
    client, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    agents = [AgentFactory() for _ in range(4)]
    team = TeamFactory()
    tickets = [make_ticket(team=team) for _ in range(3)]
    query = {"action": "ticket.viewed"}
    _views(agents[0], tickets)
    client.get("/agent/compliance/audit/")  # the officer's role is read once, then kept briefly
    with django_assert_max_num_queries(15) as small:
        assert len(client.get("/agent/compliance/audit/", query).context["rows"]) == 3
    for agent in agents * 20:
        _views(agent, tickets)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/agent/compliance/audit/", query)
    assert len(response.context["rows"]) == 50
    older = client.get("/agent/compliance/audit/" + response.context["next_url"])
    first_seq = response.context["rows"][-1]["entry"].seq
    assert older.context["rows"] and all(r["entry"].seq < first_seq for r in older.context["rows"])


def test_the_export_is_csv_with_formulas_neutralised_and_is_audited(client, officer) -> None:
    agent = AgentFactory(name='=HYPERLINK("http://evil.example")')
    record_many(
        accesses=[Access(AuditAction.PHI_UNMASKED, "ticket", 7, reason="+SUM(A1:A9)")],
        actor=agent,
    )
    response = client.get("/agent/compliance/audit/export.csv", {"action": "phi.unmasked"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["seq", "at_utc", "actor_id"]
    [row] = rows[1:]
    named = dict(zip(rows[0], row, strict=True))
    assert named["actor_name"] == '\'=HYPERLINK("http://evil.example")'
    assert named["reason"] == "'+SUM(A1:A9)"
    exported = AuditEntry.objects.filter(action=AuditAction.AUDIT_EXPORTED).get()
    assert exported.actor_id == officer.pk and exported.fields == ["action"]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+31 555", "'+31 555"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=x", "'\r=x"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (None, ""),
        (12, "12"),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(cell, safe) -> None:
    assert safe_cell(cell) == safe
