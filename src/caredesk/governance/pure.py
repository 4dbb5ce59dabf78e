"""Governance arithmetic without Django: review flags, retention defaults, breach deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DAY = timedelta(days=1)
SEVEN_YEARS = 2557  # days: 7 years with their leap days

# How long each record class is kept after it ended, unless an admin changes its rule.
RETENTION_DEFAULTS: dict[str, int] = {
    "closed_tickets": SEVEN_YEARS,
    "received_mail": 365,  # the ticket keeps what mattered; the raw message is evidence only
    "quarantine": 90,
    "chat_sessions": SEVEN_YEARS,
    "phone_calls": SEVEN_YEARS,
    "outbox_mail": 30,
}

# HIPAA: 500 or more people affected also means HHS within 60 days and prominent media.
HIPAA_LARGE_BREACH = 500
GDPR_HOURS = 72
HIPAA_DAYS = 60


@dataclass(frozen=True)
class ReviewFlags:
    overdue: bool
    unused: bool
    next_due: datetime


def review_flags(
    *,
    now: datetime,
    joined: datetime,
    last_review: datetime | None,
    last_sign_in: datetime | None,
    review_days: int,
    unused_days: int,
) -> ReviewFlags:
    """Whether an account's review is overdue and whether it has gone unused."""
    start = last_review or joined
    next_due = start + review_days * DAY
    seen = last_sign_in or joined
    return ReviewFlags(
        overdue=now >= next_due,
        unused=now - seen >= unused_days * DAY,
        next_due=next_due,
    )


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_at: datetime


def breach_deadlines(*, discovered_at: datetime, people_affected: int) -> list[Deadline]:
    """The notification deadlines a breach discovered at `discovered_at` starts.

    GDPR: the supervisory authority within 72 hours of becoming aware. HIPAA: the individuals
    without unreasonable delay and within 60 days of discovery; HHS within 60 days of discovery
    for 500 or more people (and prominent media too), otherwise within 60 days of the end of
    the calendar year of discovery.
    """
    at = discovered_at.astimezone(UTC)
    hipaa = at + HIPAA_DAYS * DAY
    out = [
        Deadline("gdpr_authority", at + timedelta(hours=GDPR_HOURS)),
        Deadline("hipaa_individuals", hipaa),
    ]
    if people_affected >= HIPAA_LARGE_BREACH:
        out += [Deadline("hipaa_hhs", hipaa), Deadline("hipaa_media", hipaa)]
    else:
        year_end = datetime(at.year + 1, 1, 1, tzinfo=UTC)  # the end of the year of discovery
        out.append(Deadline("hipaa_hhs", year_end + HIPAA_DAYS * DAY))
    return out


def pseudonym(token: str) -> str:
    """The name an erased requester is shown under."""
    return f"Erased requester {token}"
