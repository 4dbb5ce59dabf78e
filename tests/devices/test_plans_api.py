"""The service plans and contracts API: read plans, make, read and cancel contracts; 4xx with
field errors; agents read but neither make nor cancel."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.devices.models import Contract
from tests.api.conftest import ApiClient, assert_problem
from tests.devices.conftest import make_asset
from tests.factories import AgentFactory, OrganizationFactory, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(catalogue):
    org = OrganizationFactory(name="Kestrel Rehab")
    for i in range(6):
        make_asset(catalogue["PX-200"], f"KR-{i}", organization=org)
    return org


def _premium(api):
    return next(p for p in api.get("/service-plans").json()["items"] if p["name"] == "Premium")


def test_a_lead_makes_reads_and_cancels_a_contract(clock, org):
    lead = ApiClient(supervisor())
    premium = _premium(lead)
    assert premium["price_per_unit_year"] == "399.00" and premium["sla_plan"] == "premium"
    body = {
        "organization_id": org.pk,
        "plan_id": premium["id"],
        "starts_on": "2026-11-02",
        "serials": [f"KR-{i}" for i in range(6)],
        "auto_renew": True,
    }
    made = lead.post("/contracts", body)
    assert made.status_code == 201, made.content
    out = made.json()
    assert (out["units"], out["discount_percent"], out["total"]) == (6, "10.00", "2154.60")
    assert (out["ends_on"], out["money_back_until"]) == ("2027-11-01", "2026-12-01")
    assert lead.get(f"/contracts/{out['id']}").json()["reference"] == out["reference"]
    listed = lead.get("/contracts", organization_id=org.pk).json()["items"]
    assert [c["id"] for c in listed] == [out["id"]]
    asset = lead.get("/assets", serial="KR-0").json()["items"][0]
    assert asset["entitlement"]["plan"] == "Premium"
    assert asset["entitlement"]["contract"] == out["reference"]

    clock.advance(days=10)
    cancelled = lead.post(f"/contracts/{out['id']}/cancel", {"reason": "price"})
    assert cancelled.status_code == 200, cancelled.content
    got = cancelled.json()
    assert (got["refund"], got["money_back"], got["contract"]["status"]) == (
        "2154.60",
        True,
        "cancelled",
    )
    again = lead.post(f"/contracts/{out['id']}/cancel", {"reason": "price"})
    assert_problem(again, 409)


def test_bad_input_is_refused_by_field(clock, org, catalogue):
    lead = ApiClient(supervisor())
    plan_id = _premium(lead)["id"]
    base = {"organization_id": org.pk, "plan_id": plan_id, "starts_on": "2026-11-02"}
    assert_problem(lead.post("/contracts", {**base, "serials": ["NOPE"]}), 422, "serials")
    assert_problem(lead.post("/contracts", {**base, "serials": []}), 422, "assets")
    assert_problem(lead.post("/contracts", {**base, "starts_on": 20261102}), 422)
    assert_problem(lead.post("/contracts", {**base, "months": 0, "serials": ["KR-1"]}), 422)
    assert_problem(
        lead.post("/contracts", {**base, "coverage": "models", "models": ["XX-1"]}), 422, "models"
    )
    assert_problem(lead.post("/contracts", {**base, "organization_id": 999999}), 422)
    assert_problem(lead.get("/contracts", status="gone"), 422)
    assert_problem(lead.get("/contracts/999999"), 404)
    made = lead.post("/contracts", {**base, "coverage": "models", "models": ["px-200"]})
    assert made.status_code == 201 and made.json()["units"] == 6
    cancel = f"/contracts/{made.json()['id']}/cancel"
    assert_problem(lead.post(cancel, {"reason": "whim"}), 422)
    assert_problem(lead.post(cancel, {"reason": "other"}), 422, "note")
    assert Contract.objects.count() == 1


def test_agents_cannot_make_or_cancel(clock, org):
    lead, agent = ApiClient(supervisor()), ApiClient(AgentFactory())
    plan_id = _premium(agent)["id"]
    body = {"organization_id": org.pk, "plan_id": plan_id, "starts_on": str(date(2026, 11, 2))}
    assert_problem(agent.post("/contracts", {**body, "serials": ["KR-1"]}), 403)
    made = lead.post("/contracts", {**body, "serials": ["KR-1"]}).json()
    assert agent.get(f"/contracts/{made['id']}").status_code == 200
    assert_problem(agent.post(f"/contracts/{made['id']}/cancel", {"reason": "price"}), 403)
