"""SLA over the API: state on ticket JSON, policies and calendars, achievement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.accounts.services import token_create
from caredesk.sla.models import Calendar, SlaClock, SlaPolicy
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    make_ticket,
    requester_with_login,
)

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _token, secret = token_create(user=user, name="sla tests")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_ticket_json_carries_sla_state_and_due_instants(clock):
    agent = AgentFactory()
    ticket = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=1
    )
    data = api(agent).get(f"/api/v1/tickets/{ticket.pk}").json()
    assert data["sla"]["due_at"].startswith("2026-11-02T15:00:00")
    clocks = {c["metric"]: c for c in data["sla"]["clocks"]}
    assert clocks["first_response"]["state"] == "ok"
    assert clocks["first_response"]["target_minutes"] == 60
    assert clocks["resolution"]["due_at"].startswith("2026-11-03T14:00:00")
    clock.advance(hours=2)
    data = api(agent).get(f"/api/v1/tickets/{ticket.pk}").json()
    fr = next(c for c in data["sla"]["clocks"] if c["metric"] == "first_response")
    assert fr["state"] == "breached" and fr["remaining_seconds"] == -3600


def test_list_can_sort_by_due_and_show_breaching_soon(clock):
    agent = AgentFactory()
    premium = OrganizationFactory(plan="premium")
    low = make_ticket(ContactFactory(organization=premium), priority=4)
    high = make_ticket(ContactFactory(organization=premium), priority=1)
    client = api(agent)
    ids = [t["id"] for t in client.get("/api/v1/tickets?sort=due").json()["items"]]
    assert ids == [high.pk, low.pk]
    soon = [t["id"] for t in client.get("/api/v1/tickets?queue=breaching").json()["items"]]
    assert soon == [high.pk]


def test_admin_creates_a_policy_that_applies_to_open_tickets(
    clock, django_capture_on_commit_callbacks
):
    admin = AgentFactory(role=ROLE_ADMIN)
    org = OrganizationFactory(name="Thornbury Dialysis")
    ticket = make_ticket(ContactFactory(organization=org), priority=2)
    always = Calendar.objects.get(name="24/7")
    body = {
        "name": "Thornbury contract",
        "position": 1,
        "organizations": [org.pk],
        "targets": [
            {"priority": 2, "metric": "first_response", "minutes": 30, "calendar": always.pk},
            {"priority": 2, "metric": "resolution", "minutes": 480, "calendar": always.pk},
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api(admin).post("/api/v1/sla/policies", body, content_type="application/json")
    assert response.status_code == 201, response.content
    fr = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert fr.policy.name == "Thornbury contract"
    assert fr.due_at == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)
    names = [p["name"] for p in api(admin).get("/api/v1/sla/policies").json()]
    assert names[0] == "Thornbury contract"


def test_new_policies_count_flagged_tickets_around_the_clock_unless_told_otherwise():
    admin = AgentFactory(role=ROLE_ADMIN)
    client = api(admin)
    always = Calendar.objects.get(name="24/7")
    made = client.post(
        "/api/v1/sla/policies", {"name": "Clinic contract"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["clinical_calendar"] == always.pk
    pk = made.json()["id"]
    cleared = client.patch(
        f"/api/v1/sla/policies/{pk}", {"clinical_calendar": None}, content_type="application/json"
    )
    assert cleared.status_code == 200 and cleared.json()["clinical_calendar"] is None
    unknown = client.patch(
        f"/api/v1/sla/policies/{pk}", {"clinical_calendar": 999999}, content_type="application/json"
    )
    assert unknown.status_code == 422 and "clinical_calendar" in unknown.json()["errors"]
    assert SlaPolicy.objects.get(pk=pk).clinical_calendar is None


def test_policy_input_errors_name_the_fields_and_change_nothing():
    admin = AgentFactory(role=ROLE_ADMIN)
    before = SlaPolicy.objects.count()
    response = api(admin).post(
        "/api/v1/sla/policies",
        {
            "name": "Broken",
            "warn_at": [1.5],
            "targets": [{"priority": 9, "metric": "first_response", "minutes": 5, "calendar": 1}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(k.startswith("warn_at") for k in errors) and any(
        k.startswith("targets") for k in errors
    )
    assert SlaPolicy.objects.count() == before
    unknown_cal = api(admin).post(
        "/api/v1/sla/policies",
        {
            "name": "No calendar",
            "targets": [{"priority": 1, "metric": "resolution", "minutes": 5, "calendar": 999999}],
        },
        content_type="application/json",
    )
    assert unknown_cal.status_code == 422 and "targets.0.calendar" in unknown_cal.json()["errors"]


def test_agents_read_policies_but_only_admins_change_them_and_requesters_see_nothing():
    agent = AgentFactory()
    policy = SlaPolicy.objects.order_by("position").first()
    assert api(agent).get("/api/v1/sla/policies").status_code == 200
    patch = api(agent).patch(
        f"/api/v1/sla/policies/{policy.pk}", {"active": False}, content_type="application/json"
    )
    assert patch.status_code == 403
    requester = requester_with_login()
    assert api(requester.user).get("/api/v1/sla/policies").status_code == 403
    assert api(requester.user).get("/api/v1/sla/calendars").status_code == 403


def test_calendar_create_validates_timezone_and_hours():
    admin = AgentFactory(role=ROLE_ADMIN)
    ok = api(admin).post(
        "/api/v1/sla/calendars",
        {
            "name": "Clinic hours (Pacific)",
            "timezone": "America/Los_Angeles",
            "weekly_hours": {"0": [["07:00", "19:00"]]},
            "holidays": ["2026-12-25"],
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    bad = api(admin).post(
        "/api/v1/sla/calendars",
        {
            "name": "Nowhere",
            "timezone": "Mars/Olympus",
            "weekly_hours": {"0": [["07:00", "19:00"]]},
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and "timezone" in bad.json()["errors"]
    bad_hours = api(admin).post(
        "/api/v1/sla/calendars",
        {"name": "Bad hours", "weekly_hours": {"0": [["25:00", "19:00"]]}},
        content_type="application/json",
    )
    assert bad_hours.status_code == 422


def test_achievement_reports_share_met(clock):
    agent = AgentFactory()
    ticket = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=1
    )
    clock.advance(minutes=10)
    from caredesk.tickets.services import Body, message_add

    message_add(ticket=ticket, kind="public", body=Body(text="On it"), actor=agent)
    start = (clock.current - timedelta(days=1)).isoformat()
    end = (clock.current + timedelta(days=1)).isoformat()
    rows = api(agent).get("/api/v1/sla/achievement", {"start": start, "end": end}).json()
    assert {
        "priority": 1,
        "metric": "first_response",
        "total": 1,
        "met": 1,
        "percent": 100.0,
    } in rows
