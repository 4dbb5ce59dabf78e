"""Try a policy before changing it: a ticket described as JSON, the policy's decision as JSON.

    {"subject": "...", "body": "...", "channel": "email", "category": "cancellation",
     "priority": 3, "organization": {"name": "...", "plan": "premium"},
     "requester": {"type": "patient"}, "fields": {"device_serial": "PX-1"},
     "history": [{"at": "2026-11-01T10:00:00Z", "type": "ticket", "device_serial": "PX-1"}]}

Nothing is written; the same planner the desk uses decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from caredesk.core.errors import ValidationFailed
from caredesk.rules.conditions import ConditionError, Facts, HistoryItem
from caredesk.rules.engine import EVENTS, CompiledPolicy, compile_rules, compile_scope
from caredesk.rules.policies import check_document, parse_yaml
from caredesk.rules.selectors import calendars, rules_snapshot
from caredesk.rules.services import Simulation, simulate
from caredesk.safety import Finding, screen

TEXT_KEYS = (
    "subject", "body", "channel", "category", "status", "custom_status", "team", "assignee",
    "mailbox", "brand",
)  # fmt: skip


def instant(value: Any, field: str) -> datetime:
    """An ISO 8601 instant with its offset, or ValidationFailed naming `field`."""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            "A date is not valid.", errors={field: ["Use ISO 8601, e.g. 2026-11-25T14:00:00Z."]}
        ) from None
    if parsed.tzinfo is None:
        raise ValidationFailed(
            "A date has no timezone.", errors={field: ["Add the offset, e.g. Z or -05:00."]}
        )
    return parsed


def safety_of(data: Mapping[str, Any]) -> Finding:
    """The safety screen's finding on the ticket's subject and body, as the desk screens them."""
    return screen("\n".join([str(data.get("subject", "")), str(data.get("body", ""))]))


def facts_from_json(data: Any, now: datetime) -> Facts:
    """Facts for the planner from a ticket described as JSON; field-level errors if malformed."""
    if not isinstance(data, Mapping):
        raise ValidationFailed(
            "Describe the ticket as a JSON object.", errors={"ticket": ["Not an object."]}
        )
    errors: dict[str, list[str]] = {}
    for key in TEXT_KEYS:
        if key in data and not isinstance(data[key], str):
            errors[key] = ["Give text."]
    for key in ("priority", "tier"):
        if key in data and (not isinstance(data[key], int) or isinstance(data[key], bool)):
            errors[key] = ["Give a whole number."]
    for key in ("organization", "requester", "fields"):
        if key in data and not isinstance(data[key], Mapping):
            errors[key] = ["Give an object."]
    if "history" in data and not isinstance(data["history"], list):
        errors["history"] = ["Give a list of events."]
    if errors:
        raise ValidationFailed("The ticket is not valid.", errors=errors)
    org = data.get("organization") or {}
    history = []
    for i, item in enumerate(data.get("history") or []):
        if not isinstance(item, Mapping) or "at" not in item or "type" not in item:
            raise ValidationFailed(
                "A history item is not valid.", errors={f"history.{i}": ["Give at and type."]}
            )
        extra = {k: v for k, v in item.items() if k not in ("at", "type")}
        history.append(
            HistoryItem(
                at=instant(item["at"], f"history.{i}.at"), type=str(item["type"]), data=extra
            )
        )
    status_since = data.get("status_since")
    finding = safety_of(data)
    return Facts(
        now=now,
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        channel=data.get("channel", "portal"),
        category=data.get("category", ""),
        priority=data.get("priority", 3),
        status=data.get("status", "new"),
        custom_status=str(data.get("custom_status") or ""),
        status_since=instant(status_since, "status_since") if status_since else now,
        team=data.get("team", ""),
        tier=data.get("tier", 1),
        assignee=data.get("assignee", ""),
        organization=str(org.get("name", "")),
        plan=str(org.get("plan", "")),
        requester_type=str((data.get("requester") or {}).get("type", "")),
        mailbox=str(data.get("mailbox", "")).strip().lower(),
        brand=str(data.get("brand", "")).strip().lower(),
        tags=frozenset(str(t) for t in data.get("tags") or []),
        fields=dict(data.get("fields") or {}),
        history=tuple(history),
        calendars=calendars(),
        escalate_to=str(data.get("escalate_to", "")),
        changed=frozenset(str(c) for c in data.get("changed") or []),
        safety="" if finding.outcome == "none" else finding.outcome,
        safety_codes=frozenset(finding.codes),
        safety_flagged_at=now if finding.flagged else None,
    )


def compiled_from_yaml(text: str) -> tuple[CompiledPolicy, ...]:
    """Policies written as YAML, compiled for a simulation (not stored)."""
    out = []
    for item in parse_yaml(text):
        check_document(item, references=False)  # trying a draft needs no live configuration
        out.append(
            CompiledPolicy(
                str(item["name"]),
                tuple(compile_rules(item["rules"])),
                compile_scope(item.get("scope")),
            )
        )
    return tuple(out)


def run_on_ticket(
    *,
    ticket: Any,
    now: datetime,
    policy_yaml: str | None = None,
    trigger: str = "ticket.created",
) -> dict[str, Any]:
    """The simulation's answer for a real ticket, as the rules would see it now (its fields,
    first message, requester, history and safety finding). Nothing is written."""
    from caredesk.rules.selectors import ticket_facts

    if trigger not in EVENTS:
        raise ValidationFailed(
            "Unknown event.", errors={"event": [f"Choose one of: {', '.join(sorted(EVENTS))}."]}
        )
    policies = compiled_from_yaml(policy_yaml) if policy_yaml else rules_snapshot().policies
    changed = frozenset({"*"}) if trigger == "ticket.created" else frozenset()
    facts = ticket_facts(ticket, now, changed=changed)
    result: Simulation = simulate(facts=facts, trigger=trigger, policies=policies)
    return {
        **result.as_dict(),
        "ticket": ticket.ref,
        "safety": {
            "outcome": ticket.safety or "none",
            "codes": list(ticket.safety_codes or ()),
            "kinds": [],
            "reasons": [],
        },
    }


def run(
    *,
    ticket: Any,
    now: datetime,
    policy_yaml: str | None = None,
    trigger: str = "ticket.created",
) -> dict[str, Any]:
    """The simulation's JSON answer: what would be set, escalated, blocked, advised and done."""
    if trigger not in EVENTS:
        raise ValidationFailed(
            "Unknown event.", errors={"event": [f"Choose one of: {', '.join(sorted(EVENTS))}."]}
        )
    policies = compiled_from_yaml(policy_yaml) if policy_yaml else rules_snapshot().policies
    facts = facts_from_json(ticket, now)
    if trigger == "ticket.created":
        facts = replace(facts, changed=frozenset({"*"}))  # a new ticket: everything is new
    try:
        result: Simulation = simulate(facts=facts, trigger=trigger, policies=policies)
    except ConditionError as exc:  # e.g. a business-hours condition naming no calendar
        raise ValidationFailed(
            "The policy cannot be evaluated.", errors={"rules": [str(exc)]}
        ) from None
    finding = safety_of(ticket)
    return {
        **result.as_dict(),
        "safety": {
            "outcome": finding.outcome,
            "codes": list(finding.codes),
            "kinds": list(finding.kinds),
            "reasons": list(finding.reasons),
        },
    }
