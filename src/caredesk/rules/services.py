"""The rules at work: react to ticket events by applying the active policies' actions through
the ticket services (so every change is an ordinary, attributed event), and the writers that
keep policies versioned.

Deciding is pure (`engine.plan`); this module only turns a plan into service calls. While a
plan is applied, the events it causes do not start new plans: the planner already let rules see
each other's changes, and each rule fires at most once per plan.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from caredesk.accounts.capabilities import ticket_workers
from caredesk.accounts.models import Team, User
from caredesk.core import clock
from caredesk.core.notify import notify
from caredesk.rules import actions
from caredesk.rules.conditions import ConditionError, Facts, HistoryItem
from caredesk.rules.engine import CompiledPolicy, Fired, Outcome, categories_for, plan
from caredesk.rules.selectors import (
    RulesSnapshot,
    calendars,
    related_history,
    rules_snapshot,
    ticket_facts,
)
from caredesk.tickets.models import EventKind, MessageKind, RequestType, Ticket
from caredesk.tickets.services import events
from caredesk.tickets.services.assignment import assignable_among
from caredesk.tickets.services.statuses import status_named

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
    snapshot = _wanted_snapshot(trigger)
    return snapshot.policies if snapshot is not None else ()


def _wanted_snapshot(trigger: str) -> RulesSnapshot | None:
    """The rules' snapshot, or None when no rule listens for `trigger`."""
    if _applying.get():
        return None
    snapshot = rules_snapshot()
    if not any(trigger in rule.on for p in snapshot.policies for rule in p.rules):
        return None
    return snapshot


def rules_react(
    *,
    ticket: Ticket,
    trigger: str,
    actor: Any = None,
    changed: frozenset[str] = frozenset(),
    body: str | None = None,
) -> Outcome | None:
    """Run the active policies for `trigger` on `ticket` and apply what they decide."""
    snapshot = _wanted_snapshot(trigger)
    if snapshot is None:
        return None
    now = clock.now()
    facts = ticket_facts(ticket, now, changed=changed, body=body, mailboxes=snapshot.mailboxes)
    outcome = plan(snapshot.policies, trigger, facts)
    if outcome.fired:
        apply_outcome(ticket=ticket, outcome=outcome)
    return outcome


@dataclass
class Decided:
    """What the rules decided for a ticket about to be opened: field changes to write with it
    (each naming its rule), and the actions to carry out once it exists."""

    outcome: Outcome
    changes: dict[str, Any]
    via: dict[str, str]
    others: list[Fired]
    failed: list[tuple[Fired, str]]


def rules_decide_new(*, drafts: list[tuple[Ticket, str, list[str]]]) -> list[Decided | None]:
    """`ticket.created` for tickets not yet inserted (ticket, first message, tags), so routing
    is written with the ticket in the same INSERT. One read of the policies and one of the
    related history for the whole batch."""
    snapshot = _wanted_snapshot("ticket.created")
    if snapshot is None:
        return [None] * len(drafts)
    policies, mailboxes = snapshot.policies, snapshot.mailboxes
    now = clock.now()
    related = related_history([t for t, _b, _t in drafts], now)
    out: list[Decided | None] = []
    for i, (ticket, body, tags) in enumerate(drafts):
        own = (HistoryItem(at=ticket.created_at, type=EventKind.CREATED),)
        facts = ticket_facts(
            ticket,
            now,
            body=body,
            tags=tags,
            history=own + related[i],
            changed=NEW,
            mailboxes=mailboxes,
        )
        outcome = plan(policies, "ticket.created", facts)
        out.append(_split(ticket, outcome) if outcome.fired else None)
    return out


def rules_after_open(*, ticket: Ticket, decided: Decided) -> None:
    """The actions of a new ticket's plan that need it to exist (notes, replies, escalation,
    notifications, integrations), and the record of which rules applied."""
    with _quiet():
        _carry_out(ticket, decided.others, decided.failed)
        _record(ticket, decided.outcome, decided.failed)


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
    snapshot = _wanted_snapshot("escalate.requested")
    if snapshot is not None:
        facts = ticket_facts(
            ticket, clock.now(), escalate_to=team.slug, mailboxes=snapshot.mailboxes
        )
        outcome = plan(snapshot.policies, "escalate.requested", facts)
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
    """Carry out a plan through the ticket services, each change attributed to its rule.

    Field changes (and guidance, blocks, queueing) go in one update, as the plan left them;
    then notes, replies, escalations, notifications and integrations, in the plan's order."""
    from caredesk.tickets.services import ticket_update

    decided = _split(ticket, outcome)
    with _quiet():
        if decided.changes:
            ticket_update(ticket=ticket, changes=decided.changes, actor=None, via=decided.via)
        _carry_out(ticket, decided.others, decided.failed)
        _record(ticket, outcome, decided.failed)


