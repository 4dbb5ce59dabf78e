"""Pure rule conditions (no Django): compiled once into predicates over ticket facts.

A condition is plain data, as written in a policy's YAML:

    all: [...] | any: [...] | not: {...}
    field: priority, op: lte, value: 2
        (eq ne in not_in lt lte gt gte contains present absent)
    keywords: ["unable to connect", "no video"], in: [subject, body], synonyms: {...}
    in_state: {status: pending, more_than_hours: 48}        (time in the current status)
    since: {event: created, more_than_hours: 24}            (time since the last such event)
    since: {field: fields.requirements_met_at, more_than_hours: 48}   (time since a date field)
    since: {field: safety_flagged_at, more_than_minutes: 15}          (minutes work as well)
    changed: [category, form.serial]    (one of these changed; always true for a new ticket)
    history: {event: created, within_days: 30, same: device_serial, at_least: 1}
    business_hours: {calendar: "Developer support", open: false}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol


class CalendarLike(Protocol):
    def is_open(self, instant: datetime) -> bool: ...


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    type: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What a rule may look at, gathered once per evaluation."""

    now: datetime
    subject: str = ""
    body: str = ""
    channel: str = ""
    category: str = ""
    priority: int = 3
    status: str = "new"
    custom_status: str = ""  # the desk's name for the status ("Awaiting lab results")
    status_since: datetime | None = None
    team: str = ""
    tier: int = 1
    assignee: str = ""
    organization: str = ""
    plan: str = ""
    requester_type: str = ""
    mailbox: str = ""  # the address the ticket arrived on (email), or the default mailbox's
    brand: str = ""  # that mailbox's brand
    tags: frozenset[str] = frozenset()
    fields: Mapping[str, Any] = field(default_factory=dict)
    history: Sequence[HistoryItem] = ()
    calendars: Mapping[str, CalendarLike] = field(default_factory=dict)
    # the fields a field.changed event changed; "*" for a new ticket (everything is new)
    changed: frozenset[str] = frozenset()
    escalate_to: str = ""  # the team an agent asked to escalate to (escalate.requested)
    # the safety screen's (or an agent's) finding: "", "possible" or "event", its IMDRF codes,
    # when it was raised and whether a liaison has reviewed it since
    safety: str = ""
    safety_codes: frozenset[str] = frozenset()
    safety_flagged_at: datetime | None = None
    safety_reviewed: bool = False

    def value(self, name: str) -> Any:
        if name.startswith("fields."):
            return self.fields.get(name.removeprefix("fields."))
        if name in _FACT_NAMES:
            return getattr(self, name)
        raise ConditionError(f"unknown field {name!r}")


_FACT_NAMES = {
    "subject", "body", "channel", "category", "priority", "status", "custom_status", "team",
    "tier", "assignee", "organization", "plan", "requester_type", "mailbox", "brand", "tags",
    "escalate_to",
    "safety", "safety_codes", "safety_flagged_at", "safety_reviewed",
}  # fmt: skip

Predicate = Callable[[Facts], bool]


class ConditionError(ValueError):
    """A condition that cannot be compiled; the message says where and why."""


