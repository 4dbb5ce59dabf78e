"""Webhooks from rules: signed per Standard Webhooks, delivered after commit, retried with
backoff, given up on permanent failures, switched off after repeated ones, and never sent into
the internal network unless an administrator allows it."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from caredesk.core.models import OutboxItem, OutboxStatus
from caredesk.core.outbox import outbox_add, outbox_deliver
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


def _in_step(delivery: WebhookDelivery, item: OutboxItem) -> None:
    """The delivery log says what the outbox knows."""
    delivery.refresh_from_db()
    item.refresh_from_db()
    expected = {
        OutboxStatus.PENDING: DeliveryStatus.RETRYING if item.attempts else DeliveryStatus.PENDING,
        OutboxStatus.SENT: DeliveryStatus.DELIVERED,
        OutboxStatus.FAILED: DeliveryStatus.FAILED,
    }[item.status]
    assert (delivery.status, delivery.attempts) == (expected, item.attempts)
    waiting = item.status == OutboxStatus.PENDING and (item.attempts or item.replays)
    assert delivery.next_attempt_at == (item.available_at if waiting else None)


def test_the_delivery_log_agrees_with_the_outbox_until_given_up_after_the_whole_schedule(
    peer, ticket, clock
):
    from caredesk.core.outbox import max_attempts

    endpoint(peer)
    peer.answers = [(503, b"down for maintenance")] * max_attempts()
    delivery = webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created")
    item = OutboxItem.objects.get(kind="webhook")
    _in_step(delivery, item)
    for _ in range(max_attempts()):
        clock.set(item.available_at)
        outbox_deliver()
        _in_step(delivery, item)
        assert (delivery.last_status_code, delivery.last_error) == (503, "HTTP 503")
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 8)
    assert len(peer.received) == 8
    assert len({got.headers["webhook-id"] for got in peer.received}) == 1


def test_after_an_outage_every_waiting_delivery_goes_out_at_its_next_step(peer, ticket, clock):
    endpoint(peer)
    peer.answers = [(502, b"")] * 6  # the receiver is down for the first attempts of all three
    for event in ("ticket.created", "ticket.escalated", "ticket.solved"):
        webhook_enqueue(ticket=ticket, endpoint="ops-hub", event=event)
    assert outbox_deliver() == 0
    clock.advance(seconds=6)
    assert outbox_deliver() == 0  # the second attempts, still down
    assert OutboxItem.objects.filter(attempts=2, status=OutboxStatus.PENDING).count() == 3
    clock.advance(minutes=5.5)  # within the next step the receiver is back
    assert outbox_deliver() == 3
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {
        (DeliveryStatus.DELIVERED, 3)
    }
    assert len(peer.received) == 9


def test_a_permanent_failure_is_written_in_both_places_at_once(peer, ticket):
    endpoint(peer)
    peer.answers = [(404, b"no such hook")]
    delivery = webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created")
    outbox_deliver()
    _in_step(delivery, OutboxItem.objects.get(kind="webhook"))
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, 404)


def _admin(client, role: str):  # type: ignore[no-untyped-def]
    from tests.factories import AgentFactory, login_verified

    user = AgentFactory(role=role)
    login_verified(client, user)
    return user


def test_an_administrator_replays_given_up_deliveries_from_the_admin(client, peer, ticket, clock):
    from caredesk.accounts.roles import ROLE_ADMIN
    from caredesk.compliance.models import AuditEntry

    endpoint(peer)
    peer.answers = [(410, b"gone")]
    delivery = webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created")
    outbox_deliver()
    item = OutboxItem.objects.get(kind="webhook")
    assert item.status == OutboxStatus.FAILED
    administrator = _admin(client, ROLE_ADMIN)

    listing = client.get("/admin/integrations/webhookdelivery/?status=failed")
    assert listing.status_code == 200 and b"Replay the selected" in listing.content
    answer = client.post(
        "/admin/integrations/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert answer.status_code == 200 and b"1 given-up item(s) queued again" in answer.content
    _in_step(delivery, item)
    assert (delivery.status, item.replays) == (DeliveryStatus.PENDING, 1)
    entry = AuditEntry.objects.get(action="outbox.replayed")
    assert (entry.actor_id, entry.ticket_id, entry.object_id) == (
        administrator.pk,
        ticket.pk,
        str(item.pk),
    )

    again = client.post(
        "/admin/integrations/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert b"were not given up" in again.content
    assert AuditEntry.objects.filter(action="outbox.replayed").count() == 1

    assert outbox_deliver() == 1
    _in_step(delivery, item)
    assert delivery.last_status_code == 200
    assert peer.received[0].headers["webhook-id"] == peer.received[1].headers["webhook-id"]


def test_the_outbox_admin_lists_items_without_their_content_and_replays_them(client, peer, ticket):
    from caredesk.accounts.roles import ROLE_ADMIN

    item = outbox_add(kind="email", payload={"to": ["x@patients.example"], "subject": "Pump"})
    OutboxItem.objects.filter(pk=item.pk).update(status=OutboxStatus.FAILED, last_error="550")
    _admin(client, ROLE_ADMIN)
    listing = client.get("/admin/core/outboxitem/")
    assert listing.status_code == 200
    page = client.get(f"/admin/core/outboxitem/{item.pk}/change/")
    assert page.status_code == 200 and b"550" in page.content
    assert b"x@patients.example" not in page.content and b"Pump" not in page.content
    client.post("/admin/core/outboxitem/", {"action": "replay", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.status == OutboxStatus.PENDING


def test_staff_without_the_replay_permission_cannot_replay(client, peer, ticket):
    from django.contrib.auth.models import Permission

    from tests.factories import AgentFactory, login_verified

    endpoint(peer)
    peer.answers = [(410, b"gone")]
    delivery = webhook_enqueue(ticket=ticket, endpoint="ops-hub", event="ticket.created")
    outbox_deliver()
    reader = AgentFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_webhookdelivery"))
    login_verified(client, reader)
    listing = client.get("/admin/integrations/webhookdelivery/")
    assert listing.status_code == 200 and b"Replay the selected" not in listing.content
    client.post(
        "/admin/integrations/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
    )
    assert OutboxItem.objects.get(kind="webhook").status == OutboxStatus.FAILED


def test_a_new_endpoint_is_saved_from_the_admin(admin_client, clock):
    answer = admin_client.post(
        "/admin/integrations/webhookendpoint/add/",
        {
            "name": "Care team hub",
            "slug": "care-team-hub",
            "url": "https://hooks.northwind-health.example/caredesk",
            "secret": "whsec_" + base64.b64encode(b"k" * 32).decode(),
            "active": "on",
        },
    )
    assert answer.status_code == 302, answer.content[:2000]
    saved = WebhookEndpoint.objects.get(slug="care-team-hub")
    assert saved.created_at == clock.current and saved.failures == 0
    assert (
        admin_client.get(f"/admin/integrations/webhookendpoint/{saved.pk}/change/").status_code
        == 200
    )


def test_the_delivery_log_in_the_admin_withholds_what_a_business_associate_was_sent(clock, ticket):
    from django.test import Client

    from caredesk.accounts.roles import ROLE_ADMIN
    from caredesk.core import clock as desk_clock
    from tests.factories import AgentFactory, login_verified

    target = WebhookEndpoint.objects.create(
        name="Clinic partner",
        slug="clinic",
        url="https://partner.example/hooks",
        business_associate=True,
        created_at=desk_clock.now(),
    )
    delivery = webhook_enqueue(ticket=ticket, endpoint=target.slug, event="ticket.created")
    assert delivery is not None and delivery.payload["data"]["subject"] == ticket.subject
    administrator = AgentFactory(role=ROLE_ADMIN)
    administrator.is_superuser = True
    administrator.save()
    browser = Client()
    login_verified(browser, administrator)
    page = browser.get(f"/admin/integrations/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert ticket.ref in text and "(withheld)" in text
    assert "Pump E-17" not in text and "Merriweather" not in text
