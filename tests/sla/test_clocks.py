"""Pure clock transitions and badges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from caredesk.sla import clocks
from caredesk.sla.calendar import BusinessCalendar

CAL = BusinessCalendar.always("UTC")
T0 = datetime(2026, 11, 2, 12, tzinfo=UTC)


def test_pause_and_resume_keep_the_time_already_used():
    c = clocks.start(timedelta(hours=4), T0)
    c = clocks.pause(CAL, c, T0 + timedelta(hours=1))
    assert clocks.due_at(CAL, c) is None and c.elapsed == timedelta(hours=1)
    c = clocks.resume(c, T0 + timedelta(hours=10))
    assert clocks.due_at(CAL, c) == T0 + timedelta(hours=13)


def test_warning_instants_and_next_check():
    c = clocks.start(timedelta(hours=4), T0)
    assert clocks.warning_instants(CAL, c, (0.75, 0.9)) == [
        (0.75, T0 + timedelta(hours=3)),
        (0.9, T0 + timedelta(hours=3, minutes=36)),
    ]
    assert clocks.next_check(CAL, c, (0.75, 0.9)) == T0 + timedelta(hours=3)
    fired = clocks.Clock(**{**c.__dict__, "warnings_fired": (0.75, 0.9)})
    assert clocks.next_check(CAL, fired, (0.75, 0.9)) == T0 + timedelta(hours=4)


def test_badges():
    c = clocks.start(timedelta(hours=4), T0)
    assert clocks.badge(CAL, c, T0 + timedelta(hours=1)).state == "ok"
    assert clocks.badge(CAL, c, T0 + timedelta(hours=3, minutes=1)).state == "warning"
    late = clocks.badge(CAL, c, T0 + timedelta(hours=6, minutes=10))
    assert late.state == "breached" and clocks.humanize(late.remaining) == "2 h 10 m"
    assert clocks.badge(CAL, clocks.pause(CAL, c, T0), T0 + timedelta(days=3)).state == "paused"
    met = clocks.stop(CAL, c, T0 + timedelta(hours=2))
    assert clocks.badge(CAL, met, T0 + timedelta(days=1)).state == "met"
