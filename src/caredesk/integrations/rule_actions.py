"""The rule actions the integrations carry out: open a tracker issue, call a webhook.

Registered with the rules in IntegrationsConfig.ready(), with the endpoint names a policy may use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caredesk.integrations.models import WebhookEndpoint
from caredesk.integrations.services import tracker_issue_request, webhook_enqueue
from caredesk.rules.actions import action_register, reference_register
from caredesk.tickets.models import Ticket


def _tracker(ticket: Ticket, p: Mapping[str, Any]) -> None:
    tracker_issue_request(ticket=ticket, project=str(p["project"]), kind=str(p.get("kind", "")))


def _webhook(ticket: Ticket, p: Mapping[str, Any]) -> None:
    webhook_enqueue(ticket=ticket, endpoint=str(p["endpoint"]), event=str(p.get("event", "rule")))


def _endpoints() -> list[str]:
    return list(WebhookEndpoint.objects.values_list("slug", flat=True))


def register() -> None:
    action_register("open_tracker_issue", _tracker)
    action_register("webhook", _webhook)
    reference_register("webhook endpoint", _endpoints)
