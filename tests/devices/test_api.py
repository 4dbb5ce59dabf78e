"""The assets API: register, list with filters, read, change, import; 4xx with field errors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from caredesk.devices.models import Asset, AssetEvent
from tests.api.conftest import ApiClient, assert_problem
from tests.devices.conftest import make_asset
from tests.factories import AgentFactory, OrganizationFactory, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(catalogue):
    return ApiClient(supervisor())


@pytest.fixture
def agent(catalogue):
    return ApiClient(AgentFactory())


def test_a_lead_registers_an_asset_and_reads_its_entitlement(clock, lead):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    org = OrganizationFactory(name="Kestrel Rehab")
    body = {
        "serial": "PX-3001",
        "model": "PX-200",
        "organization": "Kestrel Rehab",
        "purchased_on": "2025-01-20",
        "in_clinical_use": True,
        "patient_id": "P-100",
    }
    created = lead.post("/assets", body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["organization_id"], out["model"], out["in_clinical_use"]) == (
        org.pk,
        "PX-200",
        True,
    )
    assert out["entitlement"] == {  # 24 months from the purchase, 79 days left
        "warranty": "in",
        "warranty_ends_on": "2027-01-20",
        "free_repair": True,
        "plan": "",
        "contract": "",
        "loaner": False,
        "replacement_hours": None,
        "response_minutes": None,
        "channels": [],
    }
    got = lead.get(f"/assets/{out['id']}").json()
    assert got["serial"] == "PX-3001" and got["patient_id"] == "P-100"


def test_warranty_on_the_api_follows_the_clock(clock, lead, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    a = make_asset(catalogue["PX-200"], "PX-1", purchased_on=date(2025, 1, 20))  # ends 2027-01-20
    b = make_asset(catalogue["PX-200"], "PX-2", purchased_on=date(2024, 1, 20))  # ended
    c = make_asset(catalogue["PX-200"], "PX-3", purchased_on=date(2026, 6, 1))
    make_asset(catalogue["PX-200"], "PX-4", purchased_on=None)
    states = {
        i["serial"]: i["entitlement"]["warranty"] for i in lead.get("/assets").json()["items"]
    }
    assert states == {"PX-1": "in", "PX-2": "out", "PX-3": "in", "PX-4": "unknown"}
    assert [i["id"] for i in lead.get("/assets", warranty="out").json()["items"]] == [b.pk]
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))  # 56 days before 2027-01-20
    assert [i["id"] for i in lead.get("/assets", warranty="ending").json()["items"]] == [a.pk]
    assert [i["id"] for i in lead.get("/assets", serial="PX-3").json()["items"]] == [c.pk]
    assert len(lead.get("/assets", serial="PX-*").json()["items"]) == 4


def test_filters_by_owner_and_model(clock, lead, catalogue):
    org = OrganizationFactory()
    mine = make_asset(catalogue["PX-200"], "A-1", organization=org)
    pads = make_asset(catalogue["GEL-10"], "A-2")
    assert [i["id"] for i in lead.get("/assets", organization_id=org.pk).json()["items"]] == [
        mine.pk
    ]
    assert [i["id"] for i in lead.get("/assets", model="gel-10").json()["items"]] == [pads.pk]
    assert_problem(lead.get("/assets", model="NOPE"), 422, "model")
    assert_problem(lead.get("/assets", warranty="maybe"), 422)


@pytest.mark.parametrize(
    ("body", "status", "fields"),
    [
        ({"serial": "X-1", "model": "NOPE"}, 422, ("model",)),
        ({"serial": "X-1", "model": "PX-200", "organization": "Nowhere"}, 422, ("organization",)),
        ({"serial": "X-1", "model": "PX-200", "purchased_on": "2025-13-01"}, 422, ()),
        (
            {"serial": "X-1", "model": "PX-200", "purchased_on": "2099-01-01"},
            422,
            ("purchased_on",),
        ),
        ({"serial": "", "model": "PX-200"}, 422, ()),
        ({"serial": "X" * 65, "model": "PX-200"}, 422, ()),
        ({"serial": "X-1", "model": "PX-200", "colour": "red"}, 422, ()),
        ({"serial": "X-1", "model": "PX-200", "in_clinical_use": "yes"}, 422, ()),
    ],
)
def test_bad_input_is_a_4xx_with_field_errors(clock, lead, body, status, fields):
    assert_problem(lead.post("/assets", body), status, *fields)
    assert not Asset.objects.exists()


def test_a_duplicate_serial_for_the_same_model_is_a_conflict(clock, lead, catalogue):
    make_asset(catalogue["PX-200"], "D-1")
    assert_problem(lead.post("/assets", {"serial": "D-1", "model": "PX-200"}), 409, "serial")
    # the same serial on another model is another unit
    assert lead.post("/assets", {"serial": "D-1", "model": "GEL-10"}).status_code == 201


def test_agents_read_but_do_not_register(clock, agent, catalogue):
    make_asset(catalogue["PX-200"], "R-1", patient_id="P-9")
    items = agent.get("/assets").json()["items"]
    assert items[0]["serial"] == "R-1" and items[0]["patient_id"] == "P-9"
    assert_problem(agent.post("/assets", {"serial": "R-2", "model": "PX-200"}), 403)
    assert_problem(
        agent.post("/assets/import", {"assets": [{"serial": "R-2", "model": "PX-200"}]}), 403
    )


def test_the_patient_is_masked_for_administrators(clock, catalogue):
    from caredesk.accounts.roles import ROLE_ADMIN

    make_asset(catalogue["PX-200"], "M-1", patient_id="P-9")
    admin = ApiClient(AgentFactory(role=ROLE_ADMIN))
    assert admin.get("/assets").json()["items"][0]["patient_id"] == "••••••"


def test_bulk_import_per_row_with_a_dry_run(clock, lead, catalogue):
    body = {
        "dry_run": True,
        "assets": [
            {"serial": "B-1", "model": "PX-200"},
            {"serial": "B-2", "model": "NOPE"},
            {"serial": "B-1", "model": "PX-200"},
        ],
    }
    dry = lead.post("/assets/import", body).json()
    assert (dry["accepted"], dry["written"], dry["created"]) == (1, 0, [])
    assert [(r["index"], list(r["errors"])) for r in dry["refused"]] == [
        (1, ["model"]),
        (2, ["serial"]),
    ]
    assert not Asset.objects.exists()
    done = lead.post("/assets/import", {**body, "dry_run": False}).json()
    assert done["written"] == 1 and done["created"] == [Asset.objects.get(serial="B-1").pk]
    assert_problem(lead.post("/assets/import", {"assets": []}), 422)


def test_a_firmware_change_through_the_api_is_an_event(clock, lead, catalogue):
    asset = make_asset(catalogue["PX-200"], "F-1", firmware="2.0.1")
    out = lead.patch(f"/assets/{asset.pk}", {"firmware": "2.1.0"}).json()
    assert out["firmware"] == "2.1.0"
    event = AssetEvent.objects.get(asset=asset, kind="firmware")
    assert event.data == {"from": "2.0.1", "to": "2.1.0"}
    assert_problem(
        lead.patch(f"/assets/{asset.pk}", {"organization_id": 999999}), 422, "organization_id"
    )
    assert_problem(lead.patch(f"/assets/{asset.pk}", {"serial": "NEW"}), 422)
    assert_problem(lead.get("/assets/999999"), 404)


def test_a_date_must_be_written_as_a_date(clock, lead):
    body = {"serial": "N-1", "model": "PX-200", "installed_on": 0}
    assert_problem(lead.post("/assets", body), 422)
    assert_problem(lead.post("/assets/import", {"assets": [body]}), 422)
