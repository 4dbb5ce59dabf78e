"""Webhooks from rules: signed per Standard Webhooks, delivered after commit, retried with
backoff, given up on permanent failures, switched off after repeated ones, and never sent into
the internal network unless an administrator allows it."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from caredesk.core.models import OutboxItem, OutboxStatus
from caredesk.core.outbox import outbox_deliver
from caredesk.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from caredesk.integrations.services import webhook_enqueue
from caredesk.tickets.models import EventKind, TicketEvent
from tests.factories import ContactFactory, make_ticket

pytestmark = pytest.mark.django_db


def endpoint(peer, **kw) -> WebhookEndpoint:
    from caredesk.core import clock

    defaults = {
        "name": "Ops hub",
        "slug": "ops-hub",
        "url": f"{peer.url}/hooks/caredesk",
        "allow_private": True,
    }
    return WebhookEndpoint.objects.create(created_at=clock.now(), **{**defaults, **kw})


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's side of the specification, written from it independently."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return any(sig.split(",", 1)[1] == expected for sig in headers["webhook-signature"].split())


@pytest.fixture
def ticket(clock):
    return make_ticket(ContactFactory(name="Quinn Merriweather"), subject="Pump E-17 after update")


def test_a_delivery_is_signed_and_carries_ids_not_content(peer, ticket, clock):
    target = endpoint(peer)
    delivery = webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.escalated")
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.WEBHOOK_QUEUED).exists()
    assert outbox_deliver() == 1
    (got,) = peer.received
    assert got.path == "/hooks/caredesk" and got.headers["content-type"] == "application/json"
    assert verify(target.secret, got.headers, got.body)
    assert got.headers["webhook-id"] == delivery.message_id
    assert int(got.headers["webhook-timestamp"]) == int(clock.current.timestamp())
    payload = got.json()
    assert payload["type"] == "ticket.escalated" and payload["data"]["ticket_id"] == ticket.pk
    assert b"Pump" not in got.body and b"Quinn" not in got.body  # no health information
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )


def test_a_business_associate_endpoint_gets_the_ticket_content(peer, ticket):
    endpoint(peer, business_associate=True)
    webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created")
    outbox_deliver()
    data = peer.received[0].json()["data"]
    assert (
        data["subject"] == "Pump E-17 after update"
        and data["requester"]["name"] == "Quinn Merriweather"
    )


def test_a_server_error_is_retried_later_with_the_same_id(peer, ticket, clock):
    endpoint(peer)
    peer.answers = [(503, b"busy"), (200, b"{}")]
    webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created")
    assert outbox_deliver() == 0
    item = OutboxItem.objects.get(kind="webhook")
    assert item.status == OutboxStatus.PENDING and item.available_at > clock.current
    assert outbox_deliver() == 0, "not due yet: backoff"
    clock.set(item.available_at)
    assert outbox_deliver() == 1
    first, second = peer.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]  # the idempotency key
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


def test_a_client_error_is_permanent_and_five_in_a_row_switch_the_endpoint_off(peer, ticket):
    target = endpoint(peer)
    peer.answers = [(410, b"gone")] * 5
    for _ in range(5):
        webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created")
        outbox_deliver()
    assert OutboxItem.objects.filter(kind="webhook", status=OutboxStatus.FAILED).count() == 5
    target.refresh_from_db()
    assert not target.active and "5 permanent failures" in target.disabled_reason
    assert webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created") is None
    assert len(peer.received) == 5


def test_an_internal_address_is_refused_unless_an_admin_allows_it(peer, ticket):
    endpoint(peer, allow_private=False)
    webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created")
    assert outbox_deliver() == 0
    assert peer.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "internal address" in delivery.last_error
    assert OutboxItem.objects.get(kind="webhook").status == OutboxStatus.FAILED  # not retried
