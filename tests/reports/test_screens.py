"""The Reports screen: whose figures each person sees, filters, drill-down and query counts."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.reports import rollup
from caredesk.tickets.services import Body, message_add, ticket_update
from tests.devices.conftest import catalogue  # noqa: F401 - the fixture
from tests.factories import AgentFactory, TeamFactory, make_ticket, signed_in, supervisor

pytestmark = pytest.mark.django_db


def _solve(ticket: Any, agent: Any, replies: int = 1) -> None:
    for _ in range(replies):
        message_add(ticket=ticket, kind="public", body=Body(text="Try this."), actor=agent)
    ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)


@pytest.fixture
def desk(clock: Any) -> dict[str, Any]:
    team_a, team_b = TeamFactory(name="Video Visits"), TeamFactory(name="Devices")
    ana = AgentFactory(teams=[team_a], name="Ana Pereira")
    ben = AgentFactory(teams=[team_b], name="Ben Ortiz")
    lead = supervisor(teams=[team_a, team_b])
    mine = [make_ticket(team=team_a, assignee=ana) for _ in range(3)]
    theirs = [make_ticket(team=team_b, assignee=ben) for _ in range(2)]
    clock.advance(minutes=30)
    _solve(mine[0], ana)  # first contact
    _solve(mine[1], ana, replies=3)  # not first contact
    _solve(theirs[0], ben)
    rollup.advance()
    return {"ana": ana, "ben": ben, "lead": lead, "mine": mine, "theirs": theirs, "team_b": team_b}


def _kpi(html: str, label: str) -> str:
    found = re.search(rf"{label}</p>\s*<p class=\"rp-kpi-value\">(?:<a [^>]*>)?([^<]+)<", html)
    assert found, label
    return found.group(1).strip()


def test_an_agent_sees_their_own_figures_only(desk: dict[str, Any]) -> None:
    client = signed_in(desk["ana"])
    # asking for another agent's figures changes nothing
    response = client.get("/agent/reports/", {"agent": desk["ben"].pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "My figures" in html
    assert _kpi(html, "First-contact resolution") == "50.0 %"  # 1 of Ana's 2 solves
    assert 'name="agent"' not in html  # no choosing someone else
    assert "Top " not in html  # the customers' table is the leads'


def test_a_lead_sees_the_desk_with_a_breakdown_and_the_top_customers(desk: dict[str, Any]) -> None:
    client = signed_in(desk["lead"])
    html = client.get("/agent/reports/", {"by": "agent"}).content.decode()
    assert _kpi(html, "First-contact resolution") == "66.7 %"  # 2 of 3 solves
    assert "Ana Pereira" in html and "Ben Ortiz" in html
    assert "customers by volume" in html
    narrowed = client.get("/agent/reports/", {"team": desk["team_b"].pk}).content.decode()
    assert _kpi(narrowed, "First-contact resolution") == "100.0 %"


def test_a_figure_opens_on_its_tickets_as_far_as_the_viewer_sees_them(
    desk: dict[str, Any],
) -> None:
    lead = signed_in(desk["lead"])
    html = lead.get("/agent/reports/tickets/", {"metric": "fcr"}).content.decode()
    for t in (desk["mine"][0], desk["theirs"][0]):
        assert t.ref in html
    assert desk["mine"][1].ref not in html
    # Ana's own figure lists her tickets; another team's ticket she cannot see is counted apart
    ana = signed_in(desk["ana"])
    html = ana.get("/agent/reports/tickets/", {"metric": "created"}).content.decode()
    assert all(t.ref in html for t in desk["mine"])
    assert not any(t.ref in html for t in desk["theirs"])
    assert lead.get("/agent/reports/tickets/", {"metric": "nonsense"}).status_code == 404


def test_a_bad_period_is_refused_with_the_fields_message(desk: dict[str, Any]) -> None:
    client = signed_in(desk["lead"])
    response = client.get(
        "/agent/reports/", {"period": "custom", "start": "2026-11-05", "end": "2026-11-01"}
    )
    assert response.status_code == 422
    assert "The end comes before the start." in response.content.decode()
    response = client.get("/agent/reports/", {"start": "not a date"})
    assert response.status_code == 422


def test_the_dashboard_costs_the_same_queries_however_many_tickets(
    desk: dict[str, Any], clock: Any
) -> None:
    client = signed_in(desk["lead"])
    client.get("/agent/reports/", {"by": "team"})
    with CaptureQueriesContext(connection) as few:
        client.get("/agent/reports/", {"by": "team"})
    for _ in range(12):
        clock.advance(hours=7)
        _solve(make_ticket(team=desk["team_b"], assignee=desk["ben"]), desk["ben"])
    rollup.advance()
    client = signed_in(desk["lead"])  # hours later: a new sign-in
    client.get("/agent/reports/", {"by": "team"})
    with CaptureQueriesContext(connection) as many:
        assert client.get("/agent/reports/", {"by": "team"}).status_code == 200
    assert len(many) == len(few)
    # the figures never read the ticket table (the sidebar's capped queue counts do)
    reads = [q["sql"] for q in many.captured_queries if "tickets_ticket" in q["sql"]]
    assert all("LIMIT 1000" in sql for sql in reads)


def test_satisfaction_counts_the_surveys_sent_in_the_period(
    desk: dict[str, Any], clock: Any
) -> None:
    from caredesk.feedback.models import Kind, State, Survey

    for i, (ticket, score) in enumerate(
        zip(desk["mine"][:2] + desk["theirs"][:1], [5, 2, 4], strict=True)
    ):
        Survey.objects.create(
            kind=Kind.CSAT,
            state=State.SENT,
            token=f"screen-survey-{i}",
            ticket=ticket,
            contact=ticket.requester,
            due_at=clock(),
            sent_at=clock(),
            agent=ticket.assignee,
            team=ticket.team,
            score=score,
            answered_at=clock(),
            first_answered_at=clock(),
        )
    lead = signed_in(desk["lead"]).get("/agent/reports/").content.decode()
    assert _kpi(lead, "Satisfaction \\(CSAT\\)") == "66.7 %"  # 2 of 3 answers were 4 or 5
    ana = signed_in(desk["ana"]).get("/agent/reports/").content.decode()
    assert _kpi(ana, "Satisfaction \\(CSAT\\)") == "50.0 %"  # her own two
    by_level = signed_in(desk["lead"]).get("/agent/reports/", {"level": 3}).content.decode()
    assert _kpi(by_level, "Satisfaction \\(CSAT\\)") == "–"  # surveys know no level


def test_an_account_manager_sees_their_clients_figures_and_no_one_elses(
    desk: dict[str, Any],
) -> None:
    from tests.factories import OrganizationFactory

    ben = desk["ben"]
    client_org = desk["mine"][0].organization  # Ana's tickets' clinic, managed by Ben
    client_org.account_manager = ben
    client_org.save()
    other = OrganizationFactory(name="Not His Clinic")
    client = signed_in(ben)
    own = client.get("/agent/reports/").content.decode()
    assert "My figures" in own and "Figures of" in own and "Not His Clinic" not in own
    html = client.get("/agent/reports/", {"organization": client_org.pk}).content.decode()
    assert f"<h1>{client_org.name}</h1>" in html
    assert _kpi(html, "First-contact resolution") == "100.0 %"  # Ana's first-contact solve
    refused = client.get("/agent/reports/", {"organization": other.pk})
    assert refused.status_code == 422  # not one of his clients: his own figures instead
    assert "My figures" in refused.content.decode()
    # an agent who manages no client has no such choice
    assert "Figures of" not in signed_in(desk["ana"]).get("/agent/reports/").content.decode()


def test_handle_time_and_time_to_acknowledge_are_the_desks(
    desk: dict[str, Any], clock: Any
) -> None:
    from datetime import timedelta

    from caredesk.oncall.models import Page
    from caredesk.phone.models import Call

    now = clock()
    for i, seconds in enumerate([240, 420, None]):  # the unanswered call has no handle time
        Call.objects.create(
            call_sid=f"CA-screen-{i}", handle_seconds=seconds, created_at=now, updated_at=now
        )
    Page.objects.create(
        team=desk["team_b"], text="Pump alarm", code="PG1", created_at=now,
        acknowledged_at=now + timedelta(minutes=3),
    )  # fmt: skip
    client = signed_in(desk["lead"])
    html = client.get("/agent/reports/").content.decode()
    assert _kpi(html, "Average handle time \\(phone\\)") == "5.5 min"  # (4 + 7) / 2
    assert _kpi(html, "Time to acknowledge a page") == "3.0 min"
    narrowed = client.get("/agent/reports/", {"team": desk["team_b"].pk}).content.decode()
    assert "Average handle time" not in narrowed  # calls know no team
    assert _kpi(narrowed, "Time to acknowledge a page") == "3.0 min"
    other_team = client.get("/agent/reports/", {"team": desk["mine"][0].team_id}).content.decode()
    assert _kpi(other_team, "Time to acknowledge a page") == "–"


def test_the_plan_filter_counts_the_organizations_on_that_plan(desk: dict[str, Any]) -> None:
    premium = desk["theirs"][0].organization
    premium.plan = "premium"
    premium.save()
    client = signed_in(desk["lead"])
    html = client.get("/agent/reports/", {"plan": "premium"}).content.decode()
    assert _kpi(html, "First-contact resolution") == "100.0 %"  # Ben's one solve there
    listed = client.get("/agent/reports/tickets/", {"metric": "created", "plan": "premium"})
    assert desk["theirs"][0].ref in listed.content.decode()
    assert desk["mine"][0].ref not in listed.content.decode()


def test_the_most_read_articles_of_the_period(desk: dict[str, Any]) -> None:
    from django.test import Client

    from caredesk.accounts.roles import ROLE_QUALITY
    from caredesk.knowledge import services as kb
    from tests.factories import AgentFactory
    from tests.knowledge.test_articles import _data

    author, reviewer = desk["lead"], AgentFactory(role=ROLE_QUALITY)
    article = kb.article_create(data=_data(title="Reset the visit camera"), actor=author)
    kb.article_submit(article=article, actor=author)
    kb.article_publish(article=article, actor=reviewer)
    article.refresh_from_db()
    for _ in range(3):
        Client().get(f"/help/articles/{article.slug}/")  # three readers
    html = signed_in(desk["lead"]).get("/agent/reports/").content.decode()
    assert "Most read articles" in html
    row = re.search(r"Reset the visit camera</a></th><td class=\"num\">(\d+)<", html)
    assert row and row.group(1) == "3"


def test_nps_of_the_quarter_and_plan_churn_over_twelve_months(
    desk: dict[str, Any],
    clock: Any,
    catalogue: Any,  # noqa: F811 - the fixture
) -> None:
    from datetime import UTC, datetime

    from caredesk.devices.plans import contract_cancel, contract_create
    from caredesk.feedback.models import Kind, State, Survey
    from tests.devices.test_plans import new, units

    clock.set(datetime(2026, 11, 20, 10, tzinfo=UTC))
    org = desk["mine"][0].organization
    for i, score in enumerate([10, 9, 8, 3]):  # 2 promoters, 1 passive, 1 detractor: NPS 25
        Survey.objects.create(
            kind=Kind.NPS, state=State.SENT, token=f"nps-screen-{i}", quarter="2026-Q4",
            contact=desk["mine"][0].requester, organization=org, due_at=clock(), sent_at=clock(),
            score=score, answered_at=clock(), first_answered_at=clock(),
        )  # fmt: skip
    kept = contract_create(
        data=new(org, units(catalogue["PX-200"], org, 1, "K"), starts_on=date(2025, 10, 1)),
        actor=None,
    )
    lost = contract_create(
        data=new(org, units(catalogue["PX-200"], org, 1, "L"), starts_on=date(2025, 10, 1)),
        actor=None,
    )
    contract_cancel(contract=lost, reason="price", actor=None, on=date(2026, 3, 1))
    assert kept.status == "active"
    html = signed_in(desk["lead"]).get("/agent/reports/").content.decode()
    assert _kpi(html, "Net Promoter Score") == "25"
    assert _kpi(html, "Plan churn \\(yearly\\)") == "50.0 %"  # one of the two held a year ago
    narrowed = signed_in(desk["lead"]).get("/agent/reports/", {"team": desk["team_b"].pk})
    assert "Net Promoter Score" not in narrowed.content.decode()  # surveys know no team


def test_beyond_two_hundred_organizations_the_filter_is_a_search(desk: dict[str, Any]) -> None:
    from caredesk.accounts.models import Organization
    from caredesk.reports.forms import LIST_AT_MOST
    from tests.factories import OrganizationFactory

    OrganizationFactory.create_batch(LIST_AT_MOST)
    clinic = desk["theirs"][0].organization
    client = signed_in(desk["lead"])
    html = client.get("/agent/reports/").content.decode()
    assert '<select name="organization"' not in html  # no dropdown of hundreds
    assert 'list="rp-organizations"' in html and '<datalist id="rp-organizations">' in html
    # typing part of a name suggests it, with its number to tell it apart
    part = clinic.name[3:].lower()
    options = client.get("/agent/reports/organizations/", {"organization": part}).content.decode()
    assert options.startswith(f'<option value="{clinic.name} (#{clinic.pk})">')
    assert options.count("<option") <= 20
    # a suggestion, an exact name (any case) or a dashboard link's number all narrow the figures
    for typed in (f"{clinic.name} (#{clinic.pk})", clinic.name.upper(), str(clinic.pk)):
        page = client.get("/agent/reports/", {"organization": typed})
        assert page.status_code == 200
        assert f'value="{clinic.name}"' in page.content.decode()  # shown by its name
        assert _kpi(page.content.decode(), "First-contact resolution") == "100.0 %"  # Ben's one
    refused = client.get("/agent/reports/", {"organization": "No Such Clinic"})
    assert refused.status_code == 422
    assert "No organization is called “No Such Clinic”" in refused.content.decode()
    # an account manager is offered their clients only
    desk["ben"].user_permissions.clear()
    managed = Organization.objects.exclude(pk=clinic.pk).first()
    assert managed is not None
    managed.account_manager = desk["ben"]
    managed.save()
    ben = signed_in(desk["ben"])
    mine = ben.get("/agent/reports/organizations/", {"organization": managed.name}).content
    assert managed.name in mine.decode()
    assert (
        clinic.name
        not in ben.get(
            "/agent/reports/organizations/", {"organization": clinic.name}
        ).content.decode()
    )
