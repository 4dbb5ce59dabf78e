"""Minimum necessary: without tickets.view_phi, health information is masked on every screen and
in the API; "break the glass" shows it for a while, for a reason, recorded and reported."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_COMPLIANCE
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.core.models import Notification, OutboxItem
from caredesk.tickets.models import PHI_FIELDS, BreakGlassGrant, EventKind, TicketEvent
from caredesk.tickets.selectors import can_view_phi
from tests.api.conftest import ApiClient, assert_problem, world  # noqa: F401 - the fixture
from tests.factories import (
    AgentFactory,
    RequestFieldFactory,
    RequestTypeFactory,
    login_verified,
    make_ticket,
)

pytestmark = pytest.mark.django_db

PATIENT = "PTX-ELSWORTH-3347"
REASON = "Requester asked us to confirm the patient record on the phone"


@pytest.fixture
def admin(world):  # noqa: F811
    """An administrator (a superuser too): configures everything, reads no PHI by role."""
    user = AgentFactory(role=ROLE_ADMIN, name="Alvar Pennick", teams=[world.team_a])
    user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def officer():
    return AgentFactory(role=ROLE_COMPLIANCE, name="Carys Ombridge")


@pytest.fixture
def ticket(world):  # noqa: F811
    rtype = RequestTypeFactory(name="Home monitoring")
    RequestFieldFactory(request_type=rtype, key="dob", label="Date of birth", phi=True)
    return make_ticket(
        world.requester,
        team=world.team_a,
        category=rtype,
        structured={"patient_id": PATIENT, "device_serial": "HUB-2201"},
        form_data={"Date of birth": "1949-11-02", "Hub model": "H-200"},
    )


def _desk(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_agents_and_supervisors_see_phi_and_administrators_do_not(world, admin, officer):  # noqa: F811
    assert can_view_phi(world.agent) and can_view_phi(world.supervisor)
    assert not can_view_phi(admin), "not even as a superuser"
    assert not can_view_phi(officer)
    assert not can_view_phi(world.requester.user), "requesters are not staff"


def test_the_api_masks_phi_for_people_without_access_and_not_for_agents(world, admin, ticket):  # noqa: F811
    masked = ApiClient(admin).get(f"/tickets/{ticket.pk}").json()
    assert masked["phi_masked"] is True
    assert masked["fields"] == {"patient_id": "•••• 47", "device_serial": "HUB-2201"}
    assert masked["form"] == {"Date of birth": "•••• 02", "Hub model": "H-200"}
    listed = ApiClient(admin).get("/tickets").json()["items"]
    assert [t["fields"]["patient_id"] for t in listed] == ["•••• 47"]

    plain = ApiClient(world.agent).get(f"/tickets/{ticket.pk}").json()
    assert plain["phi_masked"] is False
    assert plain["fields"]["patient_id"] == PATIENT
    assert plain["form"]["Date of birth"] == "1949-11-02"


def test_the_answer_to_opening_a_ticket_masks_phi_for_people_without_access(world, admin):  # noqa: F811
    body = {
        "subject": "Hub offline since Monday",
        "body": "The hub shows no connection.",
        "requester_id": world.requester.pk,
        "fields": {"patient_id": PATIENT},
    }
    masked = ApiClient(admin).post("/tickets", body)
    assert masked.status_code == 201
    assert masked.json()["phi_masked"] is True
    assert masked.json()["fields"]["patient_id"] == "•••• 47"
    plain = ApiClient(world.agent).post("/tickets", body).json()
    assert plain["phi_masked"] is False
    assert plain["fields"]["patient_id"] == PATIENT


def test_the_requester_sees_their_own_information_unmasked(world, ticket):  # noqa: F811
    mine = ApiClient(world.requester.user).get(f"/tickets/{ticket.pk}").json()
    assert mine["fields"]["patient_id"] == PATIENT


def test_searching_by_phi_needs_access_to_phi(world, admin, ticket):  # noqa: F811
    refused = ApiClient(admin).get("/tickets", patient_id=PATIENT)
    assert_problem(refused, 422, "patient_id")
    assert ApiClient(admin).get("/tickets", q=PATIENT).json()["items"] == []
    found = ApiClient(world.agent).get("/tickets", q=PATIENT).json()["items"]
    assert [t["id"] for t in found] == [ticket.pk]


def test_the_ticket_page_masks_phi_and_offers_to_break_the_glass(world, admin, ticket):  # noqa: F811
    page = _desk(admin).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert PATIENT not in page and "1949-11-02" not in page
    assert "•••• 47" in page and "hidden (PHI)" in page and "HUB-2201" in page
    assert "Show PHI" in page and 'for="id_break_reason"' in page

    agent_page = _desk(world.agent).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert PATIENT in agent_page and "1949-11-02" in agent_page
    assert "Show PHI" not in agent_page


def test_breaking_the_glass_needs_a_real_reason(admin, ticket):
    response = _desk(admin).post(f"/agent/tickets/{ticket.pk}/break-glass/", {"reason": "need"})
    assert response.status_code == 422
    assert "at least 15 characters" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert not TicketEvent.objects.filter(kind=EventKind.PHI_UNMASKED).exists()


def test_breaking_the_glass_shows_phi_for_a_while_records_it_and_tells_compliance(
    world,  # noqa: F811
    admin,
    officer,
    ticket,
    clock,
    settings,
    long_sessions,
):
    settings.CAREDESK_BREAK_GLASS_MINUTES = 30
    other = make_ticket(world.requester, team=world.team_a, structured={"patient_id": "PTX-9"})
    desk = _desk(admin)
    response = desk.post(f"/agent/tickets/{ticket.pk}/break-glass/", {"reason": REASON})
    assert response.status_code == 302

    page = desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert PATIENT in page and "1949-11-02" in page and "Show PHI" not in page
    api = ApiClient(admin)
    assert api.get(f"/tickets/{ticket.pk}").json()["fields"]["patient_id"] == PATIENT
    assert api.get(f"/tickets/{other.pk}").json()["fields"]["patient_id"] == "•••• -9", "one ticket"

    event = TicketEvent.objects.get(kind=EventKind.PHI_UNMASKED)
    assert (event.ticket_id, event.actor_user) == (ticket.pk, admin)
    assert event.data["reason"] == REASON
    entry = AuditEntry.objects.get(action=AuditAction.PHI_UNMASKED)
    assert (entry.actor_id, entry.ticket_id, entry.reason) == (admin.pk, ticket.pk, REASON)
    assert entry.ip == "127.0.0.1" and set(PHI_FIELDS) <= set(entry.fields)
    note = Notification.objects.get(user=officer)
    assert note.ticket_id == ticket.pk and "Alvar Pennick" in note.text
    assert REASON not in note.text
    mails = [
        o.payload for o in OutboxItem.objects.all() if officer.email in o.payload.get("to", [])
    ]
    assert mails and all(REASON not in m["body"] and PATIENT not in m["body"] for m in mails)

    clock.advance(minutes=29)
    assert api.get(f"/tickets/{ticket.pk}").json()["fields"]["patient_id"] == PATIENT
    clock.advance(minutes=2)  # the grant runs out on its own
    assert api.get(f"/tickets/{ticket.pk}").json()["fields"]["patient_id"] == "•••• 47"
    assert "Show PHI" in desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()


def test_people_who_see_phi_anyway_do_not_break_the_glass(world, ticket):  # noqa: F811
    response = _desk(world.agent).post(
        f"/agent/tickets/{ticket.pk}/break-glass/", {"reason": REASON}
    )
    assert response.status_code == 409
    assert not BreakGlassGrant.objects.exists()


def test_the_admin_site_never_shows_phi(admin, ticket):
    page = _desk(admin).get(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert ticket.subject in text
    assert PATIENT not in text and "1949-11-02" not in text


def test_a_contacts_date_of_birth_is_stored_encrypted_and_masked_without_access(
    world,  # noqa: F811
    admin,
    ticket,
):
    created = ApiClient(world.agent).post(
        "/contacts",
        {
            "name": "Leontyne Farrow",
            "email": "l.farrow@patients.example",
            "date_of_birth": "1948-02-14",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["date_of_birth"] == "1948-02-14"
    contact_id = created.json()["id"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_of_birth FROM accounts_contact WHERE id = %s", [contact_id])
        assert cursor.fetchone()[0].startswith("phi1:")
    assert ApiClient(admin).get(f"/contacts/{contact_id}").json()["date_of_birth"] == "•••• 14"
    bad = ApiClient(world.agent).post(
        "/contacts", {"name": "N", "email": "n@patients.example", "date_of_birth": "1948-02-30"}
    )
    assert_problem(bad, 422, "date_of_birth")

    world.requester.date_of_birth = "1950-06-21"
    world.requester.save()
    page = _desk(admin).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "1950-06-21" not in page and "•••• 21" in page
    assert "1950-06-21" in _desk(world.agent).get(f"/agent/tickets/{ticket.pk}/").content.decode()


def test_the_desk_search_finds_a_patient_id_only_for_people_who_may_see_it(
    world,  # noqa: F811
    admin,
    ticket,
):
    found = _desk(world.agent).get("/agent/", {"queue": "all", "q": f" {PATIENT.lower()} "})
    assert ticket.ref in found.content.decode()
    hidden = _desk(admin).get("/agent/", {"queue": "all", "q": PATIENT})
    assert hidden.status_code == 200 and ticket.ref not in hidden.content.decode()
