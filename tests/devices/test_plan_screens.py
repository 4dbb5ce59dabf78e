"""The plan and contract screens: a lead makes a contract (field errors first), cancels it
within the money-back period; an administrator edits a plan; the ticket's asset card and the
portal show the plan; pages cost the same whatever their length."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.models import ContactKind
from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.devices.models import Contract, ContractStatus, ServicePlan
from caredesk.devices.plans import NewContract, contract_create
from tests.devices.conftest import make_asset
from tests.factories import (
    AgentFactory,
    OrganizationFactory,
    login_verified,
    make_ticket,
    requester_with_login,
    supervisor,
)

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def org(catalogue):
    org = OrganizationFactory(name="Kestrel Rehab")
    for i in range(6):
        make_asset(catalogue["PX-200"], f"KR-{i}", organization=org)
    return org


def test_a_lead_makes_a_contract_then_cancels_it_with_a_full_refund(clock, org):
    lead = signed_in(supervisor())
    standard = ServicePlan.objects.get(name="Standard")
    form = {
        "organization": org.pk,
        "plan": standard.pk,
        "starts_on": "2026-11-02",
        "months": 12,
        "coverage": "units",
        "serials": "KR-0, KR-1\nKR-2\nKR-3 KR-X",
    }
    refused = lead.post("/agent/devices/contracts/new/", form)
    assert refused.status_code == 422 and b"KR-3 KR-X" in refused.content
    form["serials"] = "KR-0, KR-1\nKR-2\nKR-3\nKR-4\nKR-5"
    made = lead.post("/agent/devices/contracts/new/", form)
    assert made.status_code == 302
    contract = Contract.objects.get()
    assert (contract.units, contract.total) == (6, Decimal("804.60"))
    page = lead.get(made["Location"])
    assert page.status_code == 200 and b"10 % (more than 5 units)" in page.content

    cancel = f"/agent/devices/contracts/{contract.pk}/cancel/"
    preview = lead.get(cancel)
    assert b"everything paid" in preview.content and b"804.60" in preview.content
    assert lead.post(cancel, {"reason": ""}).status_code == 422
    assert lead.post(cancel, {"reason": "service", "note": "Slow repairs"}).status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.refund) == (ContractStatus.CANCELLED, Decimal("804.60"))
    assert lead.get(cancel).status_code == 409


def test_an_administrator_edits_a_plan(clock):
    admin = AgentFactory(role=ROLE_ADMIN)
    client = signed_in(admin)
    basic = ServicePlan.objects.get(name="Basic")
    url = f"/agent/devices/plans/{basic.pk}/"
    data = {
        "name": "Basic",
        "description": "",
        "price_per_unit_year": "59.00",
        "free_repair": "on",
        "channels": ["chat"],
        "preventive_visits": 0,
        "sla_tier": "",
        "active": "on",
        "position": 10,
    }
    assert client.post(url, {**data, "price_per_unit_year": "-1"}).status_code == 422
    assert client.post(url, {**data, "name": "Premium"}).status_code == 422
    assert client.post(url, data).status_code == 302
    basic.refresh_from_db()
    assert (basic.price_per_unit_year, basic.channels) == (Decimal("59.00"), ["chat"])
    menu = client.get("/agent/devices/plans/")
    assert b"Service plans" in menu.content and b"Live chat" in menu.content


def test_the_ticket_page_card_shows_the_plan_and_the_portal_the_contracts(clock, catalogue, org):
    unit = org.assets.get(serial="KR-0")
    contract_create(
        data=NewContract(
            organization=org,
            plan=ServicePlan.objects.get(name="Premium"),
            starts_on=clock.current.date(),
            assets=[unit],
        ),
        actor=None,
    )
    requester = requester_with_login(organization=org)
    ticket = make_ticket(requester, structured={"device_serial": "KR-0"})
    page = signed_in(supervisor()).get(f"/agent/tickets/{ticket.pk}/")
    card = page.content.decode()
    assert "Premium" in card and "Shipped within 48 h" in card and "Phone 24/7" in card

    admin = requester_with_login(organization=org, kind=ContactKind.CLIENT_ADMIN)
    portal = signed_in(admin.user).get("/portal/devices/")
    assert portal.status_code == 200 and b"portal-contracts" in portal.content
    clinician = requester_with_login(organization=org, kind=ContactKind.CLINICIAN)
    theirs = signed_in(clinician.user).get("/portal/devices/")
    assert b"portal-contracts" not in theirs.content and b"Premium" in theirs.content


def test_lists_cost_the_same_whatever_their_length(clock, catalogue, org):
    lead_user = supervisor()
    lead = signed_in(lead_user)
    standard = ServicePlan.objects.get(name="Standard")

    def add(n):
        for i in range(n):
            unit = make_asset(
                catalogue["PX-200"], f"L-{Contract.objects.count()}-{i}", organization=org
            )
            contract_create(
                data=NewContract(
                    organization=org,
                    plan=standard,
                    starts_on=clock.current.date(),
                    months=1,
                    assets=[unit],
                ),
                actor=None,
            )

    add(1)
    counts = {}
    for n in (1, 10):
        if n == 10:
            add(9)
        for url in ("/agent/devices/contracts/", "/agent/devices/renewals/", "/agent/devices/"):
            with CaptureQueriesContext(connection) as ctx:
                assert lead.get(url).status_code == 200
            counts.setdefault(url, []).append(len(ctx.captured_queries))
    assert all(a == b for a, b in counts.values()), counts
