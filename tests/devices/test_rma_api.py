"""The RMA API under the devices scope: open from a ticket, list and read, move through the
statuses with 409/422 refusals, record parts; roles decide, never the scope alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.api.conftest import ApiClient, assert_problem
from tests.devices.rma_helpers import another_unit, bench, checklist_for
from tests.factories import ContactFactory, make_ticket, requester_with_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def b(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    checklist_for(catalogue["PX-200"], "Self test passes")
    return bench(catalogue)


def test_an_rma_through_the_api(b, django_assert_max_num_queries):
    agent, tech = ApiClient(b.agent), ApiClient(b.technician)
    created = agent.post("/rmas", {"ticket_id": b.ticket.pk})
    assert created.status_code == 201, created.content
    rma = created.json()
    assert rma["status"] == "issued" and rma["warranty"] is True and rma["serial"] == "PX-5001"
    assert [c["text"] for c in rma["checks"]] == ["Self test passes"]
    url = f"/rmas/{rma['id']}"
    assert_problem(agent.post(f"{url}/transition", {"status": "received"}), 403)
    assert_problem(tech.post(f"{url}/transition", {"status": "shipped"}), 409, "status")
    assert_problem(tech.post(f"{url}/transition", {"status": "cancelled"}), 422, "reason")
    assert_problem(tech.post(f"{url}/transition", {"status": "lost"}), 422)
    moved = tech.post(f"{url}/transition", {"status": "received", "tracking": "1Z-IN"})
    assert moved.status_code == 200 and moved.json()["tracking_in"] == "1Z-IN"
    assert {c["metric"] for c in moved.json()["clocks"]} >= {"rma.diagnosis", "rma.repair"}
    assert_problem(tech.post(f"{url}/parts", {"part": "NOPE", "quantity": 1}), 422, "part")
    assert_problem(tech.post(f"{url}/parts", {"part": "BAT-2", "quantity": 0}), 422)
    line = tech.post(f"{url}/parts", {"part": "BAT-2", "quantity": 2})
    assert line.status_code == 201 and line.json()["parts_cost"] == "85.00"
    for status in ("diagnosed", "repaired"):
        tech.post(f"{url}/transition", {"status": status})
    refused = assert_problem(tech.post(f"{url}/transition", {"status": "validated"}), 409)
    assert "bench validation" in refused["detail"]
    assert agent.get(url).json()["status"] == "repaired"
    listed = agent.get("/rmas", status="open").json()["items"]
    assert [r["number"] for r in listed] == [rma["number"]]
    assert_problem(agent.get("/rmas", status="lost"), 422)
    assert_problem(agent.get("/rmas/999999"), 404)
    with django_assert_max_num_queries(30) as few:
        assert len(agent.get("/rmas").json()["items"]) == 1
    budget = len(few.captured_queries)  # read now: the next request clears the log
    busy = agent.post("/rmas", {"ticket_id": b.ticket.pk})
    assert (
        assert_problem(busy, 409, "asset")["detail"]
        == f"{rma['number']} is already open for this unit."
    )
    for i in range(3):
        other = another_unit(b, f"PX-70{i}")
        assert agent.post("/rmas", {"ticket_id": other.pk}).status_code == 201
    with django_assert_max_num_queries(budget):
        assert len(agent.get("/rmas").json()["items"]) == 4


def test_bad_bodies_and_tickets_are_refused(b):
    agent = ApiClient(b.agent)
    assert_problem(agent.post("/rmas", {"ticket_id": "x"}), 422)
    assert_problem(agent.post("/rmas", {"ticket_id": 1, "extra": 1}), 422)
    assert_problem(
        agent.post("/rmas", {"ticket_id": b.ticket.pk, "warranty": False}), 422, "reason"
    )
    nameless = make_ticket(ContactFactory())
    assert_problem(agent.post("/rmas", {"ticket_id": nameless.pk}), 422, "asset")
    assert_problem(agent.post("/rmas", {"ticket_id": 999999}), 404)


def test_requesters_have_no_rma_api(b):
    requester = ApiClient(requester_with_login().user)
    assert requester.get("/rmas").status_code in (401, 403)
