"""The planner: what policies decide for an event, with rules seeing each other's changes, and
never looping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.rules.conditions import Facts
from caredesk.rules.engine import CompiledPolicy, compile_rules, plan

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def policy(*rules: dict, name: str = "P") -> CompiledPolicy:
    return CompiledPolicy(name, tuple(compile_rules(list(rules))))


def types(outcome) -> list[tuple[str, str]]:
    return [(f.rule, f.action.type) for f in outcome.fired]


def test_a_later_rule_sees_the_category_an_earlier_rule_set():
    p = policy(
        {
            "name": "keyword",
            "when": {"keywords": ["invoice"]},
            "actions": [{"type": "set_category", "category": "billing"}],
        },
        {
            "name": "route billing",
            "when": {"field": "category", "op": "eq", "value": "billing"},
            "actions": [{"type": "set_team", "team": "billing"}],
        },
    )
    out = plan([p], "ticket.created", Facts(now=NOW, subject="Invoice twice"))
    assert types(out) == [("keyword", "set_category"), ("route billing", "set_team")]
    assert (out.facts.category, out.facts.team) == ("billing", "billing")


def test_rules_reacting_to_changes_run_after_a_rule_changed_something():
    p = policy(
        {
            "name": "urgent words",
            "when": {"keywords": ["urgent"]},
            "actions": [{"type": "set_priority", "priority": 2}],
        },
        {
            "name": "level 2 goes to tier 2",
            "on": ["field.changed"],
            "when": {
                "all": [{"changed": ["priority"]}, {"field": "priority", "op": "lte", "value": 2}]
            },
            "actions": [{"type": "set_tier", "tier": 2}],
        },
    )
    out = plan([p], "ticket.created", Facts(now=NOW, subject="Urgent: no video"))
    assert types(out) == [("urgent words", "set_priority"), ("level 2 goes to tier 2", "set_tier")]
    assert out.facts.tier == 2


def test_two_rules_that_undo_each_other_stop_after_each_fired_once():
    p = policy(
        {
            "name": "to A",
            "on": ["ticket.created", "field.changed"],
            "when": {"field": "team", "op": "ne", "value": "a"},
            "actions": [{"type": "set_team", "team": "a"}],
        },
        {
            "name": "to B",
            "on": ["ticket.created", "field.changed"],
            "when": {"field": "team", "op": "eq", "value": "a"},
            "actions": [{"type": "set_team", "team": "b"}],
        },
    )
    out = plan([p], "ticket.created", Facts(now=NOW))
    assert types(out) == [("to A", "set_team"), ("to B", "set_team")]
    assert out.facts.team == "b"


def test_rounds_are_bounded_even_with_many_chained_rules():
    # Listed last-link first, each round can only fire the next link of the chain.
    chain = [
        {
            "name": f"step {i}",
            "on": ["ticket.created", "field.changed"],
            "when": {"field": "tags", "op": "contains", "value": f"t{i}"},
            "actions": [{"type": "add_tags", "tags": [f"t{i + 1}"]}],
        }
        for i in reversed(range(20))
    ]
    facts = Facts(now=NOW, tags=frozenset({"t0"}))
    out = plan([policy(*chain)], "ticket.created", facts, max_rounds=5)
    assert [f.rule for f in out.fired] == [f"step {i}" for i in range(5)]


def test_every_rule_fires_at_most_once_per_plan():
    chain = [
        {
            "name": f"step {i}",
            "on": ["ticket.created", "field.changed"],
            "when": {"field": "tags", "op": "contains", "value": f"t{i}"},
            "actions": [{"type": "add_tags", "tags": [f"t{i + 1}"]}],
        }
        for i in range(20)
    ]
    out = plan([policy(*chain)], "ticket.created", Facts(now=NOW, tags=frozenset({"t0"})))
    assert [f.rule for f in out.fired] == [f"step {i}" for i in range(20)]


def test_changed_is_true_for_a_new_ticket_and_then_only_for_the_named_fields():
    rule = {
        "name": "category moved",
        "on": ["ticket.created", "field.changed"],
        "when": {"changed": ["category"]},
        "actions": [{"type": "add_note", "text": "Routed."}],
    }
    p = policy(rule)
    assert plan([p], "ticket.created", Facts(now=NOW, changed=frozenset({"*"}))).fired
    assert plan([p], "field.changed", Facts(now=NOW, changed=frozenset({"category"}))).fired
    assert not plan([p], "field.changed", Facts(now=NOW, changed=frozenset({"priority"}))).fired


@pytest.mark.parametrize(
    ("since", "fires"),
    [
        ("2026-11-23T14:00:00+00:00", True),
        ("2026-11-24T16:00:00+00:00", False),
        ("", False),
        ("soon", False),
    ],
)
def test_time_since_a_date_answered_in_the_form(since, fires):
    p = policy(
        {
            "name": "true for 48 hours",
            "when": {"since": {"field": "fields.true_since", "more_than_hours": 48}},
            "actions": [{"type": "set_team", "team": "prodops"}],
        }
    )
    out = plan([p], "ticket.created", Facts(now=NOW, fields={"true_since": since}))
    assert bool(out.fired) is fires


def test_a_stop_rule_ends_its_policy_but_not_the_next_policy():
    first = policy(
        {
            "name": "safety",
            "stop": True,
            "when": {"keywords": ["burn"]},
            "actions": [{"type": "set_priority", "priority": 1}],
        },
        {"name": "never", "when": {}, "actions": [{"type": "add_tags", "tags": ["x"]}]},
        name="devices",
    )
    second = policy(
        {"name": "tag all", "when": {}, "actions": [{"type": "add_tags", "tags": ["seen"]}]},
        name="other",
    )
    out = plan([first, second], "ticket.created", Facts(now=NOW, body="It left a burn on my hand"))
    assert [(f.policy, f.rule) for f in out.fired] == [("devices", "safety"), ("other", "tag all")]


def test_escalate_moves_team_and_tier_in_the_facts():
    p = policy(
        {
            "name": "up",
            "when": {},
            "actions": [{"type": "escalate", "team": "tier-2", "reason": "x"}],
        }
    )
    out = plan([p], "ticket.created", Facts(now=NOW, tier=1, team="tier-1"))
    assert (out.facts.team, out.facts.tier) == ("tier-2", 2)


def test_a_periodic_sweep_reads_only_the_categories_its_rules_can_match():
    from caredesk.rules.engine import categories_for

    timed = policy(
        {
            "name": "a",
            "on": ["time.check"],
            "when": {"all": [{"field": "category", "op": "eq", "value": "device-error"}]},
            "actions": [{"type": "add_tags", "tags": ["x"]}],
        },
        {
            "name": "b",
            "on": ["time.check"],
            "when": {"field": "category", "op": "in", "value": ["vmp-scheduling", ""]},
            "actions": [{"type": "add_tags", "tags": ["x"]}],
        },
        {
            "name": "c",
            "on": ["ticket.created"],
            "when": {},
            "actions": [{"type": "add_tags", "tags": ["x"]}],
        },
    )
    assert categories_for([timed], "time.check") == {"device-error", "vmp-scheduling", ""}
    anything = policy(
        {
            "name": "d",
            "on": ["time.check"],
            "when": {"keywords": ["late"]},
            "actions": [{"type": "add_tags", "tags": ["x"]}],
        }
    )
    assert categories_for([timed, anything], "time.check") is None


def test_every_action_a_policy_may_name_has_something_that_carries_it_out():
    from caredesk.rules import actions, services
    from caredesk.rules.engine import ACTIONS

    registered = set(actions.handlers.keys())  # by the integrations: tracker issues, webhooks
    carried = set(services._FIELDS) | set(services._HANDLERS) | registered | {"guidance"}
    assert carried == set(ACTIONS)
    assert {"open_tracker_issue", "webhook", "open_complaint"} <= registered


def test_another_app_registers_only_actions_the_rules_name_and_each_once():
    from caredesk.core.registries import RegistryError
    from caredesk.rules.actions import action_register

    with pytest.raises(RegistryError, match="not an action a rule may name"):
        action_register("launch_rocket", lambda ticket, params: None)
    with pytest.raises(RegistryError, match="'webhook' is registered twice"):
        action_register("webhook", lambda ticket, params: None)
