"""The incidents API with an `incidents` token: declare, link tickets, a notified update that
reaches the requesters, resolve; bad bodies answered field by field."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from caredesk.accounts.services import token_create
from caredesk.incidents.models import Component, Service
from caredesk.tickets.models import Status
from tests.factories import ContactFactory, make_ticket, supervisor

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _call(client: Client, secret: str, method: str, path: str, body: object = None):
    return getattr(client, method)(
        f"{API}{path}",
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_an_integration_declares_links_tells_and_resolves(
    clock, django_capture_on_commit_callbacks
):
    lead = supervisor()
    service = Service.objects.create(name="Scheduling")
    Component.objects.create(
        service=service, name="Booking", slug="booking", state_since=clock(), created_at=clock()
    )
    _token, secret = token_create(user=lead, name="status bot", scopes=["incidents"])
    client = Client()

    refused = _call(client, secret, "post", "/incidents", {"title": "", "severity": 7})
    assert refused.status_code == 422
    fields = (
        {e["field"] for e in refused.json()["errors"]}
        if isinstance(refused.json()["errors"], list)
        else set(refused.json()["errors"])
    )
    assert {"title", "severity"} <= fields
    unknown = _call(
        client, secret, "post", "/incidents",
        {"title": "Booking fails", "severity": 2, "components": [{"slug": "nope"}]},
    )  # fmt: skip
    assert unknown.status_code == 422

    made = _call(
        client, secret, "post", "/incidents",
        {"title": "Booking fails", "severity": 2, "components": [{"slug": "booking"}]},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert made.json()["components"] == [{"slug": "booking", "state": "major_outage"}]

    tickets = [make_ticket(ContactFactory(), subject="Cannot book") for _ in range(3)]
    linked = _call(
        client, secret, "post", f"/incidents/{number}/tickets",
        {"ticket_ids": [t.pk for t in tickets] + [10**8]},
    )  # fmt: skip
    assert [r["outcome"] for r in linked.json()] == ["changed"] * 3 + ["refused"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        posted = _call(
            client, secret, "post", f"/incidents/{number}/updates",
            {"body": "Bookings queue; we are on it.", "notify": True},
        )  # fmt: skip
    assert posted.status_code == 201
    assert len([m for m in mail.outbox if "Bookings queue" in m.body]) == 3

    with django_capture_on_commit_callbacks(execute=True):
        done = _call(
            client, secret, "post", f"/incidents/{number}/resolve",
            {"body": "Fixed.", "keep_open_ticket_ids": [tickets[0].pk]},
        )  # fmt: skip
    assert done.status_code == 200 and done.json()["state"] == "resolved"
    statuses = []
    for t in tickets:
        t.refresh_from_db()
        statuses.append(t.status)
    assert statuses == [Status.OPEN, Status.SOLVED, Status.SOLVED]
    again = _call(client, secret, "post", f"/incidents/{number}/resolve", {})
    assert again.status_code == 409
    read = _call(client, secret, "get", f"/incidents/{number}")
    assert read.json()["linked_tickets"] == 3 and read.json()["seconds_to_resolve"] is not None
    assert _call(client, secret, "get", "/incidents/999").status_code == 404
