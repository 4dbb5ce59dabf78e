"""Reference defaults: business hours and 24/7 calendars; Premium, Basic and Standard policies.

Level targets (first response / resolution): 1: 1 h / 24 h, 2: 2 h / 72 h, 3: 4 h / 120 h,
4: 48 h / 240 h. Next response uses the first-response target. Basic promises 48 h for a first
response at levels 2 to 4. Critical never waits for Monday: on every plan, level 1 counts on the
24/7 calendar with a one-hour first response, and so does every ticket the safety screen flags
(each policy's clinical calendar). Admins change all of this in the admin or through the API.

Written against model classes passed in, so a migration (historical models) and code that runs
later (a test database that was flushed) install exactly the same thing.
"""

from __future__ import annotations

from typing import Any

FIRST = {1: 60, 2: 120, 3: 240, 4: 48 * 60}
SHIPPED_NAMES = (
    "Premium: around the clock",
    "Basic: 48-hour first response",
    "Standard: business hours",
)
ALWAYS_NAME = "24/7"
CLINICAL_USE = "clinical_use"
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
    always = _always_open(Calendar)
    specs = [
        # a device in active clinical use (the devices app's "clinical_use") is on the 24/7 path
        (SHIPPED_NAMES[0], 10, ["premium", CLINICAL_USE], always, FIRST),
        (SHIPPED_NAMES[1], 20, ["basic"], business, dict.fromkeys(FIRST, 48 * 60)),
        (SHIPPED_NAMES[2], 30, [], business, FIRST),
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
    if any(f.name == "clinical_calendar" for f in SlaPolicy._meta.get_fields()):
        clinical_defaults(Calendar, SlaPolicy, SlaTarget)


def _always_open(Calendar: Any) -> Any:  # noqa: N803
    found = Calendar.objects.filter(always_open=True).order_by("pk").first()
    if found is not None:
        return found
    name = ALWAYS_NAME
    if Calendar.objects.filter(name=name).exists():
        name = "24/7 (clinical)"
    return Calendar.objects.create(name=name, timezone="UTC", always_open=True, weekly_hours={})


def clinical_defaults(Calendar: Any, SlaPolicy: Any, SlaTarget: Any) -> None:  # noqa: N803
    """Critical never waits for Monday: the shipped policies' level-1 targets count on the 24/7
    calendar (Basic's level 1 answers within an hour, not 48), and every policy without a
    clinical calendar gets the 24/7 one for the tickets the safety screen flags.

    Policies an admin created keep their level-1 targets; a shipped target an admin changed
    (another calendar than the shipped business hours, or other minutes) is left alone."""
    policies = list(SlaPolicy.objects.all())
    if not policies:
        return
    always = _always_open(Calendar)
    for policy in policies:
        if policy.clinical_calendar_id is None:
            policy.clinical_calendar = always
            policy.save(update_fields=["clinical_calendar"])
        if policy.name not in SHIPPED_NAMES:
            continue
        for target in SlaTarget.objects.filter(policy=policy, priority=1).select_related(
            "calendar"
        ):
            changed = []
            if not target.calendar.always_open and target.calendar.weekly_hours == WEEKDAYS:
                target.calendar = always
                changed.append("calendar")
            if (
                policy.name == SHIPPED_NAMES[1]
                and target.metric in ("first_response", "next_response")
                and target.minutes == 48 * 60
            ):
                target.minutes = FIRST[1]
                changed.append("minutes")
            if changed:
                target.save(update_fields=changed)
