"""The KPI formulas and target bands."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from caredesk.reports import pure
from caredesk.reports.pure import Band, Target

counts = st.integers(min_value=0, max_value=10**7)


@given(counts, counts)
def test_a_share_is_a_percentage_or_nothing_to_measure(part: int, extra: int) -> None:
    whole = part + extra
    value = pure.share(part, whole)
    if whole == 0:
        assert value is None
    else:
        assert value is not None and 0 <= value <= 100
        assert (value == 100) == (extra == 0)


@given(counts, counts, counts)
def test_nps_runs_from_minus_100_to_100(promoters: int, passives: int, detractors: int) -> None:
    value = pure.nps(promoters, passives, detractors)
    if promoters + passives + detractors == 0:
        assert value is None
    else:
        assert value is not None and -100 <= value <= 100
        assert (value > 0) == (promoters > detractors)


def test_the_reference_figures() -> None:
    assert pure.fcr(75, 100) == 75.0
    assert pure.nps(50, 30, 20) == 30.0  # the reference's NPS >= 30
    assert pure.backlog_share(2, 100) == 2.0
    assert pure.mean(300, 0) is None and pure.mean(300, 2) == 150
    assert pure.change(110, 100) == 10.0 and pure.change(1, 0) is None


def test_higher_is_better_bands() -> None:
    fcr = pure.TARGETS_BY_KPI["fcr"]
    assert [fcr.band(v) for v in (90, 75, 74.9, 70, 69.9, None)] == [
        Band.MET, Band.MET, Band.AT_RISK, Band.AT_RISK, Band.MISSED, Band.NONE
    ]  # fmt: skip
    assert fcr.describe() == ">= 75 %"


def test_lower_is_better_bands() -> None:
    backlog = pure.TARGETS_BY_KPI["backlog"]
    assert [backlog.band(v) for v in (0, 2, 2.5, 3, 3.1)] == [
        Band.MET, Band.MET, Band.AT_RISK, Band.AT_RISK, Band.MISSED
    ]  # fmt: skip
    assert backlog.describe() == "<= 2 %"


def test_a_range_target_is_met_inside_and_at_risk_near_it() -> None:
    aht = pure.TARGETS_BY_KPI["aht"]
    assert [aht.band(v) for v in (2.9, 3.5, 4, 6, 8, 8.5, 9.1)] == [
        Band.MISSED, Band.AT_RISK, Band.MET, Band.MET, Band.MET, Band.AT_RISK, Band.MISSED
    ]  # fmt: skip
    assert aht.describe() == "4-8 min"


@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
def test_a_better_value_never_has_a_worse_band(a: float, b: float) -> None:
    order = {Band.MET: 0, Band.AT_RISK: 1, Band.MISSED: 2}
    up = Target("x", "x", "%", 80, 70)
    down = Target("y", "y", "%", 5, 10, higher_is_better=False)
    low, high = sorted((a, b))
    assert order[up.band(high)] <= order[up.band(low)]
    assert order[down.band(low)] <= order[down.band(high)]
