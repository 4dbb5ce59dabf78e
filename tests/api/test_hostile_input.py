"""Text no database stores, in every JSON body and query of the API, on SQLite and PostgreSQL.

`"\\u0000"` decodes to a NUL (PostgreSQL refuses it in text and JSON); `"\\ud800"` to half of a
character (no database takes it). Each is answered 422 with the field's path and a message,
before any schema or service sees it, whatever the operation declares; nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_COMPLIANCE
from caredesk.accounts.services import partner_account
from caredesk.core.text import NUL_MESSAGE, SURROGATE_MESSAGE
from caredesk.integrations.models import TrackerIssue
from caredesk.sla.models import Calendar, SlaPolicy
from caredesk.tickets.models import Ticket
from tests.api.conftest import ApiClient, assert_problem, counts
from tests.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db
BAD = {"NUL": ("a\x00b", NUL_MESSAGE), "surrogate": ("a\ud800b", SURROGATE_MESSAGE)}


# (who, method, path, body with `bad` in it, the field named) for each operation with a body;
# `who` is "agent" (a supervisor), "admin", "partner"; "{ticket}" is an open ticket's id
CASES: dict[str, tuple[str, str, str, Callable[[str], Any], str]] = {
    "ticket subject": ("agent", "post", "/tickets", lambda b: {"subject": b}, "subject"),
    "ticket body": ("agent", "post", "/tickets", lambda b: {"subject": "x", "body": b}, "body"),
    "ticket form answer": (
        "agent", "post", "/tickets", lambda b: {"subject": "x", "form": {"visit": b}}, "form.visit"
    ),
    "ticket form name": (
        "agent", "post", "/tickets", lambda b: {"subject": "x", "form": {b: "V88"}}, "form"
    ),
    "ticket tag": ("agent", "post", "/tickets", lambda b: {"subject": "x", "tags": [b]}, "tags.0"),
    "ticket structured field": (
        "agent", "post", "/tickets", lambda b: {"subject": "x", "fields": {"os": b}}, "fields.os"
    ),
    "new requester's name": (
        "agent", "post", "/tickets",
        lambda b: {"subject": "x", "requester": {"email": "ny@patients.example", "name": b}},
        "requester.name",
    ),
    "attachment name": (
        "agent", "post", "/tickets",
        lambda b: {"subject": "x", "attachments": [{"filename": b, "content_base64": "aGk="}]},
        "attachments.0.filename",
    ),
    "second ticket of a batch": (
        "agent", "post", "/tickets/batch",
        lambda b: {"tickets": [{"subject": "ok"}, {"subject": b}]},
        "tickets.1.subject",
    ),
    "ticket change": ("agent", "patch", "/tickets/{ticket}", lambda b: {"tags": [b]}, "tags.0"),
    "message": ("agent", "post", "/tickets/{ticket}/messages", lambda b: {"body": b}, "body"),
    "message html": (
        "agent", "post", "/tickets/{ticket}/messages", lambda b: {"body_html": b}, "body_html"
    ),
    "escalation reason": (
        "agent", "post", "/tickets/{ticket}/escalate",
        lambda b: {"team": 1, "reason": b, "action_taken": "x", "next_steps": "y"},
        "reason",
    ),
    "contact name": (
        "admin", "post", "/contacts", lambda b: {"email": "nb@patients.example", "name": b}, "name"
    ),
    "SLA policy name": ("admin", "post", "/sla/policies", lambda b: {"name": b}, "name"),
    "SLA policy description": (
        "admin", "post", "/sla/policies", lambda b: {"name": "x", "description": b}, "description"
    ),
    "SLA policy change": (
        "admin", "patch", "/sla/policies/{policy}", lambda b: {"name": b}, "name"
    ),
    "calendar name": ("admin", "post", "/sla/calendars", lambda b: {"name": b}, "name"),
    "calendar holiday region": (
        "admin", "post", "/sla/calendars",
        lambda b: {"name": "x", "holiday_subdivision": b},
        "holiday_subdivision",
    ),
    "video failure description": (
        "partner", "post", "/video-failures",
        lambda b: {"session_id": "vs-1", "impact": "visit_lost", "description": b},
        "description",
    ),
    "video failure trace": (
        "partner", "post", "/video-failures",
        lambda b: {
            "session_id": "vs-1",
            "impact": "visit_lost",
            "trace": [{"at": "2026-11-02T13:51:00Z", "event": "ended", "detail": b}],
        },
        "trace.0.detail",
    ),
    "simulated ticket": (
        "admin", "post", "/rules/simulate", lambda b: {"ticket": {"team": b}}, "ticket.team"
    ),
    "simulated policy": (
        "admin", "post", "/rules/simulate",
        lambda b: {"ticket": {}, "policy_yaml": b},
        "policy_yaml",
    ),
}  # fmt: skip


def rows() -> dict[str, int]:
    return {
        **counts(),
        "sla policies": SlaPolicy.objects.count(),
        "calendars": Calendar.objects.count(),
        "tracker": TrackerIssue.objects.count(),
    }


@pytest.fixture
def callers(world) -> dict[str, ApiClient]:
    return {
        "agent": ApiClient(world.supervisor),
        "admin": ApiClient(AgentFactory(role=ROLE_ADMIN)),
        "partner": ApiClient(partner_account(organization=world.org)),
    }


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("case", CASES)
def test_a_json_field_that_cannot_be_stored_is_a_422_naming_it(world, callers, clock, case, bad):
    who, method, path, body, field = CASES[case]
    ticket = make_ticket(world.requester)
    policy = SlaPolicy.objects.create(name="Premium clinics")
    path = path.format(ticket=ticket.pk, policy=policy.pk)
    text, why = BAD[bad]
    before = rows()
    response = getattr(callers[who], method)(path, body(text))
    problem = assert_problem(response, 422, field)
    assert problem["errors"] == {field: [why]}
    assert rows() == before


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/tickets?q=a%00b", "q"),
        ("/organizations?q=%00", "q"),
        ("/contacts?q=%00", "q"),
        ("/sla/achievement?start=2026-11-01T00:00:00Z%00&end=2026-11-02T00:00:00Z", "start"),
        ("/audit?action=view%00", "action"),
    ],
)
def test_a_query_parameter_holding_nul_is_a_422_naming_it(world, path, field):
    # the audit is read by the compliance officer's scope, the rest by an administrator's
    role = ROLE_COMPLIANCE if path.startswith("/audit") else ROLE_ADMIN
    caller = ApiClient(AgentFactory(role=role))
    response = caller.client.get("/api/v1" + path, headers=caller.headers)
    assert_problem(response, 422, field)


def test_a_reference_holding_nul_is_not_found(world, api):
    make_ticket(world.requester)
    response = api(world.supervisor).get(f"/tickets/by-ref/{Ticket.objects.get().ref}%00")
    assert_problem(response, 404)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(world, api, constant):
    raw = '{"subject": "x", "priority": ' + constant + "}"
    assert_problem(api(world.supervisor).send("post", "/tickets", raw), 400, "body")
