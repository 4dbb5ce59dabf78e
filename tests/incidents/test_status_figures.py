"""The status page's figures against a brute-force recomputation: generated histories on whole
minutes, the state looked up minute by minute, down minutes counted, incidents' minutes summed;
the same rounding (defined once in pure.py) applied to both, so they must agree exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.incidents import pure
from caredesk.incidents.models import DOWN_STATES, ComponentState

STATES = list(ComponentState.values)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
SPAN = 3 * 24 * 60  # the generated window: three days of minutes


def _minute(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


changes_st = st.lists(
    st.tuples(st.integers(-600, SPAN + 600), st.sampled_from(STATES)), max_size=30
).map(lambda xs: sorted(xs, key=lambda x: x[0]))


def _state_at(minute: int, changes: list[tuple[int, str]], before: str) -> str:
    state = before
    for at, new in changes:
        if at <= minute:
            state = new
    return state


@settings(max_examples=300, deadline=None)
@given(
    changes=changes_st,
    before=st.sampled_from(STATES),
    since=st.integers(0, SPAN // 2),
    length=st.integers(1, SPAN // 2),
)
def test_uptime_agrees_with_counting_minutes(changes, before, since, length):
    until = since + length
    history = pure.intervals(
        [(_minute(m), s) for m, s in changes], since=_minute(since), until=_minute(until),
        before=before,
    )  # fmt: skip
    down = sum(1 for m in range(since, until) if _state_at(m, changes, before) in set(DOWN_STATES))
    expected = pure.percent_rounded((length - down) * 60_000_000, length * 60_000_000)
    assert pure.uptime(history, _minute(since), _minute(until)) == expected
    # the intervals tile the window exactly
    assert history[0][1] == _minute(since) and history[-1][2] == _minute(until)
    assert all(a[2] == b[1] for a, b in zip(history, history[1:], strict=False))


incident_st = st.lists(
    st.tuples(st.integers(0, SPAN), st.one_of(st.none(), st.integers(0, 600))), max_size=15
)


@settings(max_examples=300, deadline=None)
@given(incidents=incident_st, since=st.integers(0, SPAN // 2), length=st.integers(1, SPAN))
def test_mean_time_to_resolve_agrees_with_counting_minutes(incidents, since, length):
    until = since + length
    spans = [(_minute(s), None if d is None else _minute(s + d)) for s, d in incidents]
    counted = [d for s, d in incidents if d is not None and since <= s + d <= until]
    minutes = sum(sum(1 for _ in range(d)) for d in counted)  # minute by minute
    expected = pure.mean_minutes_rounded(minutes * 60_000_000, len(counted))
    assert pure.mean_time_to_resolve(spans, _minute(since), _minute(until)) == expected


@settings(max_examples=100, deadline=None)
@given(changes=changes_st, before=st.sampled_from(STATES))
def test_months_add_up_to_the_window(changes, before):
    """Per-month uptimes weighted by their length give the window's down time back."""
    until = _minute(SPAN)
    since = T0 - timedelta(days=70)
    moved = [(_minute(m), s) for m, s in changes]
    figures = pure.figures(moved, [], before=before, since=since, until=until, months=4)
    assert [m for m, _u in figures.months] == [
        datetime(2025, 10, 1, tzinfo=UTC), datetime(2025, 11, 1, tzinfo=UTC),
        datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC),
    ]  # fmt: skip
    history = pure.intervals(moved, since=since, until=until, before=before)
    per_month = sum(
        pure.down_us(pure.clip(history, max(s, since), e)) for s, e in pure.months_back(until, 4)
    )
    assert per_month == pure.down_us(history)


def test_rounding_is_down_to_hundredths_and_half_minutes_up():
    year = 365 * 24 * 60
    assert pure.percent_rounded((year - 60) * 60, year * 60) == Decimal("99.98")
    assert pure.percent_rounded(year - 1, year) == Decimal("99.99")  # never shows 100.00
    assert pure.percent_rounded(5, 5) == Decimal("100")
    assert pure.percent_rounded(0, 0) is None
    assert pure.mean_minutes_rounded(90 * 1_000_000, 1) == 2  # 1.5 min -> 2
    assert pure.mean_minutes_rounded(89 * 1_000_000, 1) == 1
    assert pure.mean_minutes_rounded(0, 0) is None
