"""Desk screens: the asset card on a ticket, the asset list and page, the CSV import."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from caredesk.devices.models import Asset
from caredesk.devices.services import asset_update
from tests.devices.conftest import make_asset
from tests.factories import (
    AgentFactory,
    OrganizationFactory,
    login_verified,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    login_verified(c, user)
    return c


@pytest.fixture
def agent():
    return AgentFactory()


@pytest.fixture
def unit(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    org = OrganizationFactory(name="Harbourview Physio")
    return make_asset(
        catalogue["PX-200"],
        "PX-4410",
        organization=org,
        site="Room 2",
        purchased_on=date(2025, 1, 20),
        in_clinical_use=True,
    )


def _ticket_for(serial: str, agent):
    ticket = make_ticket(structured={"device_serial": serial})
    return ticket


def test_the_ticket_page_shows_the_asset_card(unit, agent):
    ticket = _ticket_for("PX-4410", agent)
    page = _client(supervisor()).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    card = page[page.index('id="asset-card"') :]
    card = card[: card.index("</section>")]
    assert "Pulsewave 200" in card and "Harbourview Physio" in card
    assert "In warranty" in card and "20 Jan 2027" in card
    assert "In active clinical use" in card
    assert "Free repair</dt><dd>Yes" in card and "No plan" in card


def test_an_unknown_serial_is_said_so(unit, agent):
    ticket = _ticket_for("X-123", agent)
    page = _client(supervisor()).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Serial <strong>X-123</strong> is not a known asset." in page


def test_a_ticket_without_a_serial_has_no_card(unit):
    ticket = make_ticket()
    page = _client(supervisor()).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert 'id="asset-card"' not in page


def test_the_card_costs_the_same_queries_whatever_the_asset_history(
    unit, django_assert_max_num_queries
):
    lead = supervisor()
    client = _client(lead)
    ticket = _ticket_for("PX-4410", lead)
    client.get(f"/agent/tickets/{ticket.pk}/")  # warm caches
    with django_assert_max_num_queries(200) as before:
        client.get(f"/agent/tickets/{ticket.pk}/")
    for i in range(5):
        asset_update(asset=unit, changes={"firmware": f"2.{i}.0"}, actor=lead)
        make_ticket(structured={"device_serial": "PX-4410"})
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(f"/agent/tickets/{ticket.pk}/")
    assert 'id="asset-card"' in response.content.decode()


def test_the_asset_list_filters_by_serial_owner_model_and_warranty(unit, catalogue, agent):
    old = make_asset(catalogue["PX-200"], "PX-0001", purchased_on=date(2023, 1, 1))
    client = _client(agent)
    page = client.get("/agent/devices/").content.decode()
    assert "PX-4410" in page and "PX-0001" in page
    page = client.get("/agent/devices/", {"warranty": "out"}).content.decode()
    assert "PX-0001" in page and "PX-4410" not in page
    page = client.get("/agent/devices/", {"q": "PX-44"}).content.decode()
    assert "PX-4410" in page and "PX-0001" not in page
    page = client.get("/agent/devices/", {"organization": unit.organization_id}).content.decode()
    assert "PX-4410" in page and "PX-0001" not in page
    page = client.get("/agent/devices/", {"product_model": catalogue["GEL-10"].pk}).content.decode()
    assert "No assets match" in page
    assert client.get("/agent/devices/", {"warranty": "maybe"}).status_code == 422
    assert old.pk


def test_the_asset_page_shows_its_tickets_and_firmware_history(unit, agent):
    lead = supervisor()
    ticket = _ticket_for("PX-4410", lead)
    asset_update(asset=unit, changes={"firmware": "2.1.0"}, actor=lead)
    page = _client(agent).get(f"/agent/devices/{unit.pk}/").content.decode()
    assert ticket.ref in page
    assert "Firmware changed" in page and "none → 2.1.0" in page
    assert "In warranty" in page


def test_the_patient_on_the_asset_page_is_hidden_from_administrators(unit):
    from caredesk.accounts.roles import ROLE_ADMIN

    unit.patient_id = "P-5512"
    unit.save()
    admin_page = _client(AgentFactory(role=ROLE_ADMIN)).get(f"/agent/devices/{unit.pk}/")
    assert "P-5512" not in admin_page.content.decode()
    assert "P-5512" in _client(supervisor()).get(f"/agent/devices/{unit.pk}/").content.decode()


CSV = (
    "serial,model,organization,purchased_on\n"
    "PX-9001,PX-200,Harbourview Physio,2025-05-01\n"
    "PX-9002,PX-200,Harbourview Physio,2025-31-01\n"
)


def _upload(client: Client, dry_run: bool):
    data = {"file": SimpleUploadedFile("assets.csv", CSV.encode(), "text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/agent/devices/import/", data)


def test_the_import_screen_dry_run_then_import(unit):
    client = _client(supervisor())
    page = _upload(client, dry_run=True).content.decode()
    assert "Dry run: nothing written" in page
    assert "1 row would be imported, 1 refused." in page
    assert "bad date in purchased_on: &#x27;2025-31-01&#x27;" in page
    assert not Asset.objects.filter(serial="PX-9001").exists()
    page = _upload(client, dry_run=False).content.decode()
    assert "1 asset imported, 1 refused." in page
    assert Asset.objects.filter(serial="PX-9001").exists()


def test_the_import_screen_refuses_a_file_without_the_columns(unit):
    client = _client(supervisor())
    data = {"file": SimpleUploadedFile("x.csv", b"name\nA\n", "text/csv"), "dry_run": "on"}
    response = client.post("/agent/devices/import/", data)
    assert response.status_code == 422
    assert "Add the columns: serial, model." in response.content.decode()


def test_agents_cannot_import(unit, agent):
    assert _client(agent).get("/agent/devices/import/").status_code == 403


def test_the_demo_registers_assets_some_named_by_its_tickets(clock):
    from caredesk.demo import demo_load

    demo_load(tickets=40)
    assert Asset.objects.count() >= 6
    named = Asset.objects.filter(serial__startswith="PT-").first()
    assert named is not None
    from caredesk.tickets.models import Ticket

    ticket = Ticket.objects.filter(device_serial=named.serial).first()
    page = _client(supervisor()).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert 'id="asset-card"' in page and named.product_model.name in page


def test_the_portal_shows_the_organizations_devices_to_its_clinicians_not_patients(unit, catalogue):
    from caredesk.accounts.models import ContactKind
    from tests.factories import requester_with_login

    other = make_asset(catalogue["PX-200"], "PX-ELSEWHERE", organization=OrganizationFactory())
    clinician = requester_with_login(organization=unit.organization, kind=ContactKind.CLINICIAN)
    unit.patient_id = "P-777"
    unit.save()
    page = _client(clinician.user).get("/portal/devices/").content.decode()
    assert "PX-4410" in page and "In warranty" in page
    assert other.serial not in page and "P-777" not in page
    patient = requester_with_login(organization=unit.organization)
    assert _client(patient.user).get("/portal/devices/").status_code == 403
    assert 'href="/portal/devices/"' not in _client(patient.user).get("/portal/").content.decode()
