"""The complaint screens: opened from the ticket page, the file with its MDR clock, edits as
versions, the decision, the list's filters, the printable page, exports and trends."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_QUALITY
from caredesk.complaints.models import Complaint
from caredesk.complaints.services import (
    Decision,
    complaint_decide,
    complaint_open,
    complaint_update,
)
from caredesk.compliance.models import AuditAction, AuditEntry
from tests.factories import (
    AgentFactory,
    ContactFactory,
    TeamFactory,
    make_ticket,
    signed_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(clock, settings):
    settings.CAREDESK_COMPLAINT_CALENDAR = ""
    return TeamFactory()


@pytest.fixture
def ticket(team):
    requester = ContactFactory(name="Ottoline Berrisford", email="o.berrisford@patients.example")
    return make_ticket(requester, subject="Walker brake failed, patient fell", team=team)


@pytest.fixture
def agent(team):
    return signed_in(AgentFactory(teams=[team], name="Linnea Marchetti"))


@pytest.fixture
def quality_user():
    return AgentFactory(role=ROLE_QUALITY, name="Dr. Ambrose Whitcombe")


def test_an_agent_opens_the_file_from_the_ticket_page(agent, ticket):
    page = agent.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Open complaint file" in page
    opened = agent.post(f"/agent/complaints/from-ticket/{ticket.pk}/")
    complaint = Complaint.objects.get(ticket=ticket)
    assert opened.status_code == 302 and opened["Location"] == f"/agent/complaints/{complaint.pk}/"
    again = agent.post(f"/agent/complaints/from-ticket/{ticket.pk}/")
    assert again["Location"] == opened["Location"] and Complaint.objects.count() == 1
    page = agent.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert complaint.ref in page and "Open complaint file" not in page
    assert 'MDR report due <time datetime="2026-12-02">Wed 2 Dec 2026</time>' in page


def test_the_file_shows_the_clock_and_the_complainant_is_audited(agent, ticket):
    complaint, _ = complaint_open(ticket=ticket, actor=None)
    page = agent.get(f"/agent/complaints/{complaint.pk}/").content.decode()
    assert "30 days left" in page and "Wed 2 Dec 2026" in page
    assert "Ottoline Berrisford" in page
    assert AuditEntry.objects.filter(
        action=AuditAction.COMPLAINT_VIEWED, object_id=str(complaint.pk)
    ).exists()
    assert "Record decision" not in page  # an agent does not decide reportability


def test_without_access_to_health_information_the_complainant_is_hidden(ticket):
    # administrators configure; they do not read health information
    superuser = AgentFactory(role=ROLE_ADMIN, is_superuser=True)
    complaint, _ = complaint_open(ticket=ticket, actor=None)
    page = signed_in(superuser).get(f"/agent/complaints/{complaint.pk}/").content.decode()
    assert "Ottoline Berrisford" not in page and "Health information hidden" in page
    assert 'name="complainant_name"' not in page
    assert not AuditEntry.objects.filter(action=AuditAction.COMPLAINT_VIEWED).exists()


def test_an_edit_needs_a_note_and_saves_a_new_version(agent, ticket):
    complaint, _ = complaint_open(ticket=ticket, actor=None)
    form = {
        "aware_on": "2026-11-02",
        "complainant_name": "Ottoline Berrisford",
        "complainant_contact": "o.berrisford@patients.example",
        "summary": complaint.summary,
        "patient_outcome": "injury",
        "failure_mode": "brake cable snapped",
        "imdrf_codes": "A0501 E1903",
        "status": "open",
        "note": "",
    }
    refused = agent.post(f"/agent/complaints/{complaint.pk}/edit/", form)
    assert refused.status_code == 422 and "Change note" in refused.content.decode()
    saved = agent.post(
        f"/agent/complaints/{complaint.pk}/edit/", {**form, "note": "Clinic confirmed the fall."}
    )
    assert saved.status_code == 302
    complaint.refresh_from_db()
    assert complaint.version == 2 and complaint.imdrf_codes == ["A0501", "E1903"]
    page = agent.get(f"/agent/complaints/{complaint.pk}/").content.decode()
    assert (
        "Clinic confirmed the fall." in page
        and "failure_mode, imdrf_codes, patient_outcome" in page
    )


def test_quality_records_the_decision_and_sees_the_5_day_due_date(quality_user, ticket):
    complaint, _ = complaint_open(ticket=ticket, actor=None)
    client = signed_in(quality_user)
    refused = client.post(
        f"/agent/complaints/{complaint.pk}/decision/", {"reportability": "death", "rationale": "x"}
    )
    assert refused.status_code == 422
    done = client.post(
        f"/agent/complaints/{complaint.pk}/decision/",
        {
            "reportability": "serious_injury",
            "rationale": "Hip fracture after the brake failed.",
            "remedial_action": "on",
        },
        follow=True,
    )
    page = done.content.decode()
    assert "The MDR report is due 2026-11-09" in page
    assert "Mon 9 Nov 2026" in page and "Dr. Ambrose Whitcombe" in page


def test_the_list_filters_open_reportable_and_due(ticket, team, clock, quality_user):
    reportable, _ = complaint_open(ticket=ticket, actor=None)
    complaint_decide(
        complaint=reportable,
        decision=Decision("malfunction", "Brake failure could cause a serious fall.", True),
        actor=quality_user,
    )
    quiet, _ = complaint_open(ticket=make_ticket(subject="Scratched casing", team=team), actor=None)
    complaint_decide(
        complaint=quiet,
        decision=Decision("not_reportable", "Cosmetic only, no harm."),
        actor=quality_user,
    )
    person = AgentFactory(teams=[team])
    agent = signed_in(person)
    assert {reportable.ref, quiet.ref} <= set(_refs(agent.get("/agent/complaints/")))
    assert _refs(agent.get("/agent/complaints/?reportable=1")) == [reportable.ref]
    assert _refs(agent.get("/agent/complaints/?due=soon")) == []  # 7 days left
    assert _refs(agent.get("/agent/complaints/?due=overdue")) == []
    clock.advance(days=8)  # past Monday 9 November: signed in again, as a person would be
    page = signed_in(person).get("/agent/complaints/?due=overdue")
    assert _refs(page) == [reportable.ref] and "Overdue by 1 day" in page.content.decode()
    assert _refs(signed_in(person).get("/agent/complaints/?due=soon")) == [reportable.ref]


def _refs(response) -> list[str]:
    import re

    return re.findall(r">(CF-\d{6})<", response.content.decode())


def test_the_printable_page_has_the_file_and_its_history_and_no_script(agent, ticket):
    complaint, _ = complaint_open(ticket=ticket, actor=None)
    page = agent.get(f"/agent/complaints/{complaint.pk}/print/").content.decode()
    assert "Version history" in page and "Complaint file opened from the ticket." in page
    assert "21 CFR 820.198" in page and 'class="topbar"' not in page


def test_one_file_exports_with_its_versions(quality_user, ticket):
    complaint, _ = complaint_open(ticket=ticket, actor=None)
    complaint_update(
        complaint=complaint,
        changes={"device_lot": "=HYPERLINK(1)"},
        note="Lot from label.",
        actor=quality_user,
    )
    response = signed_in(quality_user).get(f"/agent/complaints/{complaint.pk}/export.csv")
    text = b"".join(response.streaming_content).decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("Version,At (UTC),By,Change note,Fields changed,Complaint")
    assert len(lines) == 3 and "Lot from label." in lines[2]
    assert "'=HYPERLINK(1)" in lines[2]  # a spreadsheet does not run it
    assert AuditEntry.objects.filter(action=AuditAction.COMPLAINT_EXPORTED).count() == 1


def _complaints(n, team, quality_user, start):
    for i in range(n):
        t = make_ticket(subject=f"Complaint {start + i}", team=team)
        c, _ = complaint_open(ticket=t, actor=None)
        complaint_update(
            complaint=c,
            changes={"failure_mode": f"mode {i % 4}", "imdrf_codes": [f"A0{i % 5}01", "E0101"]},
            note="Coded.",
            actor=quality_user,
        )


def test_trends_page_draws_bars_and_tables_in_a_constant_number_of_queries(
    agent, team, quality_user
):
    url = "/agent/complaints/trends/?start=2026-10-01&end=2026-11-30&by=week"
    _complaints(3, team, quality_user, 0)
    agent.get(url)
    with CaptureQueriesContext(connection) as few:
        page = agent.get(url).content.decode()
    assert (
        "<svg" in page and "mode 0" in page and "A0001" in page and "3 complaints received" in page
    )
    _complaints(25, team, quality_user, 3)
    with CaptureQueriesContext(connection) as many:
        page = agent.get(url).content.decode()
    assert "28 complaints received" in page
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_list_reads_in_a_constant_number_of_queries(agent, team, quality_user):
    _complaints(2, team, quality_user, 0)
    agent.get("/agent/complaints/?status=all")
    with CaptureQueriesContext(connection) as few:
        agent.get("/agent/complaints/?status=all")
    _complaints(20, team, quality_user, 2)
    with CaptureQueriesContext(connection) as many:
        agent.get("/agent/complaints/?status=all")
    assert len(many) == len(few)


def test_aware_on_in_the_future_is_refused(agent, ticket):
    complaint, _ = complaint_open(ticket=ticket, actor=None)
    form = {
        "aware_on": "2027-01-01",
        "summary": "x",
        "patient_outcome": "none",
        "status": "open",
        "note": "Wrong date.",
    }
    response = agent.post(f"/agent/complaints/{complaint.pk}/edit/", form)
    assert response.status_code == 422 and "cannot be in the future" in response.content.decode()
    assert Complaint.objects.get().aware_on == date(2026, 11, 2)
