"""The MDR clock and the IMDRF code check, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.complaints.pure import (
    clock_state,
    codes_clean,
    codes_parse,
    mdr_due,
    period_buckets,
    series,
)

HOLIDAYS = {date(2026, 11, 26), date(2026, 12, 25)}


def weekdays(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


@pytest.mark.parametrize(
    ("aware", "five_day", "due"),
    [
        # 30 calendar days, weekends and holidays included
        (date(2026, 11, 2), False, date(2026, 12, 2)),
        (date(2026, 12, 20), False, date(2027, 1, 19)),
        # 5 work days: Monday -> the next Monday
        (date(2026, 11, 2), True, date(2026, 11, 9)),
        # Friday -> Friday: the weekend does not count
        (date(2026, 11, 6), True, date(2026, 11, 13)),
        # over Thanksgiving (Thursday 26 November): one day later
        (date(2026, 11, 23), True, date(2026, 12, 1)),
        # aware on a Saturday: the first work day is Monday
        (date(2026, 11, 7), True, date(2026, 11, 13)),
        # over Christmas
        (date(2026, 12, 21), True, date(2026, 12, 29)),
    ],
)
def test_mdr_due_dates(aware, five_day, due):
    assert mdr_due(aware, five_day=five_day, is_work_day=weekdays) == due


def test_a_calendar_without_work_days_still_gives_a_due_date():
    assert mdr_due(date(2026, 1, 1), five_day=True, is_work_day=lambda d: False) == date(2026, 1, 6)


def test_clock_counts_down_to_overdue_and_stops_when_the_report_is_sent():
    due = date(2026, 12, 2)
    assert (
        clock_state(due_on=due, today=date(2026, 11, 2), submitted=False, soon_days=5).days_left
        == 30
    )
    soon = clock_state(due_on=due, today=date(2026, 11, 28), submitted=False, soon_days=5)
    assert soon.due_soon and not soon.overdue
    late = clock_state(due_on=due, today=date(2026, 12, 4), submitted=False, soon_days=5)
    assert late.overdue and late.late_days == 2
    sent = clock_state(due_on=due, today=date(2026, 12, 4), submitted=True, soon_days=5)
    assert not sent.overdue and not sent.due_soon


def test_imdrf_codes_are_normalised_and_bad_ones_named():
    good, bad = codes_clean(codes_parse("a0401, E0101;A0401  X12 A1 E123456 E1234567"))
    assert good == ["A0401", "E0101", "E123456"]
    assert bad == ["X12", "A1", "E1234567"]


def test_weeks_and_months_bucket_a_period():
    assert period_buckets(date(2026, 11, 4), date(2026, 11, 20), by="week") == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    assert period_buckets(date(2026, 11, 15), date(2027, 1, 2), by="month") == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    rows = [(date(2026, 11, 2), "overheating", 2), (date(2026, 11, 12), "overheating", 1),
            (date(2026, 11, 9), "no alarm", 3), (date(2026, 11, 15), "no alarm", 1),
            (date(2026, 11, 16), "no alarm", 9)]  # fmt: skip
    found = series(rows, [date(2026, 11, 2), date(2026, 11, 9)], by="week")
    assert [(s.key, s.counts, s.total) for s in found] == [
        ("no alarm", (0, 4), 4),
        ("overheating", (2, 1), 3),
    ]