def _norm(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _compare(op: str, actual: Any, expected: Any) -> bool:  # noqa: PLR0911 - one branch per operator
    if op == "present":
        return actual not in (None, "", [], frozenset())
    if op == "absent":
        return actual in (None, "", [], frozenset())
    if op == "contains":
        if isinstance(actual, str):
            return _norm(expected) in actual.casefold()
        return expected in (actual or ())
    a, e = _norm(actual), _norm(expected)
    if op == "eq":
        return bool(a == e)
    if op == "ne":
        return bool(a != e)
    if op in ("in", "not_in"):
        inside = a in [_norm(x) for x in e]
        return inside if op == "in" else not inside
    if a is None:
        return False
    try:
        return bool({"lt": a < e, "lte": a <= e, "gt": a > e, "gte": a >= e}[op])
    except TypeError:
        return False


OPS = {"eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "contains", "present", "absent"}


def _field(spec: Mapping[str, Any], where: str) -> Predicate:
    name, op = spec["field"], spec.get("op", "eq")
    if op not in OPS:
        raise ConditionError(f"{where}: unknown operator {op!r}")
    if name not in _FACT_NAMES and not str(name).startswith("fields."):
        raise ConditionError(f"{where}: unknown field {name!r}")
    if op in ("in", "not_in") and not isinstance(spec.get("value"), list):
        raise ConditionError(f"{where}: {op} needs a list value")
    expected = spec.get("value")
    return lambda f: _compare(op, f.value(name), expected)


def phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any phrase on word boundaries, spaces flexible."""
    parts = []
    for phrase in phrases:
        words = [re.escape(w) for w in phrase.split()]
        if words:
            parts.append(r"\s+".join(words))
    if not parts:
        raise ConditionError("keywords: give at least one phrase")
    return re.compile(
        r"(?<!\w)(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE
    )


def _keywords(spec: Mapping[str, Any], where: str) -> Predicate:
    phrases = list(spec["keywords"])
    for phrase in list(phrases):
        phrases.extend((spec.get("synonyms") or {}).get(phrase, []))
    pattern = phrase_pattern(phrases)
    places = spec.get("in", ["subject", "body"])
    if not set(places) <= {"subject", "body"}:
        raise ConditionError(f"{where}: keywords search subject and body only")
    return lambda f: any(pattern.search(getattr(f, p)) for p in places)


def _hours(spec: Mapping[str, Any], where: str) -> tuple[timedelta | None, timedelta | None]:
    """The bounds of a duration condition, given in hours or in minutes."""
    bounds: list[timedelta | None] = []
    for side in ("more", "less"):
        hours, minutes = spec.get(f"{side}_than_hours"), spec.get(f"{side}_than_minutes")
        if hours is not None and minutes is not None:
            raise ConditionError(f"{where}: give {side}_than_hours or {side}_than_minutes")
        if hours is not None:
            bounds.append(timedelta(hours=float(hours)))
        elif minutes is not None:
            bounds.append(timedelta(minutes=float(minutes)))
        else:
            bounds.append(None)
    more, less = bounds
    if more is None and less is None:
        raise ConditionError(f"{where}: give more_than_hours or less_than_hours (or minutes)")
    return more, less


def _within(elapsed: timedelta, more: timedelta | None, less: timedelta | None) -> bool:
    return (more is None or elapsed > more) and (less is None or elapsed < less)


def _in_state(spec: Mapping[str, Any], where: str) -> Predicate:
    status = spec.get("status")
    more, less = _hours(spec, where)

    def check(f: Facts) -> bool:
        if status is not None and f.status != status:
            return False
        return f.status_since is not None and _within(f.now - f.status_since, more, less)

    return check


def _since(spec: Mapping[str, Any], where: str) -> Predicate:
    more, less = _hours(spec, where)
    if "field" in spec:
        name = spec["field"]

        def check_field(f: Facts) -> bool:
            at = _instant(f.value(name))
            return at is not None and _within(f.now - at, more, less)

        return check_field
    event = spec["event"]

    def check(f: Facts) -> bool:
        times = [h.at for h in f.history if h.type == event]
        return bool(times) and _within(f.now - max(times), more, less)

    return check


def _instant(value: Any) -> datetime | None:
    """A date or instant from a field (form answers are ISO text); None if it is not one."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _changed(spec: Mapping[str, Any], where: str) -> Predicate:
    names = spec["changed"]
    if not isinstance(names, list) or not names:
        raise ConditionError(f"{where}: changed needs a list of field names")
    wanted = frozenset(names)
    return lambda f: "*" in f.changed or bool(f.changed & wanted)


def _history(spec: Mapping[str, Any], where: str) -> Predicate:
    event = spec["event"]
    days = timedelta(days=float(spec.get("within_days", 36500)))
    same = spec.get("same")
    at_least = int(spec.get("at_least", 1))

    def check(f: Facts) -> bool:
        key = f.value(same) if same else None
        if same and key in (None, ""):
            return False
        count = 0
        for h in f.history:
            if h.type != event or f.now - h.at > days:
                continue
            if same and h.data.get(same.removeprefix("fields.")) != key:
                continue
            count += 1
        return count >= at_least

    return check


def _business_hours(spec: Mapping[str, Any], where: str) -> Predicate:
    name = spec["calendar"]
    want_open = bool(spec.get("open", True))

    def check(f: Facts) -> bool:
        cal = f.calendars.get(name)
        if cal is None:
            raise ConditionError(f"{where}: no calendar named {name!r}")
        return cal.is_open(f.now) is want_open

    return check


_LEAVES: dict[str, Callable[[Mapping[str, Any], str], Predicate]] = {
    "field": _field,
    "keywords": _keywords,
    "in_state": lambda s, w: _in_state(s["in_state"], w),
    "since": lambda s, w: _since(s["since"], w),
    "history": lambda s, w: _history(s["history"], w),
    "business_hours": lambda s, w: _business_hours(s["business_hours"], w),
    "changed": _changed,
}


def compile_condition(spec: Any, where: str = "when") -> Predicate:
    """Turn condition data into a predicate, or raise ConditionError naming the bad part."""
    if spec is None or spec == {}:
        return lambda f: True
    if not isinstance(spec, Mapping):
        raise ConditionError(f"{where}: a condition is a mapping")
    if "all" in spec or "any" in spec:
        key = "all" if "all" in spec else "any"
        parts = [compile_condition(c, f"{where}.{key}[{i}]") for i, c in enumerate(spec[key])]
        if key == "all":
            return lambda f: all(p(f) for p in parts)
        return lambda f: any(p(f) for p in parts)
    if "not" in spec:
        inner = compile_condition(spec["not"], f"{where}.not")
        return lambda f: not inner(f)
    for key, builder in _LEAVES.items():
        if key in spec:
            try:
                return builder(spec, where)
            except KeyError as exc:
                raise ConditionError(f"{where}: missing {exc.args[0]!r}") from None
    raise ConditionError(f"{where}: unknown condition {sorted(spec)!r}")
