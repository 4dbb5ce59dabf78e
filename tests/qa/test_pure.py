"""The arithmetic of QA: sample sizes, the reproducible draw, scores and the spread."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from caredesk.qa import pure
from caredesk.qa.pure import Rated

AGENT_WEEKS = st.dictionaries(
    keys=st.integers(min_value=1, max_value=10_000),
    values=st.tuples(
        st.sets(st.integers(min_value=1, max_value=5_000), max_size=300),  # tickets worked
        st.sets(st.integers(min_value=1, max_value=5_000), max_size=12),  # escalated or safety
    ),
    min_size=1,
    max_size=8,  # each agent is drawn on its own: a few per week show the same as forty
)
WEEKS = st.builds(lambda y, w: f"{y}-W{w:02d}", st.integers(2024, 2030), st.integers(1, 52))
SHARES = st.decimals(min_value=Decimal("0"), max_value=Decimal("0.5"), places=2)


@settings(max_examples=200, deadline=None)
@given(agents=AGENT_WEEKS, week=WEEKS, share=SHARES)
@example(agents={1: (set(range(1, 26)), set())}, week="2024-W01", share=Decimal("0.28"))
def test_every_agent_gets_at_least_five_percent_and_every_flagged_interaction(agents, week, share):
    for agent_id, (tickets, flagged) in agents.items():
        must = flagged & tickets
        chosen = pure.draw(week=week, agent_id=agent_id, tickets=tickets, must=flagged, share=share)
        assert set(chosen) <= tickets
        assert must <= set(chosen)
        if tickets:
            assert len(chosen) >= max(1, math.ceil(len(tickets) * 0.05))
            assert len(chosen) >= math.ceil(len(tickets) * share)  # exact: 25 x 0.28 is 7
        else:
            assert chosen == []
        again = pure.draw(
            week=week,
            agent_id=agent_id,
            tickets=list(reversed(sorted(tickets))),
            must=flagged,
            share=share,
        )
        assert again == chosen  # the same week and data: the same sample


@pytest.mark.parametrize(
    ("n", "share", "size"),
    [
        (0, "0.05", 0),
        (1, "0.05", 1),
        (19, "0.05", 1),
        (20, "0.05", 1),
        (21, "0.05", 2),
        (100, "0.05", 5),
        (101, "0.05", 6),
        (10, "0.01", 1),
        (40, "0.10", 4),
        (3, "0.5", 2),
    ],
)
def test_sample_size_is_the_ceiling_with_a_five_percent_floor(n, share, size):
    assert pure.sample_size(n, Decimal(share)) == size


def test_the_draw_differs_between_agents_and_weeks_but_not_between_runs():
    tickets = list(range(1, 201))
    a = pure.draw(week="2026-W49", agent_id=1, tickets=tickets, must=[], share=Decimal("0.05"))
    assert a == pure.draw(
        week="2026-W49", agent_id=1, tickets=tickets, must=[], share=Decimal("0.05")
    )
    assert a != pure.draw(
        week="2026-W49", agent_id=2, tickets=tickets, must=[], share=Decimal("0.05")
    )
    assert a != pure.draw(
        week="2026-W50", agent_id=1, tickets=tickets, must=[], share=Decimal("0.05")
    )


def test_reviewers_are_balanced_by_load_and_never_the_agent():
    assert pure.balance(4, [7, 8, 9], {7: 3}, exclude=9) == [8, 8, 8, 7]
    assert pure.balance(2, [5], {}, exclude=5) == []


def test_weeks_parse_and_refuse_what_is_not_a_week():
    start, end = pure.week_bounds("2026-W49")
    assert (start.isoformat(), end.isoformat()) == (
        "2026-11-30T00:00:00+00:00",
        "2026-12-07T00:00:00+00:00",
    )
    assert pure.week_of(start) == "2026-W49" and pure.previous_week("2026-W01") == "2025-W52"
    for bad in ("2026-49", "2026-W54", "W49", ""):
        with pytest.raises(ValueError):
            pure.week_bounds(bad)


def test_score_is_the_weighted_share_of_the_applicable_criteria():
    result = pure.outcome(
        [
            Rated(weight=50, mark="met", script=True),
            Rated(weight=30, mark="partly"),
            Rated(weight=20, mark="missed", script=True),
        ]
    )
    assert result.score == Decimal("65.0")  # 50 + 15 of 100
    assert result.adherence == Decimal("50.0") and not result.auto_failed


def test_not_applicable_criteria_leave_the_weighing():
    result = pure.outcome([Rated(weight=60, mark="met"), Rated(weight=40, mark="na", script=True)])
    assert result.score == Decimal("100.0") and result.adherence is None


def test_a_missed_auto_fail_criterion_scores_zero_and_flags():
    result = pure.outcome(
        [
            Rated(weight=90, mark="met"),
            Rated(weight=10, mark="missed", auto_fail=True, script=True),
        ]
    )
    assert (result.score, result.auto_failed, result.adherence) == (
        Decimal("0.0"),
        True,
        Decimal("0.0"),
    )
    partly = pure.outcome(
        [Rated(weight=90, mark="met"), Rated(weight=10, mark="partly", auto_fail=True)]
    )
    assert partly.score == Decimal("95.0") and not partly.auto_failed


def test_weights_must_add_up_to_a_hundred():
    assert pure.weights_problem([50, 50]) == ""
    assert "add up to 90" in pure.weights_problem([50, 40])
    assert pure.weights_problem([]) != ""


def test_spread_is_min_max_and_population_standard_deviation():
    s = pure.spread([Decimal(80), Decimal(90), Decimal(100)])
    assert s is not None and (s.low, s.high, s.stdev) == (Decimal(80), Decimal(100), Decimal("8.2"))
    assert pure.spread([]) is None
