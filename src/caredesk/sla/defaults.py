"""Reference defaults: business hours and 24/7 calendars; Premium, Basic and Standard policies.

Level targets (first response / resolution): 1: 1 h / 24 h, 2: 2 h / 72 h, 3: 4 h / 120 h,
4: 48 h / 240 h. Next response uses the first-response target. Basic promises 48 h for a first
response at every level. Admins change all of this in the admin or through the API.

Written against model classes passed in, so a migration (historical models) and code that runs
later (a test database that was flushed) install exactly the same thing.
"""

from __future__ import annotations

from typing import Any

FIRST = {1: 60, 2: 120, 3: 240, 4: 48 * 60}
RESOLUTION = {1: 24 * 60, 2: 72 * 60, 3: 120 * 60, 4: 240 * 60}
WEEKDAYS = {str(d): [["08:00", "20:00"]] for d in range(5)}


def install_defaults(Calendar: Any, SlaPolicy: Any, SlaTarget: Any) -> None:  # noqa: N803
    """Create the default calendars and policies unless policies exist already."""
    if SlaPolicy.objects.exists():
        return
    business = Calendar.objects.create(
        name="Business hours (Eastern, Mon-Fri 08:00-20:00)",
        timezone="America/New_York",
        weekly_hours=WEEKDAYS,
        holiday_country="US",
    )
    always = Calendar.objects.create(name="24/7", timezone="UTC", always_open=True, weekly_hours={})
    specs = [
        ("Premium: around the clock", 10, ["premium"], always, FIRST),
        ("Basic: 48-hour first response", 20, ["basic"], business, dict.fromkeys(FIRST, 48 * 60)),
        ("Standard: business hours", 30, [], business, FIRST),
    ]
    for name, position, plans, calendar, first in specs:
        policy = SlaPolicy.objects.create(
            name=name,
            position=position,
            plans=plans,
            pause_statuses=["pending", "on_hold"],
            warn_at=[0.75, 0.9],
        )
        for level in (1, 2, 3, 4):
            for metric, minutes in (
                ("first_response", first[level]),
                ("next_response", first[level]),
                ("resolution", RESOLUTION[level]),
            ):
                SlaTarget.objects.create(
                    policy=policy, priority=level, metric=metric, minutes=minutes, calendar=calendar
                )