def _split(ticket: Ticket, outcome: Outcome) -> Decided:
    """Resolve a plan into one set of field changes, and the other actions in order."""
    decided = Decided(outcome=outcome, changes={}, via={}, others=[], failed=[])
    guidance: list[str] = []
    for fired in outcome.fired:
        name = f"{fired.policy} / {fired.rule}"
        kind = fired.action.type
        if kind == "guidance":
            guidance.append(str(fired.action.params["text"]))
            decided.via["guidance"] = name
        elif kind not in _FIELDS:
            decided.others.append(fired)
        else:
            try:
                found = _FIELDS[kind](ticket, fired.action.params, decided.changes)
            except ConditionError as exc:  # configuration gone since the policy was saved
                decided.failed.append((fired, str(exc)))
                continue
            decided.changes.update(found)
            decided.via.update(dict.fromkeys(found, name))
    if guidance:
        decided.changes["guidance"] = "\n\n".join(guidance)
    return decided


def _carry_out(ticket: Ticket, others: list[Fired], failed: list[tuple[Fired, str]]) -> None:
    for fired in others:
        with events.by_rule(f"{fired.policy} / {fired.rule}"):
            try:
                _do(ticket, fired)
            except ConditionError as exc:
                failed.append((fired, str(exc)))


def _record(ticket: Ticket, outcome: Outcome, failed: list[tuple[Fired, str]]) -> None:
    """One rule_applied event per rule that fired (with any action that could not run)."""
    for skipped in outcome.skipped:
        log.warning("rule %s / %s skipped: %s", skipped.policy, skipped.rule, skipped.reason)
    for fired, error in failed:
        log.warning(
            "rule %s / %s could not %s: %s", fired.policy, fired.rule, fired.action.type, error
        )
    rules = sorted({(f.policy, f.rule) for f in outcome.fired}, key=lambda r: r[1])
    written = []
    for policy, rule in rules:
        data: dict[str, Any] = {
            "policy": policy,
            "name": rule,
            "actions": [
                f.action.type for f in outcome.fired if (f.policy, f.rule) == (policy, rule)
            ],
        }
        errors = [e for f, e in failed if (f.policy, f.rule) == (policy, rule)]
        if errors:
            data["error"] = "; ".join(errors)
        written.append(events.happened(ticket, EventKind.RULE_APPLIED, None, **data))
    events.record(*written)


def _do(ticket: Ticket, fired: Fired) -> None:
    handler = _HANDLERS.get(fired.action.type) or actions.handlers.find(fired.action.type)
    if handler is None:  # every action has a handler; a test keeps it so
        raise ConditionError(f"no handler for action {fired.action.type!r}")
    if handler is _add_message:
        _add_message(ticket, fired)
    else:
        handler(ticket, fired.action.params)


def _team(slug: str) -> Team:
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise ConditionError(f"no team with the slug {slug!r} (create it, or change the policy)")
    return team


def _people(ticket: Ticket, who: Any) -> list[User]:
    """Agents named by a rule: account_manager, assignee, team:<slug>, on_call:<slug>,
    lead:<slug> (the team's lead), or an agent's e-mail."""
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
        elif name.startswith("lead:"):
            team = _team(name.removeprefix("lead:"))
            found += [team.lead] if team.lead and team.lead.is_active else []
        elif name.startswith("on_call:"):
            team = _team(name.removeprefix("on_call:"))
            found += [team.on_call] if team.on_call else list(team.members.filter(is_active=True))
        else:
            found += list(ticket_workers().filter(email=name.lower()))
    return found


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


def _message_of(ticket: Ticket, action: Any) -> tuple[str, str]:
    """(kind, text) of the message an add_note or apply_macro action writes."""
    if action.type == "add_note":
        return MessageKind.INTERNAL, render(str(action.params["text"]), ticket)
    macro = rules_snapshot().macros.get(str(action.params["macro"]))
    if macro is None:
        raise ConditionError(f"no active macro with the slug {action.params['macro']!r}")
    from caredesk.rules.macros import macro_text

    return macro.kind, macro_text(macro, ticket, ticket.assignee).text


def _add_message(ticket: Ticket, fired: Fired) -> None:
    from caredesk.tickets.services import Body, message_add

    kind, text = _message_of(ticket, fired.action)
    message_add(ticket=ticket, kind=kind, body=Body(text=text), actor=None)


def rules_new_messages(*, ticket: Ticket, decided: Decided) -> list[tuple[str, str, str]]:
    """The notes and canned replies a plan adds to a ticket being opened, as (kind, text,
    rule), to be written with its first message; they leave the plan's other actions."""
    out: list[tuple[str, str, str]] = []
    rest: list[Fired] = []
    for fired in decided.others:
        if fired.action.type not in ("add_note", "apply_macro"):
            rest.append(fired)
            continue
        try:
            kind, text = _message_of(ticket, fired.action)
        except ConditionError as exc:
            decided.failed.append((fired, str(exc)))
            continue
        out.append((kind, text, f"{fired.policy} / {fired.rule}"))
    decided.others[:] = rest
    return out


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


