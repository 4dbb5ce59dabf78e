"""RMA desk screens: opening from the ticket page, the list and its filters, the page's status
buttons and refusals, the bench form's field messages, and constant query counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from caredesk.devices.models import Rma
from caredesk.devices.rma import rma_open, rma_part_add, rma_transition
from tests.devices.rma_helpers import another_unit, bench, checklist_for
from tests.factories import login_verified, make_ticket, supervisor

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 12, tzinfo=UTC)


def _client(user) -> Client:
    c = Client()
    login_verified(c, user)
    return c


@pytest.fixture
def b(clock, catalogue):
    clock.set(T0)
    return bench(catalogue)


def test_an_agent_opens_an_rma_from_the_ticket_page(b):
    client = _client(b.agent)
    page = client.get(f"/agent/tickets/{b.ticket.pk}/").content.decode()
    assert 'id="open-rma"' in page and 'id="rma-suggestion"' not in page
    response = client.post(f"/agent/devices/rmas/open/{b.ticket.pk}/", {"coverage": ""})
    rma = Rma.objects.get(ticket=b.ticket)
    assert response.status_code == 302 and response["Location"] == f"/agent/devices/rmas/{rma.pk}/"
    page = client.get(f"/agent/tickets/{b.ticket.pk}/").content.decode()
    assert rma.number in page and 'id="open-rma"' not in page
    assert f"{rma.number} opened" in page  # the ticket's history
    # an agent follows it but does not work the bench
    detail = client.get(f"/agent/devices/rmas/{rma.pk}/").content.decode()
    assert "Mark received" not in detail and 'id="bench-form"' not in detail
    assert (
        client.post(f"/agent/devices/rmas/{rma.pk}/status/", {"to": "received"}).status_code == 403
    )


def test_a_paid_override_without_a_reason_is_refused_on_the_ticket(b):
    client = _client(b.agent)
    response = client.post(
        f"/agent/devices/rmas/open/{b.ticket.pk}/", {"coverage": "paid"}, follow=True
    )
    assert "Say why the repair is paid" in response.content.decode()
    assert not Rma.objects.exists()


def test_a_repeat_failure_suggests_an_rma(b, clock):
    clock.advance(days=3)
    again = make_ticket(b.requester, structured={"device_serial": b.asset.serial})
    page = _client(b.agent).get(f"/agent/tickets/{again.pk}/").content.decode()
    assert 'id="rma-suggestion"' in page


def test_the_technician_works_the_bench_with_field_messages(b, catalogue):
    checklist_for(catalogue["PX-200"], "Self test passes")
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    client = _client(b.technician)
    url = f"/agent/devices/rmas/{rma.pk}/"
    assert client.post(f"{url}status/", {"to": "shipped"}).status_code == 409
    assert client.post(f"{url}status/", {"to": "bogus"}).status_code == 422
    cancel = client.post(f"{url}status/", {"to": "cancelled", "reason": ""})
    assert cancel.status_code == 422 and "Say why the RMA is cancelled." in cancel.content.decode()
    assert client.post(f"{url}status/", {"to": "received", "tracking": "1Z-IN"}).status_code == 302
    bad = client.post(
        f"{url}bench/",
        {"labour_minutes": "-4", "labour_rate": "abc", "failure_mode": "other"},
    )
    body = bad.content.decode()
    assert bad.status_code == 422 and "field-error" in body
    bad = client.post(
        f"{url}bench/", {"labour_minutes": "30", "labour_rate": "80", "failure_mode": "other"}
    )
    assert bad.status_code == 422 and "Describe the failure." in bad.content.decode()
    ok = client.post(
        f"{url}bench/",
        {
            "labour_minutes": "30",
            "labour_rate": "80",
            "failure_mode": "battery",
            "findings": "Swollen cell",
            "technician": str(b.technician.pk),
        },
    )
    assert ok.status_code == 302
    assert client.post(f"{url}parts/", {"part": b.part.pk, "quantity": "0"}).status_code == 422
    assert client.post(f"{url}parts/", {"part": b.part.pk, "quantity": "2"}).status_code == 302
    for to in ("diagnosed", "repaired"):
        client.post(f"{url}status/", {"to": to})
    refused = client.post(f"{url}status/", {"to": "validated"})
    assert refused.status_code == 409 and "Finish the bench validation" in refused.content.decode()
    step = rma.checks.get()
    client.post(f"{url}checks/{step.pk}/", {"done": "1"})
    assert client.post(f"{url}status/", {"to": "validated"}).status_code == 302
    page = client.get(url).content.decode()
    assert "125.00" in page and "Validated" in page
    asset_page = client.get(f"/agent/devices/{b.asset.pk}/").content.decode()
    assert f'href="/agent/devices/rmas/{rma.pk}/"' in asset_page


def test_the_list_filters_by_status_and_overdue_in_constant_queries(
    b, clock, django_assert_max_num_queries, long_sessions
):
    lead = supervisor()
    client = _client(lead)
    first = rma_open(ticket=b.ticket, actor=lead)
    first = rma_transition(rma=first, to="received", actor=lead)
    client.get("/agent/devices/rmas/")
    with django_assert_max_num_queries(200) as before:
        client.get("/agent/devices/rmas/")
    for i in range(4):
        other = another_unit(b, f"PX-60{i}")
        r = rma_open(ticket=other, actor=lead)
        r = rma_transition(rma=r, to="received", actor=lead)
        rma_part_add(rma=r, part=b.part, quantity=1, actor=lead)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get("/agent/devices/rmas/").content.decode()
    assert page.count("badge rma-status") == 5
    assert (
        client.get("/agent/devices/rmas/", {"overdue": "on"})
        .content.decode()
        .count("badge rma-status")
        == 0
    )
    clock.advance(hours=49)
    overdue = client.get("/agent/devices/rmas/", {"overdue": "on"}).content.decode()
    assert overdue.count("badge rma-status") == 5
    closed = client.get("/agent/devices/rmas/", {"status": "closed"}).content.decode()
    assert "No RMAs match" in closed
    assert client.get("/agent/devices/rmas/", {"status": "nope"}).status_code == 422
    detail = f"/agent/devices/rmas/{first.pk}/"
    client.get(detail)
    with django_assert_max_num_queries(200) as one:
        client.get(detail)
    for _ in range(3):
        rma_part_add(rma=first, part=b.part, quantity=1, actor=lead)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(detail)


def test_the_ticket_page_costs_the_same_whatever_the_units_returns(
    b, django_assert_max_num_queries
):
    lead = supervisor()
    client = _client(lead)
    first = rma_open(ticket=b.ticket, actor=lead)
    client.get(f"/agent/tickets/{b.ticket.pk}/")
    with django_assert_max_num_queries(200) as before:
        client.get(f"/agent/tickets/{b.ticket.pk}/")
    budget = len(before.captured_queries)
    rma_transition(rma=first, to="cancelled", actor=lead, reason="Opened twice")
    for _ in range(4):
        r = rma_open(ticket=b.ticket, actor=lead)
        make_ticket(b.requester, structured={"device_serial": b.asset.serial})
        if Rma.objects.filter(ticket=b.ticket).count() < 5:
            rma_transition(rma=r, to="cancelled", actor=lead, reason="Duplicate")
    with django_assert_max_num_queries(budget):
        page = client.get(f"/agent/tickets/{b.ticket.pk}/").content.decode()
    assert page.count("badge rma-status") == 5
