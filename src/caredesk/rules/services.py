"""The rules at work: react to ticket events by applying the active policies' actions through
the ticket services (so every change is an ordinary, attributed event), and the writers that
keep policies versioned.

Deciding is pure (`engine.plan`); this module only turns a plan into service calls. While a
plan is applied, the events it causes do not start new plans: the planner already let rules see
each other's changes, and each rule fires at most once per plan.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from caredesk.accounts.models import Team, User
from caredesk.core import clock
from caredesk.core.notify import notify
from caredesk.rules.conditions import ConditionError, Facts, HistoryItem
from caredesk.rules.engine import CompiledPolicy, Fired, Outcome, plan
from caredesk.rules.selectors import calendars, related_history, rules_snapshot, ticket_facts
from caredesk.tickets.models import EventKind, MessageKind, RequestType, Ticket
from caredesk.tickets.services import events

log = logging.getLogger(__name__)
_applying: ContextVar[bool] = ContextVar("caredesk_rules_applying", default=False)


@contextmanager
def _quiet() -> Iterator[None]:
    token = _applying.set(True)
    try:
        yield
    finally:
        _applying.reset(token)


def _wanted(trigger: str) -> tuple[CompiledPolicy, ...]:
    """The active policies, or none when no rule listens for `trigger` (saves the facts)."""
    if _applying.get():
        return ()
    policies = rules_snapshot().policies
    if not any(trigger in rule.on for p in policies for rule in p.rules):
        return ()
    return policies


def rules_react(
    *,
    ticket: Ticket,
    trigger: str,
    actor: Any = None,
    changed: frozenset[str] = frozenset(),
    body: str | None = None,
) -> Outcome | None:
    """Run the active policies for `trigger` on `ticket` and apply what they decide."""
    policies = _wanted(trigger)
    if not policies:
        return None
    now = clock.now()
    facts = ticket_facts(ticket, now, changed=changed, body=body)
    outcome = plan(policies, trigger, facts)
    if outcome.fired:
        apply_outcome(ticket=ticket, outcome=outcome)
    return outcome


def rules_react_opened(*, opened: list[tuple[Ticket, str, list[str]]], actor: Any = None) -> None:
    """`ticket.created` for newly opened tickets (ticket, first message, tags): one read of the
    policies and one of the related history for the whole batch."""
    policies = _wanted("ticket.created")
    if not policies:
        return
    now = clock.now()
    related = related_history([t for t, _b, _t in opened], now)
    for ticket, body, tags in opened:
        own = (HistoryItem(at=ticket.created_at, type=EventKind.CREATED),)
        facts = ticket_facts(
            ticket,
            now,
            body=body,
            tags=tags,
            history=own + related[ticket.pk],
            changed=NEW,
        )
        outcome = plan(policies, "ticket.created", facts)
        if outcome.fired:
            apply_outcome(ticket=ticket, outcome=outcome)


NEW = frozenset({"*"})  # a new ticket: every field counts as changed
SLA_TRIGGERS = {EventKind.SLA_WARNING: "sla.warning", EventKind.SLA_BREACHED: "sla.breached"}


def rules_react_sla(*, written: list[Any]) -> None:
    """`sla.warning` / `sla.breached` for the events the SLA sweep just wrote."""
    wanted = {(e.ticket_id, SLA_TRIGGERS[e.kind]) for e in written if e.kind in SLA_TRIGGERS}
    wanted = {(t, trig) for t, trig in wanted if _wanted(trig)}
    if not wanted:
        return
    tickets = Ticket.objects.select_related(
        "requester", "organization__account_manager", "team", "assignee", "category"
    ).in_bulk({t for t, _trig in wanted})
    for ticket_id, trigger in sorted(wanted):
        if ticket_id in tickets:
            rules_react(ticket=tickets[ticket_id], trigger=trigger)


def escalation_check(*, ticket: Ticket, team: Team, actor: Any) -> str:
    """Why the protocol forbids escalating `ticket` to `team` now ('' if it does not).

    The ticket's standing block (set by the rule that routed it) applies, and rules listening
    for `escalate.requested` may block the request or add actions (notify, page...).
    """
    block = ticket.escalation_block
    policies = _wanted("escalate.requested")
    if policies:
        facts = ticket_facts(ticket, clock.now(), escalate_to=team.slug)
        outcome = plan(policies, "escalate.requested", facts)
        found = outcome.last("block_escalation")
        if found is not None:
            block = str(found.action.params["reason"])
        others = tuple(
            f for f in outcome.fired if f.action.type not in ("block_escalation", "escalate")
        )
        if others:
            apply_outcome(ticket=ticket, outcome=replace(outcome, fired=others))
    return block


# --- applying a plan -------------------------------------------------------------------------


def apply_outcome(*, ticket: Ticket, outcome: Outcome) -> None:
    """Carry out each decided action through the ticket services, attributed to its rule."""
    from caredesk.tickets.services import ticket_update

    guidance = [f for f in outcome.fired if f.action.type == "guidance"]
    with _quiet():
        for fired in outcome.fired:
            name = f"{fired.policy} / {fired.rule}"
            with events.by_rule(name):
                if fired.action.type == "guidance":
                    continue
                try:
                    _do(ticket, fired)
                except ConditionError as exc:  # configuration gone since the policy was saved
                    log.warning("rule %s could not %s: %s", name, fired.action.type, exc)
                    events.record(
                        events.happened(
                            ticket,
                            EventKind.RULE_APPLIED,
                            None,
                            policy=fired.policy,
                            name=fired.rule,
                            failed=fired.action.type,
                            error=str(exc),
                        )
                    )
        if guidance:
            text = "\n\n".join(str(f.action.params["text"]) for f in guidance)
            with events.by_rule(f"{guidance[-1].policy} / {guidance[-1].rule}"):
                ticket_update(ticket=ticket, changes={"guidance": text}, actor=None)
        rules = sorted({(f.policy, f.rule) for f in outcome.fired}, key=lambda r: r[1])
        events.record(
            *[
                events.happened(
                    ticket,
                    EventKind.RULE_APPLIED,
                    None,
                    policy=policy,
                    name=rule,
                    actions=[
                        f.action.type for f in outcome.fired if (f.policy, f.rule) == (policy, rule)
                    ],
                )
                for policy, rule in rules
            ]
        )


def _do(ticket: Ticket, fired: Fired) -> None:
    action = fired.action
    handler = _HANDLERS.get(action.type)
    if handler is None:  # every ActionS entry has a handler; a test keeps it so
        raise ConditionError(f"no handler for action {action.type!r}")
    handler(ticket, action.params)


def _update(ticket: Ticket, changes: Mapping[str, Any]) -> None:
    from caredesk.tickets.services import ticket_update

    ticket_update(ticket=ticket, changes=changes, actor=None)


def _team(slug: str) -> Team:
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise ConditionError(f"no team with the slug {slug!r}")
    return team


def _set_team(ticket: Ticket, p: Mapping[str, Any]) -> None:
    _update(ticket, {"team": _team(str(p["team"]))})


def _set_category(ticket: Ticket, p: Mapping[str, Any]) -> None:
    category = RequestType.objects.filter(slug=p["category"]).first()
    if category is None:
        raise ConditionError(f"no request type with the slug {p['category']!r}")
    _update(ticket, {"category": category})


def _people(ticket: Ticket, who: Any) -> list[User]:
    """Agents named by a rule: account_manager, assignee, team:<slug>, on_call:<slug>, email."""
    names = [who] if isinstance(who, str) else list(who)
    found: list[User] = []
    for raw in names:
        name = str(raw)
        if name == "account_manager":
            org = ticket.organization
            found += [org.account_manager] if org and org.account_manager else []
        elif name == "assignee":
            found += [ticket.assignee] if ticket.assignee else []
        elif name.startswith("team:"):
            team = _team(name.removeprefix("team:"))
            found += list(team.members.filter(is_active=True))
        elif name.startswith("on_call:"):
            team = _team(name.removeprefix("on_call:"))
            found += [team.on_call] if team.on_call else list(team.members.filter(is_active=True))
        else:
            found += list(User.objects.filter(email=name.lower(), is_staff=True))
    return found


def _set_assignee(ticket: Ticket, p: Mapping[str, Any]) -> None:
    value = p["assignee"]
    people = [] if value in (None, "", "none") else _people(ticket, value)
    _update(ticket, {"assignee": people[0] if people else None})


def _add_tags(ticket: Ticket, p: Mapping[str, Any]) -> None:
    current = sorted(t.name for t in ticket.tags.all())
    _update(ticket, {"tags": [*current, *[str(t) for t in p["tags"]]]})


def _placeholders(ticket: Ticket) -> dict[str, str]:
    requester = ticket.requester
    return {
        "requester_name": requester.name,
        "requester_first_name": requester.name.split(" ")[0] if requester.name else "",
        "ref": ticket.ref,
        "subject": ticket.subject,
        "agent_name": ticket.assignee.name if ticket.assignee else "",
        "support_phone": settings.CAREDESK_SUPPORT_PHONE,
        "organization": ticket.organization.name if ticket.organization else "",
        "account_manager": (
            org_manager.name if (org_manager := _account_manager(ticket)) else "account manager"
        ),
    }


def _account_manager(ticket: Ticket) -> User | None:
    org = ticket.organization
    return org.account_manager if org and org.account_manager_id else None


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:  # an unknown placeholder stays visible, not a crash
        return "{" + key + "}"


def render(text: str, ticket: Ticket) -> str:
    """Fill {placeholders} in a note or macro."""
    return text.format_map(_Blank(_placeholders(ticket)))


def _add_note(ticket: Ticket, p: Mapping[str, Any]) -> None:
    from caredesk.tickets.services import Body, message_add

    message_add(
        ticket=ticket,
        kind=MessageKind.INTERNAL,
        body=Body(text=render(str(p["text"]), ticket)),
        actor=None,
    )


def _apply_macro(ticket: Ticket, p: Mapping[str, Any]) -> None:
    from caredesk.tickets.services import Body, message_add

    macro = rules_snapshot().macros.get(str(p["macro"]))
    if macro is None:
        raise ConditionError(f"no active macro with the slug {p['macro']!r}")
    message_add(
        ticket=ticket, kind=macro.kind, body=Body(text=render(macro.body, ticket)), actor=None
    )


def _escalate(ticket: Ticket, p: Mapping[str, Any]) -> None:
    from caredesk.tickets.services import ticket_escalate

    ticket_escalate(
        ticket=ticket,
        team=_team(str(p["team"])),
        actor=None,
        reason=str(p["reason"]),
        action_taken=str(p.get("action_taken", "")),
        next_steps=str(p.get("next_steps", "")),
        tier=int(p["tier"]) if p.get("tier") else None,
        override_reason="the protocol's own escalation",
    )


def _block(ticket: Ticket, p: Mapping[str, Any]) -> None:
    _update(ticket, {"escalation_block": str(p["reason"])})


def _notify(ticket: Ticket, p: Mapping[str, Any]) -> None:
    people = _people(ticket, p["to"])
    text = render(str(p.get("text") or "A protocol needs you on {ref}."), ticket)
    notify(users=people, text=text, ticket=ticket, urgent=bool(p.get("urgent")))
    events.record(
        events.happened(ticket, EventKind.NOTIFIED, None, to=[u.pk for u in people], text=text)
    )


def _page(ticket: Ticket, p: Mapping[str, Any]) -> None:
    people = _people(ticket, f"on_call:{p['rotation']}")
    text = render(str(p.get("text") or "You are paged for {ref}."), ticket)
    notify(users=people, text=text, ticket=ticket, urgent=True)
    events.record(
        events.happened(ticket, EventKind.PAGED, None, to=[u.pk for u in people], text=text)
    )


def _queue_until_open(ticket: Ticket, p: Mapping[str, Any]) -> None:
    cal = calendars().get(str(p["calendar"]))
    if cal is None:
        raise ConditionError(f"no calendar named {p['calendar']!r}")
    now = clock.now()
    opening = cal.next_opening(now)
    if opening > now:
        _update(ticket, {"wake_at": opening})


def _tracker(ticket: Ticket, p: Mapping[str, Any]) -> None:
    from caredesk.integrations.services import tracker_issue_request

    tracker_issue_request(ticket=ticket, project=str(p["project"]), kind=str(p.get("kind", "")))


def _webhook(ticket: Ticket, p: Mapping[str, Any]) -> None:
    from caredesk.integrations.services import webhook_enqueue

    webhook_enqueue(ticket=ticket, endpoint=str(p["endpoint"]), event=str(p.get("event", "rule")))


_HANDLERS = {
    "set_category": _set_category,
    "set_priority": lambda t, p: _update(t, {"priority": int(p["priority"])}),
    "set_team": _set_team,
    "set_tier": lambda t, p: _update(t, {"tier": int(p["tier"])}),
    "set_assignee": _set_assignee,
    "set_status": lambda t, p: _update(t, {"status": str(p["status"])}),
    "add_tags": _add_tags,
    "add_note": _add_note,
    "apply_macro": _apply_macro,
    "escalate": _escalate,
    "block_escalation": _block,
    "notify": _notify,
    "page_on_call": _page,
    "open_tracker_issue": _tracker,
    "webhook": _webhook,
    "queue_until_open": _queue_until_open,
}


# --- the periodic check and the wake-up of queued tickets -------------------------------------


def rules_wake(*, now: datetime | None = None, batch: int = 200) -> int:
    """Release tickets queued until now (e.g. the next opening of developer support)."""
    from caredesk.tickets.services import ticket_update

    now = now or clock.now()
    count = 0
    while True:
        due = list(
            Ticket.objects.filter(wake_at__lte=now)
            .select_related("requester", "organization", "team", "assignee", "category")
            .order_by("wake_at", "id")[:batch]
        )
        for ticket in due:
            with transaction.atomic():
                ticket_update(ticket=ticket, changes={"wake_at": None}, actor=None)
                events.record(events.happened(ticket, EventKind.WOKE, None))
                rules_react(ticket=ticket, trigger="time.check")
            count += 1
        if len(due) < batch:
            return count


def rules_time_check(*, now: datetime | None = None, batch: int = 500) -> int:
    """Run `time.check` rules over the open tickets ("more than 48 hours in this state")."""
    if not _wanted("time.check"):
        return 0
    last, checked = 0, 0
    while True:
        tickets = list(
            Ticket.objects.filter(is_open=True, pk__gt=last)
            .select_related("requester", "organization", "team", "assignee", "category")
            .order_by("pk")[:batch]
        )
        for ticket in tickets:
            with transaction.atomic():
                rules_react(ticket=ticket, trigger="time.check")
        checked += len(tickets)
        if len(tickets) < batch:
            return checked
        last = tickets[-1].pk


@dataclass(frozen=True)
class Simulation:
    """What a policy would do to a ticket, written nowhere."""

    outcome: Outcome
    before: Facts

    def as_dict(self) -> dict[str, Any]:
        f = self.outcome.facts
        escalate = self.outcome.last("escalate")
        block = self.outcome.last("block_escalation")
        guidance = [
            x.action.params["text"] for x in self.outcome.fired if x.action.type == "guidance"
        ]
        return {
            "category": f.category or None,
            "priority": f.priority,
            "team": f.team or None,
            "tier": f.tier,
            "assignee": f.assignee or None,
            "status": f.status,
            "tags": sorted(f.tags),
            "escalated_to": escalate.action.params["team"] if escalate else None,
            "escalation_blocked": block.action.params["reason"] if block else None,
            "guidance": "\n\n".join(str(g) for g in guidance) or None,
            "actions": [
                {"type": x.action.type, "policy": x.policy, "rule": x.rule, **dict(x.action.params)}
                for x in self.outcome.fired
            ],
        }


def simulate(
    *,
    facts: Facts,
    trigger: str = "ticket.created",
    policies: tuple[CompiledPolicy, ...] | None = None,
) -> Simulation:
    """Evaluate the active (or the given) policies against a ticket without writing anything."""
    chosen = rules_snapshot().policies if policies is None else policies
    return Simulation(outcome=plan(chosen, trigger, facts), before=facts)
