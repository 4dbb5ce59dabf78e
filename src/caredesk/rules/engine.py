"""Pure rule evaluation: which rules fire for an event, in order, and what they would do.

Evaluation never writes anything; the rules service applies the returned actions through the
ticket services, so every change is an ordinary ticket event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from caredesk.rules.conditions import ConditionError, Facts, Predicate, compile_condition

EVENTS = frozenset(
    {
        "ticket.created",
        "message.added",
        "field.changed",
        "status.changed",
        "sla.warning",
        "sla.breached",
        "time.check",
        "escalate.requested",
    }
)

# action type -> the parameters it requires
ACTIONS: dict[str, tuple[str, ...]] = {
    "set_category": ("category",),
    "set_priority": ("priority",),
    "set_team": ("team",),
    "set_tier": ("tier",),
    "set_assignee": ("assignee",),
    "set_status": ("status",),
    "set_custom_status": ("custom_status",),
    "add_tags": ("tags",),
    "add_note": ("text",),
    "apply_macro": ("macro",),
    "guidance": ("text",),
    "escalate": ("team", "reason"),
    "block_escalation": ("reason",),
    "notify": ("to",),
    "page_on_call": ("rotation",),
    "open_tracker_issue": ("project",),
    "open_complaint": (),
    "open_rma": (),
    "webhook": ("endpoint",),
    "queue_until_open": ("calendar",),
}


@dataclass(frozen=True)
class Action:
    type: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    name: str
    on: frozenset[str]
    when: Predicate
    actions: tuple[Action, ...]
    stop: bool = False
    categories: frozenset[str] | None = None  # it can only match these categories; None: any


@dataclass(frozen=True)
class Match:
    rule: str
    actions: tuple[Action, ...]


def _action(data: Any, where: str) -> Action:
    if not isinstance(data, Mapping) or "type" not in data:
        raise ConditionError(f"{where}: an action is a mapping with a type")
    kind = data["type"]
    if kind not in ACTIONS:
        raise ConditionError(f"{where}: unknown action {kind!r}")
    params = {k: v for k, v in data.items() if k != "type"}
    missing = [p for p in ACTIONS[kind] if p not in params]
    if missing:
        raise ConditionError(f"{where}: {kind} needs {', '.join(missing)}")
    return Action(type=kind, params=params)


def compile_rule(data: Mapping[str, Any], where: str = "rule") -> Rule:
    """Validate and compile one rule written as data (as in a policy's YAML)."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise ConditionError(f"{where}: a rule needs a name")
    where = f"rule {name!r}"
    on = data.get("on") or ["ticket.created"]
    on = [on] if isinstance(on, str) else list(on)
    unknown = [e for e in on if e not in EVENTS]
    if unknown:
        raise ConditionError(f"{where}: unknown event {unknown[0]!r}")
    actions = tuple(
        _action(a, f"{where}.actions[{i}]") for i, a in enumerate(data.get("actions") or [])
    )
    if not actions:
        raise ConditionError(f"{where}: a rule needs at least one action")
    return Rule(
        name=name,
        on=frozenset(on),
        when=compile_condition(data.get("when"), f"{where}.when"),
        actions=actions,
        stop=bool(data.get("stop", False)),
        categories=required_categories(data.get("when")),
    )


def required_categories(spec: Any) -> frozenset[str] | None:
    """The categories a condition can only be true for (from `category` eq/in at its top, or
    inside a top-level `all`), or None when it may hold for any."""
    if not isinstance(spec, Mapping):
        return None
    op = spec.get("op", "eq")
    if spec.get("field") == "category" and op in ("eq", "in"):
        value = spec.get("value")
        values = [value] if op == "eq" else list(value or [])
        return frozenset("" if v is None else str(v) for v in values)
    if isinstance(spec.get("all"), list):
        found = [c for c in (required_categories(part) for part in spec["all"]) if c is not None]
        if found:
            return frozenset.intersection(*found)
    return None


def categories_for(policies: Sequence[CompiledPolicy], event: str) -> frozenset[str] | None:
    """The categories any rule for `event` could match, or None if some rule could match any
    (a periodic sweep then need not read tickets of other categories)."""
    wanted: set[str] = set()
    for policy in policies:
        for rule in policy.rules:
            if event not in rule.on:
                continue
            if rule.categories is None:
                return None
            wanted |= rule.categories
    return frozenset(wanted)


def compile_rules(data: Sequence[Mapping[str, Any]]) -> list[Rule]:
    rules = [compile_rule(r, f"rules[{i}]") for i, r in enumerate(data)]
    names = [r.name for r in rules]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ConditionError(f"rule names must be unique: {sorted(dupes)}")
    return rules


def evaluate(rules: Sequence[Rule], event: str, facts: Facts) -> list[Match]:
    """The rules that fire for `event`, in order; a matching rule with `stop` ends the list."""
    matches: list[Match] = []
    for rule in rules:
        if event in rule.on and rule.when(facts):
            matches.append(Match(rule=rule.name, actions=rule.actions))
            if rule.stop:
                break
    return matches


# Actions that change what later rules see: action type -> the fact it changes.
FIELD_ACTIONS = {
    "set_category": "category",
    "set_priority": "priority",
    "set_team": "team",
    "set_tier": "tier",
    "set_assignee": "assignee",
    "set_status": "status",
    "set_custom_status": "custom_status",
    "add_tags": "tags",
}


# A policy's scope: which tickets it governs. Each key lists the values it accepts (any of
# them); a ticket is in scope when every key given accepts it. No scope: every ticket.
SCOPE_FACTS: dict[str, str] = {
    "organizations": "organization",
    "plans": "plan",
    "channels": "channel",
    "requester_types": "requester_type",
    "mailboxes": "mailbox",
    "brands": "brand",
}


def compile_scope(spec: Any, where: str = "scope") -> Predicate | None:
    """The predicate for a policy's `scope` (None: it governs every ticket)."""
    if spec is None or spec == {}:
        return None
    if not isinstance(spec, Mapping):
        raise ConditionError(f"{where}: a scope is a mapping, e.g. {{channels: [email]}}")
    unknown = sorted(str(k) for k in spec if k not in SCOPE_FACTS)
    if unknown:
        raise ConditionError(f"{where}: unknown key {unknown[0]!r} (use {', '.join(SCOPE_FACTS)})")
    accepted: list[tuple[str, frozenset[str]]] = []
    for key, value in spec.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values:
            raise ConditionError(f"{where}.{key}: give a list of one or more names")
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise ConditionError(f"{where}.{key}: every entry is a name (text)")
        accepted.append((SCOPE_FACTS[key], frozenset(v.strip().casefold() for v in values)))

    def in_scope(f: Facts) -> bool:
        return all(str(getattr(f, fact) or "").casefold() in ok for fact, ok in accepted)

    return in_scope


def scope_values(spec: Any) -> dict[str, list[str]]:
    """A valid scope as lists of names per key (a single name becomes a list)."""
    if not isinstance(spec, Mapping):
        return {}
    return {
        str(k): [v] if isinstance(v, str) else [str(x) for x in v]
        for k, v in spec.items()
        if k in SCOPE_FACTS
    }


@dataclass(frozen=True)
class CompiledPolicy:
    name: str
    rules: tuple[Rule, ...]
    scope: Predicate | None = None  # None: every ticket

    def governs(self, facts: Facts) -> bool:
        return self.scope is None or self.scope(facts)


@dataclass(frozen=True)
class Fired:
    """One action a rule decided, in the order the rules decided them."""

    policy: str
    rule: str
    action: Action


@dataclass(frozen=True)
class Skipped:
    """A rule that could not be evaluated (e.g. its calendar does not exist yet)."""

    policy: str
    rule: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    fired: tuple[Fired, ...]
    facts: Facts  # the ticket as the actions leave it
    skipped: tuple[Skipped, ...] = ()

    def last(self, kind: str) -> Fired | None:
        found = [f for f in self.fired if f.action.type == kind]
        return found[-1] if found else None


def _applied(facts: Facts, action: Action) -> tuple[Facts, set[str]]:
    """The facts after a field-changing action, and the fields it really changed."""
    p = action.params
    if action.type == "escalate":
        tier = int(p.get("tier", min(facts.tier + 1, 3)))
        changed = {k for k, v in (("team", p["team"]), ("tier", tier)) if getattr(facts, k) != v}
        return replace(facts, team=str(p["team"]), tier=tier), changed
    name = FIELD_ACTIONS.get(action.type)
    if name is None:
        return facts, set()
    if name == "tags":
        tags = facts.tags | frozenset(str(t) for t in p["tags"])
        return replace(facts, tags=tags), ({"tags"} if tags != facts.tags else set())
    value = p[name]
    if name == "assignee" and value in (None, "none"):
        value = ""  # "none" unassigns
    value = int(value) if name in ("priority", "tier") else str(value)
    if getattr(facts, name) == value:
        return facts, set()
    changes: dict[str, Any] = {name: value}
    return replace(facts, **changes), {name}


def plan(
    policies: Sequence[CompiledPolicy], event: str, facts: Facts, *, max_rounds: int = 5
) -> Outcome:
    """Everything the policies would do for `event`, without doing it.

    Field changes made by rules are seen by later rules, and start a `field.changed` round for
    the rules that react to changes. A rule fires at most once per plan, and rounds stop after
    `max_rounds`, so rules cannot trigger each other endlessly.
    """
    fired: list[Fired] = []
    skipped: list[Skipped] = []
    done: set[tuple[str, str]] = set()
    trigger = event
    # A policy acts only on the tickets in its scope (organization, plan, channel, requester
    # type, mailbox, brand: facts no rule changes, so the scope is decided once).
    policies = [p for p in policies if p.governs(facts)]
    for _round in range(max_rounds):
        changed: set[str] = set()
        for policy in policies:
            for rule in policy.rules:
                if (policy.name, rule.name) in done or trigger not in rule.on:
                    continue
                try:
                    hit = rule.when(facts)  # facts as the rules before this one left them
                except ConditionError as exc:  # configuration missing: skip, never crash
                    done.add((policy.name, rule.name))
                    skipped.append(Skipped(policy.name, rule.name, str(exc)))
                    continue
                if not hit:
                    continue
                done.add((policy.name, rule.name))
                for action in rule.actions:
                    fired.append(Fired(policy=policy.name, rule=rule.name, action=action))
                    facts, now_changed = _applied(facts, action)
                    changed |= now_changed
                if rule.stop:
                    break
        if not changed:
            break
        trigger = "field.changed"
        facts = replace(facts, changed=frozenset(changed))
    return Outcome(fired=tuple(fired), facts=facts, skipped=tuple(skipped))
