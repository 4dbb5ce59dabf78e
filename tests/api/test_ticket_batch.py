"""Opening tickets: the answer is what a fresh read returns, and batches are all or nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.sla.models import SlaClock
from caredesk.tickets.models import EventKind, Message, Ticket, TicketEvent
from tests.api.conftest import assert_problem, counts
from tests.factories import RequestTypeFactory

pytestmark = pytest.mark.django_db


def item(world, n: int, **extra):
    return {
        "subject": f"Pump alarm E{n:02d} after firmware update",
        "body": f"Unit {n} beeps every minute.",
        "requester_id": world.requester.pk,
        "priority": 2,
        "fields": {"device_serial": f"SN-{n:04d}"},
        **extra,
    }


def test_the_answer_to_a_create_is_what_a_fresh_read_returns(world, api, clock):
    # Given a category with a default team, tags and structured fields
    rtype = RequestTypeFactory(name="Device fault", default_team=world.team_a)
    client = api(world.supervisor)
    created = client.post(
        "/tickets",
        item(world, 1, category=rtype.pk, tags=["pump", "Firmware"], form={"room": "4B"}),
    )
    assert created.status_code == 201, created.content
    # Then reading the ticket back gives exactly the same document, SLA clocks included
    read = client.get(f"/tickets/{created.json()['id']}")
    assert read.json() == created.json()
    assert created.json()["team"] == {"id": world.team_a.pk, "name": world.team_a.name}
    assert created.json()["tags"] == ["firmware", "pump"]
    assert [c["metric"] for c in created.json()["sla"]["clocks"]] == [
        "first_response",
        "resolution",
    ]


def test_the_answer_shows_what_the_protocols_changed(world, api, clock):
    from caredesk.rules.policies import policy_save

    RequestTypeFactory(name="Billing", slug="billing")
    policy_save(
        data={
            "name": "Triage",
            "rules": [
                {
                    "name": "billing words",
                    "when": {"keywords": ["invoice"]},
                    "actions": [
                        {"type": "set_category", "category": "billing"},
                        {"type": "set_team", "team": world.team_b.slug},
                        {"type": "set_priority", "priority": 2},
                        {"type": "add_tags", "tags": ["billing"]},
                    ],
                }
            ],
        },
        actor=None,
    )
    client = api(world.supervisor)
    created = client.post("/tickets", item(world, 5, subject="Invoice sent twice", tags=["first"]))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["category"]["name"], body["team"]["id"], body["priority"]) == (
        "Billing",
        world.team_b.pk,
        2,
    )
    assert body["tags"] == ["billing", "first"]
    assert client.get(f"/tickets/{body['id']}").json() == body  # SLA re-timed for level 2 too


def test_an_agent_opens_a_batch_in_one_go(world, api, clock):
    response = api(world.agent).post(
        "/tickets/batch", {"tickets": [item(world, n, tags=["fleet"]) for n in range(3)]}
    )
    assert response.status_code == 201, response.content
    items = response.json()["items"]
    assert [t["subject"] for t in items] == [
        f"Pump alarm E{n:02d} after firmware update" for n in range(3)
    ]
    assert [t["fields"]["device_serial"] for t in items] == ["SN-0000", "SN-0001", "SN-0002"]
    assert all(t["tags"] == ["fleet"] for t in items)
    # each ticket has its first message, its two events in order, and its SLA clocks
    for t in items:
        ticket = Ticket.objects.get(pk=t["id"])
        assert ticket.tags.count() == 1
        assert Message.objects.get(ticket=ticket).body_text.startswith("Unit ")
        kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
        assert kinds == [EventKind.CREATED, EventKind.MESSAGE_ADDED]
        assert SlaClock.objects.filter(ticket=ticket).count() == 2
        assert ticket.sla_due_at is not None
    assert api(world.agent).get(f"/tickets/{items[1]['id']}").json() == items[1]


def test_one_bad_item_refuses_the_whole_batch_and_names_it(world, api):
    before = counts()
    good = item(world, 1)
    response = api(world.agent).post(
        "/tickets/batch",
        {"tickets": [good, item(world, 2, subject="   "), item(world, 3, category=999_999)]},
    )
    body = assert_problem(response, 422, "tickets.2.category")
    assert counts() == before
    # the missing category is found first; once fixed, the blank subject is named
    response = api(world.agent).post(
        "/tickets/batch", {"tickets": [good, item(world, 2, subject="   ")]}
    )
    body = assert_problem(response, 422, "tickets.1.subject")
    assert "tickets.0.subject" not in body["errors"]
    assert counts() == before


def test_a_batch_costs_the_same_queries_for_two_tickets_or_a_hundred(world, api):
    client = api(world.agent)
    # warm the SLA snapshot and create the tag, which later batches only look up
    client.post("/tickets/batch", {"tickets": [item(world, 0, tags=["fleet"])]})

    def queries(n: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                "/tickets/batch", {"tickets": [item(world, i, tags=["fleet"]) for i in range(n)]}
            )
        assert response.status_code == 201
        return len(ctx.captured_queries)

    # SQLite caps a statement at 999 parameters, so Django splits a larger INSERT there: as many
    # tickets as one INSERT of all their columns holds.
    columns = len(Ticket._meta.concrete_fields)
    many = 100 if connection.vendor == "postgresql" else 999 // columns
    assert queries(2) == queries(many)


def test_batches_have_a_size_limit(world, api):
    response = api(world.agent).post("/tickets/batch", {"tickets": [item(world, 1)] * 101})
    assert_problem(response, 422, "tickets")
    assert_problem(api(world.agent).post("/tickets/batch", {"tickets": []}), 422, "tickets")


def test_requesters_cannot_open_batches(world, api):
    before = counts()
    response = api(world.requester.user).post("/tickets/batch", {"tickets": [item(world, 1)]})
    assert_problem(response, 403)
    assert counts() == before