def _notify(ticket: Ticket, p: Mapping[str, Any]) -> None:
    people = _people(ticket, p["to"])
    text = render(str(p.get("text") or "A protocol needs you on {ref}."), ticket)
    notify(users=people, text=text, ticket=ticket, urgent=bool(p.get("urgent")))
    events.record(
        events.happened(ticket, EventKind.NOTIFIED, None, to=[u.pk for u in people], text=text)
    )


def _page(ticket: Ticket, p: Mapping[str, Any]) -> None:
    team = _team(str(p["rotation"]))
    text = render(str(p.get("text") or "You are paged for {ref}."), ticket)
    people = actions.pager.get()(ticket=ticket, team=team, text=text)
    if people is None:  # the team keeps no on-call schedule: whoever it names, else everyone
        people = _people(ticket, f"on_call:{team.slug}")
        notify(users=people, text=text, ticket=ticket, urgent=True)
    events.record(
        events.happened(ticket, EventKind.PAGED, None, to=[u.pk for u in people], text=text)
    )


def _tags_after(ticket: Ticket, p: Mapping[str, Any], so_far: Mapping[str, Any]) -> dict[str, Any]:
    if "tags" in so_far:
        current = list(so_far["tags"])
    elif ticket.pk is None:  # not inserted yet: its tags are the ones it is opened with
        current = list(getattr(ticket, "_opening_tags", []))
    else:
        current = sorted(t.name for t in ticket.tags.all())
    return {"tags": [*current, *[str(t) for t in p["tags"]]]}


def _assignee_of(ticket: Ticket, p: Mapping[str, Any], so_far: Mapping[str, Any]) -> dict[str, Any]:
    value = p["assignee"]
    people = [] if value in (None, "", "none") else _people(ticket, value)
    # a gated category goes only to the people the assignment guards let through
    category = so_far.get("category", ticket.category)
    people = assignable_among(people, category.pk if category else None)
    return {"assignee": people[0] if people else None}


def _category_of(ticket: Ticket, p: Mapping[str, Any], so_far: Mapping[str, Any]) -> dict[str, Any]:
    category = RequestType.objects.filter(slug=p["category"]).first()
    if category is None:
        raise ConditionError(f"no request type with the slug {p['category']!r}")
    return {"category": category}


def _custom_status(name: str) -> Any:
    """A custom status in use, by its name for agents (whatever the capitals)."""
    found = status_named(name)
    if found is None:
        raise ConditionError(f"no status in use named {name!r}")
    return found


def _wake_at(ticket: Ticket, p: Mapping[str, Any], so_far: Mapping[str, Any]) -> dict[str, Any]:
    cal = calendars().get(str(p["calendar"]))
    if cal is None:
        raise ConditionError(f"no calendar named {p['calendar']!r}")
    now = clock.now()
    opening = cal.next_opening(now)
    return {"wake_at": opening} if opening > now else {}


# Actions that set ticket fields: all of a plan's go into one update.
_FIELDS: dict[str, Any] = {
    "set_category": _category_of,
    "set_priority": lambda t, p, c: {"priority": int(p["priority"])},
    "set_team": lambda t, p, c: {"team": _team(str(p["team"]))},
    "set_tier": lambda t, p, c: {"tier": int(p["tier"])},
    "set_assignee": _assignee_of,
    "set_status": lambda t, p, c: {"status": str(p["status"])},
    "set_custom_status": lambda t, p, c: {"custom_status": _custom_status(str(p["custom_status"]))},
    "add_tags": _tags_after,
    "block_escalation": lambda t, p, c: {"escalation_block": str(p["reason"])},
    "queue_until_open": _wake_at,
}

# The other actions, one service call each (and those other apps register: rules/actions.py).
_HANDLERS: dict[str, Callable[[Ticket, Any], None]] = {
    "add_note": _add_message,
    "apply_macro": _add_message,
    "escalate": _escalate,
    "notify": _notify,
    "page_on_call": _page,
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
    """Run `time.check` rules over the open tickets ("more than 48 hours in this state").

    Only tickets of the categories those rules name are read, when every rule names some."""
    policies = _wanted("time.check")
    if not policies:
        return 0
    scope = Q(is_open=True)
    categories = categories_for(policies, "time.check")
    if categories is not None:
        named = Q(category__slug__in=[c for c in categories if c])
        scope &= named | Q(category__isnull=True) if "" in categories else named
    last, checked = 0, 0
    while True:
        tickets = list(
            Ticket.objects.filter(scope, pk__gt=last)
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
            "skipped": [
                {"policy": x.policy, "rule": x.rule, "reason": x.reason}
                for x in self.outcome.skipped
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
