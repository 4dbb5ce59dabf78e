"""Warranty arithmetic, what an asset entitles, and contracts' prices, refunds and renewal dates
(no Django, no database)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

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


# -- service plans and contracts ---------------------------------------------------------------

VOLUME_UNITS = 5  # more units than this earn the volume discount
VOLUME_DISCOUNT = Decimal("10")  # per cent
MONEY_BACK_DAYS = 30  # cancelled within this many days of the start: refunded in full
OUTREACH_DAYS = 60  # renewal outreach starts this many days before the last day
TERM_MONTHS = 12
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PlanTerms:
    """What a plan includes, as the entitlement reads it."""

    name: str
    free_repair: bool
    loaner: bool
    replacement_hours: int | None
    response_minutes: int | None
    channels: tuple[str, ...]


def covered_by(ent: Entitlement, plan: PlanTerms, contract: str) -> Entitlement:
    """`ent` (the warranty's) with what a plan under contract `contract` adds."""
    return replace(
        ent,
        free_repair=ent.free_repair or plan.free_repair,
        plan=plan.name,
        contract=contract,
        loaner=plan.loaner,
        replacement_hours=plan.replacement_hours,
        response_minutes=plan.response_minutes,
        channels=plan.channels,
    )


def term_end(starts_on: date, months: int = TERM_MONTHS) -> date:
    """The last day covered by a term of `months` starting on `starts_on`."""
    return add_months(starts_on, months) - timedelta(days=1)


@dataclass(frozen=True)
class Price:
    list_price: Decimal
    discount_percent: Decimal
    total: Decimal


def contract_price(unit_price: Decimal, units: int, starts_on: date, ends_on: date) -> Price:
    """Units times the yearly price, pro rata by whole months for a term other than a year
    (a year: 12 months); 10 % off for more than 5 units; cents rounded half up."""
    months = term_months(starts_on, ends_on)
    list_price = (unit_price * units * months / TERM_MONTHS).quantize(CENT, ROUND_HALF_UP)
    discount = VOLUME_DISCOUNT if units > VOLUME_UNITS else Decimal("0")
    total = (list_price * (100 - discount) / 100).quantize(CENT, ROUND_HALF_UP)
    return Price(list_price=list_price, discount_percent=discount, total=total)


def term_months(starts_on: date, ends_on: date) -> int:
    """The months from `starts_on` to the day after `ends_on`, at least one."""
    after = ends_on + timedelta(days=1)
    months = (after.year - starts_on.year) * 12 + after.month - starts_on.month
    if add_months(starts_on, months) < after:
        months += 1  # a part month counts whole
    return max(1, months)


def money_back_until(starts_on: date) -> date:
    """The last day of the money-back period."""
    return starts_on + timedelta(days=MONEY_BACK_DAYS - 1)


def refund_due(total: Decimal, starts_on: date, ends_on: date, cancelled_on: date) -> Decimal:
    """Within the money-back period: everything paid. After it: the unused days' share,
    pro rata (the days after the cancellation day up to the last day), rounded down to the
    cent; nothing once the term is over."""
    if cancelled_on <= money_back_until(starts_on):
        return total
    if cancelled_on >= ends_on:
        return Decimal("0.00")
    days = (ends_on - starts_on).days + 1
    unused = (ends_on - cancelled_on).days
    return (total * unused / days).quantize(CENT, ROUND_DOWN)


def outreach_from(ends_on: date) -> date:
    """The day renewal outreach starts for a contract ending on `ends_on`."""
    return ends_on - timedelta(days=OUTREACH_DAYS)


# -- RMA repairs: statuses and the moves between them ------------------------------------------

RMA_FLOW: dict[str, tuple[str, ...]] = {
    "issued": ("received",),
    "received": ("diagnosed",),
    "diagnosed": ("repaired", "replaced"),
    "repaired": ("validated",),
    "replaced": ("validated",),
    "validated": ("shipped",),
    "shipped": ("closed",),
    "closed": (),
    "cancelled": (),
}
RMA_DONE = frozenset({"closed", "cancelled"})
RMA_OPEN = frozenset(RMA_FLOW) - RMA_DONE


def rma_moves(status: str) -> tuple[str, ...]:
    """Where an RMA in `status` may go next: the flow's next steps, and "cancelled" while open."""
    nexts = RMA_FLOW.get(status, ())
    return (*nexts, "cancelled") if status in RMA_OPEN else nexts


def rma_refusal(status: str, to: str, *, reason: str = "", checks_left: int = 0) -> str:
    """Why an RMA in `status` may not move to `to` ("" when it may)."""
    if status not in RMA_FLOW or to not in RMA_FLOW:
        return f"Unknown status {to!r}." if status in RMA_FLOW else f"Unknown status {status!r}."
    if to == status:
        return f"The RMA is already {to}."
    if to not in rma_moves(status):
        allowed = ", ".join(rma_moves(status)) or "nothing (it is finished)"
        return f"An RMA that is {status} cannot become {to}; it can become: {allowed}."
    if to == "cancelled" and not reason.strip():
        return "Say why the RMA is cancelled."
    if to == "validated" and checks_left:
        steps = "step is" if checks_left == 1 else "steps are"
        return f"Finish the bench validation first: {checks_left} required {steps} not done."
    return ""


# the clocks of the reference: hours after receipt (diagnosis, repair or replacement) and after
# opening (a replacement unit the plan promises), with the fractions that warn
RMA_DIAGNOSIS_HOURS = 48
RMA_REPAIR_DAYS = 14
RMA_REPAIR_WARN = (0.5,)  # 7 days into the 14
RMA_DIAGNOSIS_WARN = (0.75,)
RMA_SHIP_WARN = (0.75,)
