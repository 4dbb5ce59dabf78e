"""The access audit in a real browser: agents read a patient's ticket, the compliance officer
finds those reads by patient and by person, and exports them as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_COMPLIANCE
from caredesk.compliance.models import AuditAction, AuditEntry
from tests.factories import (
    PASSWORD,
    AgentFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
)

pytestmark = pytest.mark.e2e


def test_an_officer_filters_the_audit_by_patient_and_person_and_exports_it(open_screen):
    team = TeamFactory(name="Device support", slug="device-support")
    amara = AgentFactory(name="Amara Osei", email="amara.audit@caredesk.example", teams=[team])
    felix = AgentFactory(name="Felix Brandt", email="felix.audit@caredesk.example", teams=[team])
    officer = AgentFactory(
        name="Hana Ostrowski", email="hana.audit@caredesk.example", role=ROLE_COMPLIANCE
    )
    patient = requester_with_login(
        name="Odette Larkin", organization=OrganizationFactory(name="Fairbank Clinics")
    )
    ticket = make_ticket(
        patient,
        team=team,
        subject="Insulin pump alarm every hour",
        structured={"patient_id": "MRN-20417"},
    )
    other = make_ticket(patient, team=team, subject="Scale will not sync")

    # --- Two agents read the patient's ticket: one from search results, one directly --------
    for agent, via_search in ((amara, True), (felix, False)):
        screen = open_screen()
        screen.login(agent.email, PASSWORD)
        if via_search:
            screen.goto("/agent/?queue=all&q=pump")
            screen.page.get_by_role("link", name=ticket.ref).click()
        else:
            screen.goto(f"/agent/tickets/{ticket.pk}/")
            screen.goto(f"/agent/tickets/{other.pk}/")
        expect(screen.page.get_by_role("heading", level=1)).to_be_visible()

    # --- The compliance officer finds the reads of that patient -----------------------------
    officer_screen = open_screen()
    officer_screen.login(officer.email, PASSWORD)
    page = officer_screen.page
    page.get_by_role("link", name="Access audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access audit")
    page.get_by_label("Patient ID (exact)").fill("MRN-20417")
    page.get_by_label("Action").select_option(label="Ticket opened from search")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.audit tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Amara Osei")
    expect(rows.first).to_contain_text(ticket.ref)

    # (his sign-in is in the audit too; the ticket views are what is asked for here)
    page.get_by_label("Action").select_option(label="Ticket viewed")
    page.get_by_label("Patient ID (exact)").fill("")
    page.get_by_label("Person").select_option(label="Felix Brandt")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(2)
    expect(page.locator("table.audit")).to_contain_text("Ticket viewed")
    officer_screen.check("audit filtered by person")
    officer_screen.shoot("audit-screen")

    # --- ... and exports them ---------------------------------------------------------------
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = download.value.path().read_text()
    table = list(csv.DictReader(io.StringIO(text)))
    assert {r["actor_name"] for r in table} == {"Felix Brandt"}
    assert {r["ticket"] for r in table} == {ticket.ref, other.ref}
    assert "MRN-20417" not in text  # names of fields, never their values
    assert AuditEntry.objects.filter(
        action=AuditAction.AUDIT_EXPORTED, actor_id=officer.pk
    ).exists()
