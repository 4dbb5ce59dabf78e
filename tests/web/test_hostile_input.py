"""Text no database stores, reaching the desk, the portal, governance, the admin and sign-in, on
SQLite and PostgreSQL alike.

A NUL in a query parameter (`?q=%00`, which servers pass on) is a 400 naming the parameter,
before a search sends it to the database; in a header (the User-Agent the audit keeps, a
cookie) it is dropped. A NUL typed into a form is the field's error (Django's forms refuse it);
JSON typed into the admin is checked the same way. Nothing is written from a refused request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.models import ApiToken
from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.compliance.models import AuditEntry
from caredesk.core.text import NUL_MESSAGE, SURROGATE_MESSAGE
from caredesk.governance.models import Breach
from caredesk.sla.models import Calendar, SlaPolicy
from caredesk.tickets.models import BreakGlassGrant, Message, Ticket, TicketEvent
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    RequestTypeFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    requester_with_login,
    signed_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(admin_user) -> Client:
    return signed_in(admin_user)


@pytest.mark.parametrize(
    "path",
    [
        "/agent/?q=froze%00twice",
        "/agent/?queue=open&q=%00",
        "/agent/export.csv?q=%00",
        "/agent/governance/people/?q=Od%00ette",
        "/agent/compliance/audit/?patient=%00",
        "/admin/tickets/ticket/?q=%00",
        "/admin/accounts/contact/?q=%00",
    ],
)
def test_a_query_parameter_holding_nul_is_a_400_naming_it(desk, path):
    make_ticket(subject="Video froze twice")
    response = desk.get(path)
    assert response.status_code == 400, response.status_code
    name = path.split("?")[1].split("&")[-1].split("=")[0]
    assert f"<code>{name}</code>" in response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_portal_search_holding_nul_is_a_400():
    client = Client()
    login_verified(client, requester_with_login().user)
    assert client.get("/portal/?q=%00").status_code == 400


@pytest.mark.parametrize("field", ["subject", "body"])
def test_nul_typed_into_the_portal_is_the_fields_error(clock, field):
    requester = requester_with_login()
    portal = Client()
    login_verified(portal, requester.user)
    RequestTypeFactory(name="Device question", slug="device-question")
    data = {"priority": "3", "subject": "Pump alarm", "body": "It beeps twice."}
    response = portal.post("/portal/new/device-question/", {**data, field: data[field] + "\x00"})
    assert response.status_code == 422
    assert "Null characters are not allowed." in response.content.decode()
    ticket = make_ticket(requester)
    before = rows()
    reply = portal.post(f"/portal/tickets/{ticket.pk}/", {"body": "Again\x00 at noon."})
    assert reply.status_code < 500 and rows() == before


def test_nul_in_the_user_agent_is_dropped_before_the_audit_keeps_it(desk):
    ticket = make_ticket()
    response = desk.get(f"/agent/tickets/{ticket.pk}/", HTTP_USER_AGENT="Firefox/128\x00 (Linux)")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(ticket_id=ticket.pk).order_by("-seq").first()
    assert entry is not None and entry.user_agent == "Firefox/128 (Linux)"


@pytest.mark.parametrize(
    "cookie",
    ['sessionid="abcdefgh\\000ijklmnop"', "sessionid=abcdefgh\x00ijklmnop"],
    ids=["quoted, as servers pass it", "raw"],
)
def test_a_session_cookie_holding_nul_is_no_session(cookie):
    response = Client().get("/agent/", HTTP_COOKIE=cookie)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_address_holding_nul_on_the_sign_in_form_is_a_failed_sign_in():
    AgentFactory(email="ines.marlow@caredesk.example")
    response = Client().post(
        "/login/", {"username": "ines.marlow\x00@caredesk.example", "password": PASSWORD}
    )
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session


def rows() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "events": TicketEvent.objects.count(),
        "tokens": ApiToken.objects.count(),
        "grants": BreakGlassGrant.objects.count(),
        "breaches": Breach.objects.count(),
        "calendars": Calendar.objects.count(),
        "sla policies": SlaPolicy.objects.count(),
    }


# (path, the form with a NUL typed into `field`, field): the desk's forms, governance, admin
FORMS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], str]] = {
    "new ticket": (
        "/agent/tickets/new/",
        lambda t: {"requester": t.requester_id, "subject": "Vid\x00eo", "priority": 3,
                   "channel": "phone", "body": "Called in."},
        "subject",
    ),
    "reply": (
        "/agent/tickets/{ticket}/reply/",
        lambda t: {"kind": "public", "body": "Try again\x00.", "status_after": "pending"},
        "body",
    ),
    "tags": (
        "/agent/tickets/{ticket}/update/",
        lambda t: {"status": "open", "priority": 3, "tier": 1, "tags": "video,fr\x00ozen"},
        "tags",
    ),
    "escalation": (
        "/agent/tickets/{ticket}/escalate/",
        lambda t: {"team": t.team_id, "reason": "Needs\x00 engineering"},
        "reason",
    ),
    "break the glass": (
        "/agent/tickets/{ticket}/break-glass/",
        lambda t: {"reason": "Clinical\x00 callback"},
        "reason",
    ),
    "token": ("/agent/tokens/", lambda t: {"name": "Report\x00ing"}, "name"),
    "breach": (
        "/agent/governance/breaches/",
        lambda t: {"title": "Lost\x00 laptop", "description": "x",
                   "discovered_at": "2026-11-01T09:30", "people_affected": "3"},
        "title",
    ),
}  # fmt: skip


@pytest.mark.parametrize("form", FORMS)
def test_nul_typed_into_a_desk_form_is_the_fields_error(desk, clock, form):
    path, data, field = FORMS[form]
    team = TeamFactory(slug="tier-2", tier=2)
    ticket = make_ticket(ContactFactory(), team=team, structured={"patient_id": "PT-55120"})
    if form == "break the glass":  # offered to those who do not see health information
        desk = Client()
        login_verified(desk, AgentFactory(role=ROLE_ADMIN))
    before = rows()
    response = desk.post(path.format(ticket=ticket.pk), data(ticket))
    assert response.status_code in (200, 422), response.status_code
    assert "Null characters are not allowed." in response.content.decode()
    assert rows() == before


@pytest.mark.parametrize(
    ("path", "data", "why"),
    [
        (
            "/admin/sla/calendar/add/",
            {"name": "Clinic hours", "timezone": "UTC", "weekly_hours": '{"0": [["08:00", "17:00"]]}',
             "holidays": '["2026-12-25\\u0000"]'},
            NUL_MESSAGE,
        ),
        (
            "/admin/sla/calendar/add/",
            {"name": "Clinic hours", "timezone": "UTC", "weekly_hours": '{"0": [["08:00", "17:00"]]}',
             "holidays": '["\\ud800"]'},
            SURROGATE_MESSAGE,
        ),
        (
            "/admin/sla/slapolicy/add/",
            {"name": "Premium", "position": 0, "plans": '["premium\\u0000"]', "channels": "[]",
             "priorities": "[]", "pause_statuses": '["pending"]', "warn_at": "[0.75]",
             "targets-TOTAL_FORMS": 0, "targets-INITIAL_FORMS": 0},
            NUL_MESSAGE,
        ),
    ],
)  # fmt: skip
def test_json_typed_into_the_admin_that_cannot_be_stored_is_the_fields_error(desk, path, data, why):
    before = rows()
    response = desk.post(path, data)
    assert response.status_code == 200, response.status_code
    assert why in response.content.decode()
    assert rows() == before
