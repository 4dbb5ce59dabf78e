"""Business calendar math, checked against a slow reference that walks day by day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.sla.calendar import BusinessCalendar

NY = ZoneInfo("America/New_York")
WEEKDAYS_8_20 = {d: [(time(8), time(20))] for d in range(5)}
HOLIDAYS = {date(2026, 12, 25), date(2027, 1, 1), date(2026, 11, 26), date(2027, 7, 5)}


# -- reference: obviously correct, slow ----------------------------------------------------


def ref_intervals(
    cal: BusinessCalendar, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """Every business interval (UTC) that starts on a local date near [lo, hi], merged."""
    zone = ZoneInfo(cal.timezone)
    day = lo.astimezone(zone).date() - timedelta(days=2)
    last = hi.astimezone(zone).date() + timedelta(days=1)
    out = []
    while day <= last:
        if day not in cal.holidays:
            for start, end in cal.weekly_hours.get(day.weekday(), ()):
                end_day = day if end > start else day + timedelta(days=1)
                a = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
                b = datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
                if b > a:
                    out.append((a, b))
        day += timedelta(days=1)
    out.sort()
    merged: list[list[datetime]] = []
    for a, b in out:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def ref_between(cal: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    total = timedelta(0)
    for s, e in ref_intervals(cal, a, b):
        lo, hi = max(s, a), min(e, b)
        if hi > lo:
            total += hi - lo
    return total


def ref_add(cal: BusinessCalendar, a: datetime, d: timedelta) -> datetime:
    if d == timedelta(0):
        return a
    for days in (60, 400, 3000):
        left = d
        for s, e in ref_intervals(cal, a, a + timedelta(days=days)):
            if e <= a:
                continue
            begin = max(s, a)
            if e - begin >= left:
                return begin + left
            left -= e - begin
    raise AssertionError("reference horizon too short")


# -- strategies -----------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive by design
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=240))
small_durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=60))


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    tz = draw(
        st.sampled_from(
            ["America/New_York", "Europe/London", "Australia/Sydney", "UTC", "Asia/Kolkata"]
        )
    )
    hours = {}
    for d in range(7):
        n = draw(st.integers(min_value=0, max_value=2))
        ivs = []
        for _ in range(n):
            start = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30])))
            end = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30, 45])))
            ivs.append((start, end))
        hours[d] = ivs
    if not any(hours.values()):
        hours[0] = [(time(9), time(17))]
    hol = draw(
        st.sets(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)), max_size=15)
    )
    return BusinessCalendar(tz, hours, hol)


# -- properties -----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, small_durations)
def test_add_matches_reference(cal, a, d):
    assert cal.add(a, d) == ref_add(cal, a, d)


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, instants)
def test_between_matches_reference(cal, a, b):
    if b - a > timedelta(days=40):
        b = a + timedelta(days=40)
    assert cal.between(a, b) == ref_between(cal, a, b)


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, durations)
def test_between_inverts_add(cal, a, d):
    assert cal.between(a, cal.add(a, d)) == d


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, durations, durations)
def test_add_is_monotonic_and_additive(cal, a, d1, d2):
    lo, hi = sorted((d1, d2))
    assert cal.add(a, lo) <= cal.add(a, hi)
    assert cal.add(cal.add(a, d1), d2) == cal.add(a, d1 + d2)


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, instants, instants)
def test_between_is_additive_over_a_split(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)


# -- worked examples ------------------------------------------------------------------------


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (ny(2026, 11, 2, 9), 4, ny(2026, 11, 2, 13)),  # same day
        (ny(2026, 11, 2, 19), 2, ny(2026, 11, 3, 9)),  # 1 h today, 1 h tomorrow
        (ny(2026, 11, 6, 19), 2, ny(2026, 11, 9, 9)),  # Friday evening -> Monday
        (ny(2026, 11, 7, 12), 1, ny(2026, 11, 9, 9)),  # starts on a Saturday
        (ny(2026, 11, 2, 6), 1, ny(2026, 11, 2, 9)),  # before opening
        (ny(2026, 12, 24, 19), 2, ny(2026, 12, 28, 9)),  # Christmas Friday, then the weekend
        (ny(2026, 11, 25, 19), 2, ny(2026, 11, 27, 9)),  # Thanksgiving
        (ny(2026, 11, 2, 8), 120, ny(2026, 11, 13, 20)),  # level 3 resolution: 10 working days
    ],
)
def test_weekday_calendar_examples(start, hours, expected):
    cal = BusinessCalendar("America/New_York", WEEKDAYS_8_20, HOLIDAYS)
    assert cal.add(start, timedelta(hours=hours)) == expected


def test_add_zero_returns_start_even_outside_hours():
    cal = BusinessCalendar("America/New_York", WEEKDAYS_8_20)
    sunday = ny(2026, 11, 8, 3)
    assert cal.add(sunday, timedelta(0)) == sunday


def test_result_at_end_of_hours_is_the_closing_instant_not_next_opening():
    cal = BusinessCalendar("America/New_York", WEEKDAYS_8_20)
    assert cal.add(ny(2026, 11, 2, 19), timedelta(hours=1)) == ny(2026, 11, 2, 20)


@pytest.mark.parametrize(
    ("night", "length"),
    [
        (date(2026, 3, 7), timedelta(hours=11)),
        (date(2026, 10, 31), timedelta(hours=13)),
        (date(2026, 6, 6), timedelta(hours=12)),
    ],
)
def test_overnight_shift_on_daylight_saving_nights_is_real_elapsed_time(night, length):
    cal = BusinessCalendar("America/New_York", {d: [(time(20), time(8))] for d in range(7)})
    start = datetime.combine(night, time(20), tzinfo=NY)
    end = datetime.combine(night + timedelta(days=1), time(8), tzinfo=NY)
    assert cal.between(start, end) == length
    assert cal.add(start, length) == end


def test_holiday_removes_intervals_that_start_on_it_only():
    # Thursday 20:00 -> Friday 08:00 shift; Friday is a holiday but the shift started Thursday.
    cal = BusinessCalendar(
        "America/New_York", {d: [(time(20), time(8))] for d in range(7)}, {date(2026, 12, 25)}
    )
    assert cal.between(ny(2026, 12, 24, 20), ny(2026, 12, 25, 8)) == timedelta(hours=12)
    assert cal.between(ny(2026, 12, 25, 20), ny(2026, 12, 26, 8)) == timedelta(0)


def test_split_shifts_and_overlaps_count_once():
    cal = BusinessCalendar(
        "UTC", {0: [(time(8), time(12)), (time(13), time(17)), (time(11), time(14))]}
    )
    monday = datetime(2026, 11, 2, tzinfo=UTC)
    assert cal.between(monday, monday + timedelta(days=1)) == timedelta(hours=9)


def test_always_is_plain_elapsed_time():
    cal = BusinessCalendar.always("UTC")
    a = datetime(2026, 3, 8, 1, 30, tzinfo=UTC)
    assert cal.add(a, timedelta(hours=240)) == a + timedelta(hours=240)
    assert cal.between(a, a + timedelta(minutes=90)) == timedelta(minutes=90)


def test_output_keeps_the_callers_timezone():
    cal = BusinessCalendar("America/New_York", WEEKDAYS_8_20)
    start = datetime(2026, 11, 2, 14, tzinfo=UTC)  # 09:00 New York
    result = cal.add(start, timedelta(hours=1))
    assert result.tzinfo is UTC and result == datetime(2026, 11, 2, 15, tzinfo=UTC)


def test_is_open_and_next_opening():
    cal = BusinessCalendar("America/New_York", WEEKDAYS_8_20, HOLIDAYS)
    assert cal.is_open(ny(2026, 11, 2, 8)) and not cal.is_open(ny(2026, 11, 2, 20))
    assert cal.next_opening(ny(2026, 12, 24, 21)) == ny(2026, 12, 28, 8)
    assert cal.next_opening(ny(2026, 11, 2, 10)) == ny(2026, 11, 2, 10)


def test_country_holidays_come_from_the_holidays_package():
    days = BusinessCalendar.country_holidays("US", [2026], subdiv="NY")
    assert date(2026, 12, 25) in days and date(2026, 7, 4) in days


def test_across_years_and_far_instants():
    cal = BusinessCalendar("America/New_York", WEEKDAYS_8_20, HOLIDAYS)
    a = ny(2026, 12, 31, 19)
    assert cal.add(a, timedelta(hours=2)) == ny(2027, 1, 4, 9)  # Jan 1 holiday, weekend
    far = ny(2031, 6, 2, 8)
    assert cal.between(a, far) == ref_between(cal, a, far)
    year_of_work = timedelta(hours=12 * 250)
    end = cal.add(ny(2026, 1, 5, 8), year_of_work)
    assert cal.between(ny(2026, 1, 5, 8), end) == year_of_work
    assert end.weekday() < 5 and time(8) < end.timetz().replace(tzinfo=None) <= time(20)


@pytest.mark.parametrize(
    "bad",
    [
        lambda: BusinessCalendar("UTC", {}),
        lambda: BusinessCalendar("UTC", {7: [(time(8), time(9))]}),
        lambda: BusinessCalendar.always().add(datetime(2026, 1, 1), timedelta(hours=1)),  # noqa: DTZ001
        lambda: BusinessCalendar.always().add(
            datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=-1)
        ),
    ],
)
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        bad()
