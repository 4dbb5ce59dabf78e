"""Protocols read a ticket's custom status and set one."""

from __future__ import annotations

import pytest

from caredesk.rules.policies import policy_save
from caredesk.tickets.models import EventKind, Ticket
from caredesk.tickets.services import ticket_update
from caredesk.tickets.services.statuses import StatusIn, status_save
from tests.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db


def test_a_rule_sets_a_custom_status_and_another_reads_it(clock):
    lab = status_save(
        status=None,
        data=StatusIn("Awaiting lab results", "Waiting for your lab results", "pending"),
    )
    policy_save(
        data={
            "name": "Lab samples",
            "rules": [
                {"name": "level 2 waits for the lab", "on": ["field.changed"],
                 "when": {"field": "priority", "op": "eq", "value": 2},
                 "actions": [{"type": "set_custom_status", "custom_status": "awaiting lab results"}]},
                {"name": "tag lab waits", "on": ["field.changed"],
                 "when": {"field": "custom_status", "op": "eq", "value": "Awaiting lab results"},
                 "actions": [{"type": "add_tags", "tags": ["lab-wait"]}]},
            ],
        },
        actor=None,
    )  # fmt: skip
    agent = AgentFactory()
    ticket = make_ticket(assignee=agent)
    ticket_update(ticket=ticket, changes={"priority": 2}, actor=agent)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.custom_status_id) == ("pending", lab.pk)
    assert "lab-wait" in {t.name for t in ticket.tags.all()}
    event = ticket.events.filter(kind=EventKind.STATUS_CHANGED).last()
    assert event is not None and event.data["rule"] == "Lab samples / level 2 waits for the lab"
    assert event.data["labels"] == ["Open", "Awaiting lab results"]


def test_a_rule_naming_a_missing_status_fails_without_blocking(clock):
    policy_save(
        data={
            "name": "Typo",
            "rules": [
                {"name": "no such status", "on": ["field.changed"], "when": {},
                 "actions": [{"type": "set_custom_status", "custom_status": "Nowhere"}]},
            ],
        },
        actor=None,
    )  # fmt: skip
    agent = AgentFactory()
    ticket = make_ticket(assignee=agent)
    ticket_update(ticket=ticket, changes={"priority": 2}, actor=agent)
    failed = [
        e
        for e in ticket.events.filter(kind=EventKind.RULE_APPLIED)
        if "Nowhere" in str(e.data.get("error", ""))
    ]
    assert failed
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
