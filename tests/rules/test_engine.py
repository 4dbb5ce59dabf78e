"""Rule conditions and evaluation (pure): keyword triage, time in state, history, business hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from caredesk.rules.conditions import ConditionError, Facts, HistoryItem, compile_condition
from caredesk.rules.engine import compile_rules, evaluate
from caredesk.sla.calendar import BusinessCalendar

NOW = datetime(2026, 11, 2, 19, tzinfo=UTC)  # Monday 14:00 New York


def facts(**kw) -> Facts:
    return Facts(now=NOW, **kw)


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("I am UNABLE to   connect to my visit", True),
        ("unable to connected", False),  # word boundary
        ("Question about billing for March", True),
        ("rebilling", False),
        ("This is urgent!", True),
        ("Cannot join the call", True),  # a synonym
        ("all good", False),
    ],
)
def test_keywords_match_whole_phrases_case_insensitively_with_synonyms(text, matches):
    cond = compile_condition(
        {
            "keywords": ["unable to connect", "billing", "urgent"],
            "synonyms": {"unable to connect": ["cannot join"]},
        }
    )
    assert cond(facts(body=text)) is matches


def test_field_operators_and_combinators():
    cond = compile_condition(
        {
            "all": [
                {"field": "priority", "op": "lte", "value": 2},
                {"not": {"field": "plan", "op": "eq", "value": "basic"}},
                {
                    "any": [
                        {"field": "channel", "op": "in", "value": ["phone", "video"]},
                        {"field": "tags", "op": "contains", "value": "vip"},
                    ]
                },
            ]
        }
    )
    assert cond(facts(priority=1, plan="premium", channel="video"))
    assert cond(facts(priority=2, plan="Standard", channel="email", tags=frozenset({"vip"})))
    assert not cond(facts(priority=1, plan="basic", channel="video"))
    assert not cond(facts(priority=3, plan="premium", channel="video"))
    assert compile_condition({"field": "fields.device_serial", "op": "present"})(
        facts(fields={"device_serial": "PT-1"})
    )


def test_time_in_state_and_since_an_event():
    pending_two_days = facts(status="pending", status_since=NOW - timedelta(hours=49))
    assert compile_condition({"in_state": {"status": "pending", "more_than_hours": 48}})(
        pending_two_days
    )
    assert not compile_condition({"in_state": {"status": "pending", "more_than_hours": 72}})(
        pending_two_days
    )
    opened = facts(history=[HistoryItem(NOW - timedelta(hours=25), "created")])
    assert compile_condition({"since": {"event": "created", "more_than_hours": 24}})(opened)


def test_repeat_failure_within_30_days_for_the_same_device():
    history = [
        HistoryItem(NOW - timedelta(days=12), "created", {"device_serial": "PT-448812"}),
        HistoryItem(NOW - timedelta(days=45), "created", {"device_serial": "PT-448812"}),
        HistoryItem(NOW - timedelta(days=3), "created", {"device_serial": "PT-000001"}),
    ]
    cond = compile_condition(
        {"history": {"event": "created", "within_days": 30, "same": "fields.device_serial"}}
    )
    assert cond(facts(fields={"device_serial": "PT-448812"}, history=history))
    assert not cond(facts(fields={"device_serial": "PT-999999"}, history=history))
    assert not cond(facts(fields={}, history=history))


def test_business_hours_against_a_named_calendar():
    dev = BusinessCalendar("America/New_York", {d: [(time(8), time(13))] for d in range(5)})
    after_cutoff = compile_condition(
        {"business_hours": {"calendar": "Developer support", "open": False}}
    )
    assert after_cutoff(facts(calendars={"Developer support": dev}))  # 14:00 > 13:00 cut-off
    morning = Facts(now=NOW - timedelta(hours=5), calendars={"Developer support": dev})
    assert not after_cutoff(morning)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"field": "colour", "op": "eq", "value": 1}, "unknown field"),
        ({"field": "priority", "op": "between", "value": 1}, "unknown operator"),
        ({"field": "priority", "op": "in", "value": 1}, "needs a list"),
        ({"in_state": {"status": "pending"}}, "more_than_hours"),
        ({"colour": "red"}, "unknown condition"),
        ({"all": [{"field": "priority"}, {"nope": 1}]}, "when.all[1]"),
    ],
)
def test_bad_conditions_are_refused_with_where_and_why(spec, message):
    with pytest.raises(ConditionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compile_condition(spec)


RULES = [
    {"name": "Urgent words", "on": ["ticket.created"], "when": {"keywords": ["urgent"]},
     "actions": [{"type": "set_priority", "priority": 2}, {"type": "add_tags", "tags": ["urgent"]}]},
    {"name": "Billing", "when": {"keywords": ["billing", "invoice"]},
     "actions": [{"type": "set_team", "team": "billing"}], "stop": True},
    {"name": "Connection", "when": {"keywords": ["unable to connect"]},
     "actions": [{"type": "apply_macro", "macro": "clear-cache-and-restart"}]},
]  # fmt: skip


def test_rules_fire_in_order_and_stop_processing_ends_the_list():
    rules = compile_rules(RULES)
    matched = evaluate(
        rules, "ticket.created", facts(subject="URGENT billing question, unable to connect")
    )
    assert [m.rule for m in matched] == ["Urgent words", "Billing"]
    assert evaluate(rules, "message.added", facts(subject="urgent")) == []


def test_rules_are_validated_as_a_whole():
    with pytest.raises(ConditionError, match="unknown action"):
        compile_rules([{"name": "x", "actions": [{"type": "launch_rocket"}]}])
    with pytest.raises(ConditionError, match="needs team, reason"):
        compile_rules([{"name": "x", "actions": [{"type": "escalate"}]}])
    with pytest.raises(ConditionError, match="unique"):
        compile_rules([RULES[1], RULES[1]])
    with pytest.raises(ConditionError, match="unknown event"):
        compile_rules([{**RULES[0], "on": ["ticket.exploded"]}])
