"""Who is on call, computed without a database: worked examples (DST included) and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.oncall import pure

NY = "America/New_York"
BERLIN = "Europe/Berlin"


def weekly(*people: int, start: date = date(2026, 10, 26), at: time = time(9)) -> pure.Layer:
    return pure.Layer(level=1, kind=pure.WEEKLY, handoff=at, start=start, participants=people)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_weekly_rotation_hands_off_at_nine_local_time_on_both_sides_of_the_dst_change():
    s = pure.Schedule(NY, (weekly(1, 2, 3),))
    # Monday 26 Oct 09:00 EDT is 13:00 UTC; after the 1 Nov change, 09:00 EST is 14:00 UTC
    assert pure.on_call_at(s, utc(2026, 10, 26, 12, 59)) is None
    assert pure.on_call_at(s, utc(2026, 10, 26, 13, 0)) == 1
    assert pure.on_call_at(s, utc(2026, 11, 2, 13, 59)) == 1, "the shift is 169 hours long"
    assert pure.on_call_at(s, utc(2026, 11, 2, 14, 0)) == 2
    assert pure.on_call_at(s, utc(2026, 11, 9, 14, 0)) == 3
    assert pure.on_call_at(s, utc(2026, 11, 16, 14, 0)) == 1, "the rotation starts over"
    nxt = pure.next_handoff(s, utc(2026, 10, 30, 8, 0))
    assert nxt == pure.Shift(2, utc(2026, 11, 2, 14, 0), None)


def test_a_daily_hand_off_at_a_time_the_clocks_skip_happens_when_the_clocks_jump():
    # Berlin springs forward on 29 March 2026 from 02:00 to 03:00: 02:30 does not exist
    s = pure.Schedule(
        BERLIN,
        (pure.Layer(1, pure.DAILY, time(2, 30), date(2026, 3, 27), (1, 2)),),
    )
    assert pure.on_call_at(s, utc(2026, 3, 28, 1, 29)) == 1  # 28th 02:29 CET
    assert pure.on_call_at(s, utc(2026, 3, 28, 1, 30)) == 2
    nxt = pure.next_handoff(s, utc(2026, 3, 28, 12, 0))
    assert nxt is not None and nxt.start == utc(2026, 3, 29, 1, 0), "03:00 CEST, the jump"
    assert nxt.user == 1
    after = pure.next_handoff(s, nxt.start)
    assert after is not None and after.start == utc(2026, 3, 30, 0, 30)  # 02:30 CEST


def test_a_custom_rotation_counts_elapsed_hours_across_the_change():
    s = pure.Schedule(NY, (pure.Layer(1, pure.CUSTOM, time(20), date(2026, 10, 31), (1, 2), 12),))
    start = utc(2026, 11, 1, 0, 0)  # 31 Oct 20:00 EDT
    assert pure.on_call_at(s, start) == 1
    assert pure.on_call_at(s, start + timedelta(hours=12)) == 2  # 1 Nov 07:00 EST
    assert pure.on_call_at(s, start + timedelta(hours=24)) == 1


def test_a_higher_layer_wins_inside_its_window_and_an_override_wins_over_all():
    night = pure.Layer(
        2,
        pure.WEEKLY,
        time(9),
        date(2026, 10, 26),
        (7,),
        restrict_from=time(18),
        restrict_to=time(8),
    )
    s = pure.Schedule(NY, (weekly(1, 2), night))
    assert pure.on_call_at(s, utc(2026, 11, 3, 17, 0)) == 2  # Tue 12:00 EST
    assert pure.on_call_at(s, utc(2026, 11, 3, 23, 0)) == 7  # Tue 18:00 EST, the night layer
    assert pure.on_call_at(s, utc(2026, 11, 4, 13, 0)) == 2  # Wed 08:00: the night is over
    cover = pure.Override(9, utc(2026, 11, 3, 22, 0), utc(2026, 11, 4, 2, 0), order=0)
    later = pure.Override(8, utc(2026, 11, 4, 1, 0), utc(2026, 11, 4, 3, 0), order=1)
    s = pure.Schedule(NY, s.layers, (cover, later))
    assert pure.on_call_at(s, utc(2026, 11, 3, 23, 0)) == 9
    assert pure.on_call_at(s, utc(2026, 11, 4, 1, 30)) == 8, "the later override wins"
    assert pure.on_call_at(s, utc(2026, 11, 4, 3, 0)) == 7
    week = list(pure.shifts(s, utc(2026, 11, 3, 12, 0), utc(2026, 11, 4, 12, 0)))
    assert [w.user for w in week] == [7, 2, 9, 8, 7]  # from 07:00 EST: the night still


def test_nobody_before_the_start_and_an_empty_layer_has_nobody():
    s = pure.Schedule(NY, (weekly(),))
    assert pure.on_call_at(s, utc(2027, 1, 1)) is None
    assert pure.next_handoff(s, utc(2027, 1, 1)) is None


ZONES = st.sampled_from(["UTC", NY, BERLIN, "Australia/Lord_Howe", "Asia/Kolkata"])
INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
LAYER = st.builds(
    pure.Layer,
    level=st.integers(0, 3),
    kind=st.sampled_from([pure.DAILY, pure.WEEKLY, pure.CUSTOM]),
    handoff=st.times(),
    start=st.dates(date(2025, 6, 1), date(2027, 6, 1)),
    participants=st.lists(st.integers(1, 6), min_size=1, max_size=4).map(tuple),
    hours=st.integers(1, 72),
    restrict_from=st.none() | st.times(),
    restrict_to=st.none() | st.times(),
)


@settings(max_examples=150, deadline=None)
@given(zone=ZONES, layer=LAYER, at=INSTANTS)
def test_hand_offs_are_in_order_and_daily_weekly_ones_fall_on_the_wall_clock(zone, layer, at):
    tz = ZoneInfo(zone)
    k = pure.shift_index(layer, tz, at)
    if k is None:
        assert at < pure.handoff_at(layer, tz, 0)
        return
    assert pure.handoff_at(layer, tz, k) <= at < pure.handoff_at(layer, tz, k + 1)
    if layer.kind != pure.CUSTOM:
        wall = pure.handoff_at(layer, tz, k + 1).astimezone(tz).time()
        # the hand-off is at its time of day, or at the jump over a time the clocks skip
        assert wall == layer.handoff or wall > layer.handoff


@settings(max_examples=100, deadline=None)
@given(zone=ZONES, layers=st.lists(LAYER, min_size=1, max_size=3), at=INSTANTS)
def test_who_is_on_call_changes_only_at_the_announced_hand_offs(zone, layers, at):
    s = pure.Schedule(zone, tuple(layers))
    who = pure.on_call_at(s, at)
    nxt = pure.next_handoff(s, at)
    end = nxt.start if nxt else at + pure.HORIZON
    probe = at
    step = (end - at) / 7
    while probe < end:  # nobody else in between
        assert pure.on_call_at(s, probe) == who
        probe += step
    if nxt is not None:
        assert nxt.start > at
        assert pure.on_call_at(s, nxt.start) == nxt.user != who
        assert pure.on_call_at(s, nxt.start - timedelta(microseconds=1)) == who
