"""The repair manager's figures over a period, from the RMAs themselves (a few queries whatever
their number; never the tickets): volume, diagnosis and repair times against their targets,
units returned to service, warranty against paid, cost per unit and the Pareto of failure
modes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Q, Sum

from caredesk.devices import stock_selectors
from caredesk.devices.models import (
    FailureMode,
    MovementKind,
    Part,
    Rma,
    RmaPart,
    RmaStatus,
    StockMovement,
)
from caredesk.reports import pure
from caredesk.reports.selectors import Filters, Kpi, kpi_of, midnight, targets


@dataclass
class Repairs:
    filters: Filters
    opened: int
    warranty: int
    paid: int
    diagnosed: int
    repaired: int
    shipped: int
    cancelled: int
    kpis: list[Kpi]
    cost_per_unit: Decimal | None
    modes: list[tuple[str, int, float, float]] = field(default_factory=list)
    stock: PartsStock | None = None


@dataclass
class PartStock:
    part: Part
    state: stock_selectors.StockState


@dataclass
class PartsStock:
    """Spare parts now: the ones used in repairs over the stock window, fewest days first."""

    tracked: int  # parts used in the window
    below_floor: int
    lowest: list[PartStock]  # the few closest to running out


LOWEST = 10
STEPS = ("created_at", "diagnosed_at", "repaired_at", "shipped_at", "closed_at")


def parts_stock(limit: int = LOWEST) -> PartsStock:
    """Days of stock of every active part used in the last 90 days (three queries whatever
    the number of parts: the parts, their levels, their use)."""
    used = StockMovement.objects.filter(
        kind=MovementKind.CONSUMPTION, created_at__gte=stock_selectors.window_start()
    ).values("part_id")
    parts = list(Part.objects.filter(active=True, pk__in=used))
    states = stock_selectors.stock_states(parts)
    rows = [PartStock(part=p, state=states[p.pk]) for p in parts if states[p.pk].days is not None]
    rows.sort(key=lambda r: (r.state.days, r.part.number))
    return PartsStock(
        tracked=len(rows),
        below_floor=sum(1 for r in rows if r.state.below_floor),
        lowest=rows[:limit],
    )


def _hours(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds() / 3600


def _in(step: str, start: datetime, end: datetime, **more: object) -> Q:
    return Q(**{f"{step}__gte": start, f"{step}__lt": end}, **more)


def _timed(start: datetime, end: datetime, prefix: str) -> dict[str, Any]:
    """The figures a period's targets read: diagnosis and repair times, shipped, cancelled."""
    return {
        f"{prefix}shipped": Count("id", filter=_in("shipped_at", start, end)),
        f"{prefix}cancelled": Count(
            "id", filter=_in("closed_at", start, end, status=RmaStatus.CANCELLED)
        ),
        f"{prefix}diagnosis": Avg(
            F("diagnosed_at") - F("received_at"),
            filter=_in("diagnosed_at", start, end, received_at__isnull=False),
        ),
        f"{prefix}repair": Avg(
            F("repaired_at") - F("received_at"),
            filter=_in("repaired_at", start, end, received_at__isnull=False),
        ),
    }


def repairs(filters: Filters, *, goals: dict[str, pure.Target] | None = None) -> Repairs:
    """RMAs of the period (with an organization filter, that organization's), and the targets'
    figures of the period before, in one read of the RMAs with a step in either."""
    start, end = midnight(filters.start), midnight(filters.end, 1)
    earlier = midnight(filters.previous().start)
    touched = Q()  # a step within the periods: the only RMAs the figures read (each indexed)
    for step in STEPS:
        touched |= _in(step, earlier, end)
    rmas = Rma.objects.filter(touched)
    if filters.organization is not None:
        rmas = rmas.filter(organization_id=filters.organization)
    if filters.plan is not None:
        rmas = rmas.filter(organization__plan=filters.plan)
    counts = rmas.aggregate(
        opened=Count("id", filter=_in("created_at", start, end)),
        warranty=Count("id", filter=_in("created_at", start, end, warranty=True)),
        diagnosed=Count("id", filter=_in("diagnosed_at", start, end)),
        repaired=Count("id", filter=_in("repaired_at", start, end)),
        labour=Sum(
            ExpressionWrapper(
                F("labour_minutes") * F("labour_rate") / 60,
                output_field=DecimalField(max_digits=14, decimal_places=4),
            ),
            filter=_in("repaired_at", start, end),
        ),
        **_timed(start, end, ""),
        **_timed(earlier, start, "b_"),
    )
    repaired_ids = rmas.filter(_in("repaired_at", start, end)).values("id")
    parts = RmaPart.objects.filter(rma_id__in=repaired_ids).aggregate(
        cost=Sum(
            ExpressionWrapper(
                F("quantity") * F("unit_cost"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
    )
    modes = (
        rmas.filter(_in("diagnosed_at", start, end))
        .exclude(failure_mode="")
        .values("failure_mode")
        .annotate(n=Count("id"))
    )
    labels = dict(FailureMode.choices)
    cost = None
    if counts["repaired"]:
        total = (parts["cost"] or Decimal(0)) + (counts["labour"] or Decimal(0))
        cost = (Decimal(total) / counts["repaired"]).quantize(Decimal("0.01"))
    goals = targets() if goals is None else goals

    def figures(prefix: str) -> dict[str, float | None]:
        repair_hours = _hours(counts[f"{prefix}repair"])
        return {
            "diagnosis": _hours(counts[f"{prefix}diagnosis"]),
            "repair": None if repair_hours is None else repair_hours / 24,
            "return_to_service": pure.share(
                counts[f"{prefix}shipped"],
                counts[f"{prefix}shipped"] + counts[f"{prefix}cancelled"],
            ),
        }

    now = figures("")
    then = figures("b_")
    kpis = [kpi_of(goals, key, now[key], then[key]) for key in now]
    return Repairs(
        filters=filters,
        opened=counts["opened"],
        warranty=counts["warranty"],
        paid=counts["opened"] - counts["warranty"],
        diagnosed=counts["diagnosed"],
        repaired=counts["repaired"],
        shipped=counts["shipped"],
        cancelled=counts["cancelled"],
        kpis=kpis,
        cost_per_unit=cost,
        modes=pure.pareto(
            [(labels.get(m["failure_mode"], m["failure_mode"]), m["n"]) for m in modes]
        ),
        stock=parts_stock(),
    )
