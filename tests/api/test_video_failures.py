"""The partner lane: a telehealth platform reports failed video sessions with its own token."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from caredesk.accounts.models import Contact, ContactKind
from caredesk.accounts.services import partner_account, token_create
from caredesk.cli import main as caredesk
from caredesk.intake.models import VideoFailure
from caredesk.tickets.models import Attachment, Status, Ticket
from tests.api.conftest import ApiClient, assert_problem, counts
from tests.factories import OrganizationFactory, RequestTypeFactory, TeamFactory

pytestmark = pytest.mark.django_db

SESSION = "vs-20261125-0042"


def report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "session_id": SESSION,
        "impact": "visit_lost",
        "occurred_at": "2026-11-02T13:58:10Z",
        "reported_by": "clinician",
        "clinician": {
            "id": "CLN-7731",
            "name": "Dr. Wren Oakhart",
            "email": "w.oakhart@willow.example",
        },
        "patient_id": "PT-55120",
        "error_code": "ICE_FAILED",
        "description": "Video froze twice, then the call ended for both sides.",
        "device": "iPad (10th generation)",
        "os": "iPadOS 18.1",
        "browser": "Safari 18.1",
        "network": {"kind": "wifi", "rtt_ms": 480, "packet_loss_pct": 7.5, "downlink_kbps": 900},
        "trace": [
            {"at": "2026-11-02T13:51:00Z", "event": "joined"},
            {
                "at": "2026-11-02T13:57:40Z",
                "event": "ice.disconnected",
                "detail": "candidate pair lost",
            },
            {"at": "2026-11-02T13:58:10Z", "event": "ended", "detail": "ICE_FAILED"},
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def technical(db):
    team = TeamFactory(name="Technical", slug="tier-2", tier=2)
    RequestTypeFactory(name="Video visit", slug="video-visit", default_team=team)
    return team


@pytest.fixture
def partner(world) -> ApiClient:
    return ApiClient(partner_account(organization=world.org))


def test_a_lost_visit_opens_a_level_1_ticket_on_the_technical_queue_with_its_trace(
    world, partner, technical, clock
):
    response = partner.post("/video-failures", report())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["result"] == "created"
    out = body["ticket"]
    assert (out["priority"], out["channel"], out["team"]["id"]) == (1, "video", technical.pk)
    ticket = Ticket.objects.get(pk=out["id"])
    assert ticket.category.slug == "video-visit"
    assert ticket.organization == world.org
    assert (ticket.encounter_id, ticket.patient_id, ticket.clinician_id) == (
        SESSION,
        "PT-55120",
        "CLN-7731",
    )
    assert (ticket.os, ticket.browser) == ("iPadOS 18.1", "Safari 18.1")
    assert ticket.network == "wifi, 480 ms round trip, 7.5 % loss, 900 kbit/s down"
    # the clinician is the requester, a contact of the partner's organization
    clinician = ticket.requester
    assert (clinician.email, clinician.kind, clinician.organization) == (
        "w.oakhart@willow.example",
        ContactKind.CLINICIAN,
        world.org,
    )
    first = ticket.messages.get()
    assert "The visit was lost." in first.body_text
    assert "Error code: ICE_FAILED" in first.body_text
    assert "Video froze twice" in first.body_text
    trace = Attachment.objects.get(ticket=ticket)
    assert trace.filename == "session-trace.json", "the session ID is PHI, names are plaintext"
    assert SESSION not in first.body_text and ticket.encounter_id == SESSION
    stored = json.loads(trace.file.read())
    assert [e["event"] for e in stored["events"]] == ["joined", "ice.disconnected", "ended"]
    assert {c["metric"] for c in out["sla"]["clocks"]} >= {"first_response", "resolution"}


def test_a_session_reported_again_adds_to_its_open_ticket_and_only_raises_urgency(
    world, partner, technical, clock
):
    first = partner.post("/video-failures", report(impact="visit_degraded", trace=[]))
    assert first.status_code == 201
    assert first.json()["ticket"]["priority"] == 2
    again = partner.post("/video-failures", report(impact="visit_lost", trace=[]))
    assert again.status_code == 200, again.content
    assert again.json()["result"] == "appended"
    ticket = Ticket.objects.get()
    assert ticket.priority == 1  # the visit was lost after all
    assert ticket.messages.count() == 2
    assert "Reported again for the same session" in ticket.messages.order_by("id").last().body_text
    assert VideoFailure.objects.get().reports == 2
    # a milder report later never lowers it
    assert partner.post("/video-failures", report(impact="before_visit")).status_code == 200
    ticket.refresh_from_db()
    assert ticket.priority == 1


def test_after_the_ticket_is_closed_the_same_session_opens_a_new_one(world, partner, technical):
    partner.post("/video-failures", report())
    Ticket.objects.update(status=Status.CLOSED, is_open=False)
    response = partner.post("/video-failures", report())
    assert response.status_code == 201
    assert Ticket.objects.count() == 2


def test_sessions_are_told_apart_per_organization(world, partner, technical):
    other = ApiClient(partner_account(organization=world.other_org))
    partner.post("/video-failures", report())
    response = other.post(
        "/video-failures", report(clinician={"id": "C1", "email": "d.ash@bracken.example"})
    )
    assert response.status_code == 201  # the same session ID at another platform is its own
    assert Ticket.objects.count() == 2


def test_a_partner_reads_its_own_reports_and_nothing_of_another_organization(
    world, partner, technical
):
    other = ApiClient(partner_account(organization=world.other_org))
    ticket_id = partner.post("/video-failures", report()).json()["ticket"]["id"]
    assert partner.get(f"/tickets/{ticket_id}").status_code == 200
    assert_problem(other.get(f"/tickets/{ticket_id}"), 404)
    assert ticket_id not in [t["id"] for t in other.get("/tickets").json()["items"]]


def test_a_partner_cannot_report_for_another_organization_or_its_people(world, partner, technical):
    before = counts()
    assert_problem(
        partner.post("/video-failures", report(organization_id=world.other_org.pk)),
        422,
        "organization_id",
    )
    outsider = world.outsider.email
    assert_problem(
        partner.post("/video-failures", report(clinician={"id": "X9", "email": outsider})),
        422,
        "clinician.email",
    )
    assert counts() == before


def test_only_partners_and_agents_report(world, api, technical):
    assert_problem(ApiClient().post("/video-failures", report()), 401)
    assert_problem(api(world.requester.user).post("/video-failures", report()), 403)
    agent = api(world.agent)
    response = agent.post("/video-failures", report(organization_id=world.org.pk))
    assert response.status_code == 201
    assert Ticket.objects.get().organization == world.org
    assert_problem(
        agent.post("/video-failures", report(organization_id=999_999)), 422, "organization_id"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"session_id": "has spaces and <b>"}, "session_id"),
        ({"impact": "bad"}, "impact"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"network": {"packet_loss_pct": 140}}, "network.packet_loss_pct"),
        ({"trace": [{"at": "2026-11-02T13:51:00Z", "event": ""}]}, "trace.0.event"),
        ({"trace": [{"at": "2026-11-02T13:51:00Z", "event": "x"}] * 1001}, "trace"),
        ({"clinician": {"id": "C1", "email": "not-an-address"}}, "clinician.email"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_reports_are_refused_field_by_field_and_write_nothing(
    world, partner, technical, change, field
):
    before = counts()
    assert_problem(partner.post("/video-failures", report(**change)), 422, field)
    assert counts() == before


def test_the_partner_with_no_clinician_named_is_the_requester(world, partner, technical):
    response = partner.post("/video-failures", report(clinician={"id": "CLN-1"}))
    assert response.status_code == 201
    requester = Ticket.objects.get().requester
    assert requester.kind == ContactKind.CLIENT_ADMIN and requester.email is None


def test_a_partner_token_is_made_from_the_command_line(world, technical, capsys):
    assert caredesk(["token", "create", "--partner", world.org.name]) == 0
    secret = capsys.readouterr().out.strip()
    client = ApiClient()
    client.headers["Authorization"] = f"Bearer {secret}"
    assert client.post("/video-failures", report()).status_code == 201
    # one service account per organization, however many tokens it has
    assert caredesk(["token", "create", "--partner", world.org.name]) == 0
    assert Contact.objects.filter(organization=world.org, email__isnull=True).count() == 1
    assert caredesk(["token", "create", "--partner", "No Such Clinic"]) == 2


@pytest.mark.django_db(transaction=True)
def test_a_platform_reports_over_real_http_with_its_token(live_server, clock):
    TeamFactory(name="Technical", slug="tier-2", tier=2)
    org = OrganizationFactory(name="Larchmont Telehealth")
    _token, secret = token_create(user=partner_account(organization=org), name="platform")
    url = f"{live_server.url}/api/v1/video-failures"
    with httpx.Client(timeout=10, headers={"Authorization": f"Bearer {secret}"}) as http:
        first = http.post(url, json=report())
        again = http.post(url, json=report(impact="visit_degraded"))
        refused = http.post(url, json=report(impact="nothing"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["ticket"]["id"] == again.json()["ticket"]["id"]
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "impact" in refused.json()["errors"]
    assert Ticket.objects.get().organization == org
