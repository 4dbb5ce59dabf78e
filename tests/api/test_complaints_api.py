"""The complaint files' API: open from a ticket, read with the complainant masked or shown
(and audited), change as versions, decide reportability, export for an auditor, trends."""

from __future__ import annotations

import pytest

from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.complaints.models import ComplaintVersion
from caredesk.compliance.models import AuditAction, AuditEntry
from tests.api.conftest import PROBLEM, ApiClient
from tests.factories import (
    AgentFactory,
    ContactFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(clock, settings):
    settings.CAREDESK_COMPLAINT_CALENDAR = ""  # the shipped business calendar


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def ticket(team, setting):
    requester = ContactFactory(name="Tobiah Wrenfield", email="t.wrenfield@patients.example")
    return make_ticket(requester, subject="Heating pad scorched the skin", team=team)


@pytest.fixture
def agent(team):
    return AgentFactory(teams=[team])


@pytest.fixture
def quality():
    return AgentFactory(role=ROLE_QUALITY)


def _open(user, ticket):
    return ApiClient(user).post("/complaints", {"ticket": ticket.pk})


def test_an_agent_opens_a_ticket_s_file_once(agent, ticket):
    first = _open(agent, ticket)
    assert first.status_code == 201, first.content
    again = _open(agent, ticket)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    body = first.json()
    assert body["ticket"] == ticket.ref and body["summary"] == "Heating pad scorched the skin"
    assert body["mdr_clock"]["days_left"] == 30 and body["mdr_clock"]["due_on"] == "2026-12-02"


def test_a_ticket_the_person_does_not_see_is_not_found(ticket):
    outsider = AgentFactory(teams=[TeamFactory()])
    response = _open(outsider, ticket)
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM


def test_requesters_have_no_complaint_files(ticket):
    patient = requester_with_login()
    assert ApiClient(patient.user).get("/complaints").status_code == 403
    assert _open(patient.user, ticket).status_code == 403


def test_the_complainant_is_masked_in_lists_and_shown_and_audited_on_a_read(agent, ticket):
    complaint_id = _open(agent, ticket).json()["id"]
    listed = ApiClient(agent).get("/complaints").json()["items"]
    assert [c["complainant_name"] for c in listed] == ["••••••"]
    before = AuditEntry.objects.filter(action=AuditAction.COMPLAINT_VIEWED).count()
    read = ApiClient(agent).get(f"/complaints/{complaint_id}").json()
    assert read["complainant_name"] == "Tobiah Wrenfield"
    assert AuditEntry.objects.filter(action=AuditAction.COMPLAINT_VIEWED).count() == before + 1


def test_a_patch_is_a_new_version_with_its_note_and_bad_codes_are_named(agent, ticket):
    complaint_id = _open(agent, ticket).json()["id"]
    api = ApiClient(agent)
    refused = api.patch(
        f"/complaints/{complaint_id}", {"note": "Codes.", "imdrf_codes": ["A0401", "burn"]}
    )
    assert refused.status_code == 422 and "imdrf_codes" in refused.json()["errors"]
    changed = api.patch(
        f"/complaints/{complaint_id}",
        {
            "note": "From the clinic's report.",
            "patient_outcome": "injury",
            "imdrf_codes": ["A0701", "E1905"],
        },
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2 and changed.json()["imdrf_codes"] == ["A0701", "E1905"]
    versions = api.get(f"/complaints/{complaint_id}/versions").json()
    assert [(v["number"], v["note"]) for v in versions] == [
        (1, "Complaint file opened from the ticket."),
        (2, "From the clinic's report."),
    ]
    assert versions[1]["changed"] == ["imdrf_codes", "patient_outcome"]
    assert "complainant_name" not in versions[1]["snapshot"]


def test_only_clinical_and_quality_staff_record_the_decision(agent, quality, ticket):
    complaint_id = _open(agent, ticket).json()["id"]
    decision = {
        "reportability": "serious_injury",
        "rationale": "Second-degree burn treated in the emergency department.",
        "remedial_action": True,
    }
    assert (
        ApiClient(agent).post(f"/complaints/{complaint_id}/decision", decision).status_code == 403
    )
    decided = ApiClient(quality).post(f"/complaints/{complaint_id}/decision", decision)
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["reportability"] == "serious_injury" and body["decided_by"] == quality.pk
    # Monday 2 November 2026 + 5 work days on the business calendar
    assert body["mdr_due_on"] == "2026-11-09" and body["mdr_clock"]["days_left"] == 7
    assert ComplaintVersion.objects.filter(complaint_id=complaint_id).count() == 2


def test_the_auditor_export_is_csv_audited_per_file(agent, quality, ticket):
    _open(agent, ticket)
    other = make_ticket(subject="Second device", team=ticket.team)
    _open(agent, other)
    assert (
        ApiClient(agent)
        .get("/complaints/export.csv", start="2026-11-01", end="2026-11-30")
        .status_code
        == 403
    )
    response = ApiClient(quality).get(
        "/complaints/export.csv", start="2026-11-01", end="2026-11-30"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("Complaint,Ticket,Status,Date received,Complainant")
    assert len(lines) == 3 and "Tobiah Wrenfield" in text
    exported = AuditEntry.objects.filter(action=AuditAction.COMPLAINT_EXPORTED)
    assert exported.count() == 2 and "complainant_name" in exported.first().fields


def test_trends_count_by_failure_mode_and_code_per_week(agent, ticket):
    complaint_id = _open(agent, ticket).json()["id"]
    ApiClient(agent).patch(
        f"/complaints/{complaint_id}",
        {"note": "Coded.", "failure_mode": "overheating", "imdrf_codes": ["A0701"]},
    )
    body = ApiClient(agent).get("/complaints/trends", start="2026-10-26", end="2026-11-15").json()
    assert body["buckets"] == ["2026-10-26", "2026-11-02", "2026-11-09"]
    assert body["failure_modes"] == [{"key": "overheating", "counts": [0, 1, 0], "total": 1}]
    assert body["imdrf_codes"] == [{"key": "A0701", "counts": [0, 1, 0], "total": 1}]
    assert (
        ApiClient(agent).get("/complaints/trends", start="2026-11-15", end="2026-11-01").status_code
        == 422
    )
