"""Warranty arithmetic and what an asset entitles (no Django, no database)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

ENDING_DAYS = 60  # a warranty within this many days of its end is "ending"


class Warranty:
    IN = "in"
    ENDING = "ending"
    OUT = "out"
    UNKNOWN = "unknown"  # no purchase date: the desk cannot say

    LABELS = {
        IN: "In warranty",
        ENDING: "Warranty ending",
        OUT: "Out of warranty",
        UNKNOWN: "Warranty unknown (no purchase date)",
    }


def add_months(day: date, months: int) -> date:
    """`day` moved on by whole months; the 31st becomes the month's last day where it must."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_end(purchased_on: date | None, months: int) -> date | None:
    """The first day the warranty no longer covers (purchase date plus the class's months)."""
    return add_months(purchased_on, months) if purchased_on else None


def warranty_state(ends_on: date | None, today: date) -> str:
    if ends_on is None:
        return Warranty.UNKNOWN
    if today >= ends_on:
        return Warranty.OUT
    if ends_on - today <= timedelta(days=ENDING_DAYS):
        return Warranty.ENDING
    return Warranty.IN


@dataclass(frozen=True)
class Entitlement:
    """What a unit is entitled to today: its warranty, and the service plan and contract that
    cover it (when they exist) with what they include."""

    warranty: str
    warranty_ends_on: date | None
    free_repair: bool
    plan: str = ""  # "" is "no plan"
    contract: str = ""  # the contract's reference; "" is "no contract"
    loaner: bool = False  # a loaner unit while the device is away
    replacement_hours: int | None = None  # a replacement unit shipped within this many hours
    response_minutes: int | None = None  # the plan's first-response target, if it sets one
    channels: tuple[str, ...] = ()  # the channels the plan opens ("" tuple: the usual ones)

    @property
    def warranty_label(self) -> str:
        return Warranty.LABELS[self.warranty]

    @property
    def covered(self) -> bool:
        return self.warranty in (Warranty.IN, Warranty.ENDING)


def entitlement(purchased_on: date | None, months: int, today: date) -> Entitlement:
    ends_on = warranty_end(purchased_on, months)
    state = warranty_state(ends_on, today)
    return Entitlement(
        warranty=state,
        warranty_ends_on=ends_on,
        free_repair=state in (Warranty.IN, Warranty.ENDING),
    )
