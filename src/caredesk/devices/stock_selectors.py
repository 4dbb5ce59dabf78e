"""Reads for spare parts: on hand per location, days of stock, reorder suggestions, a part's
movements (keyset pages) and the open reorder alerts. Each read is a fixed number of queries
whatever the number of parts, locations or movements."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.devices.models import (
    MovementKind,
    Part,
    ReorderAlert,
    StockLevel,
    StockLocation,
    StockMovement,
)

WINDOW_DAYS = 90  # average daily use is read over the last 90 days of consumption
MOVEMENTS_PAGE = 50


@dataclass(frozen=True)
class StockState:
    """A part's stock across all locations, and what it means against its floor."""

    on_hand: int
    used: int  # consumed in repairs over the window
    floor_days: int
    ceiling_days: int
    lead_time_days: int
    by_location: dict[int, int] = field(default_factory=dict)

    @property
    def daily_use(self) -> Decimal | None:
        """Average daily consumption over the window; None when nothing was used."""
        if self.used <= 0:
            return None
        return Decimal(self.used) / Decimal(WINDOW_DAYS)

    @property
    def days(self) -> Decimal | None:
        """Days of stock (on hand / daily use, one decimal); None: no recent use."""
        daily = self.daily_use
        if daily is None:
            return None
        return (Decimal(self.on_hand) / daily).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def below_floor(self) -> bool:
        days = self.days
        return days is not None and days < self.floor_days

    @property
    def suggested(self) -> int:
        """What to order now so that, when it arrives after the lead time, the stock is back
        at its ceiling: daily use x (ceiling + lead time) - on hand; 0 without recent use."""
        daily = self.daily_use
        if daily is None:
            return 0
        wanted = daily * (self.ceiling_days + self.lead_time_days) - self.on_hand
        return max(0, math.ceil(wanted))


def window_start() -> datetime:
    return clock.now() - timedelta(days=WINDOW_DAYS)


def stock_states(parts: Iterable[Part]) -> dict[int, StockState]:
    """Each part's state by its id, in two queries (levels; use over the window)."""
    parts = list(parts)
    ids = [p.pk for p in parts]
    if not ids:
        return {}
    levels: dict[int, dict[int, int]] = {}
    for part_id, location_id, on_hand in StockLevel.objects.filter(part_id__in=ids).values_list(
        "part_id", "location_id", "on_hand"
    ):
        levels.setdefault(part_id, {})[location_id] = on_hand
    used = dict(
        StockMovement.objects.filter(
            part_id__in=ids, kind=MovementKind.CONSUMPTION, created_at__gte=window_start()
        )
        .values("part_id")
        .annotate(total=Coalesce(Sum("quantity"), 0))
        .values_list("part_id", "total")
        .order_by()
    )
    return {
        p.pk: StockState(
            on_hand=sum(levels.get(p.pk, {}).values()),
            used=-int(used.get(p.pk, 0)),
            floor_days=p.floor,
            ceiling_days=p.ceiling,
            lead_time_days=p.lead_time_days,
            by_location=levels.get(p.pk, {}),
        )
        for p in parts
    }


def stock_state(part: Part) -> StockState:
    return stock_states([part])[part.pk]


def locations(*, active_only: bool = True) -> list[StockLocation]:
    qs = StockLocation.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("name"))


def repair_location() -> StockLocation | None:
    return StockLocation.objects.filter(repair_default=True, active=True).first()


def parts(q: str = "", *, below_floor_only: bool = False) -> QuerySet[Part]:
    qs = Part.objects.filter(active=True)
    q = q.strip()
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(name__icontains=q))
    if below_floor_only:
        qs = qs.filter(reorder_alerts__cleared_at__isnull=True, reorder_alerts__isnull=False)
    return qs.order_by("number", "id")


def part_get(pk: int) -> Part | None:
    return Part.objects.filter(pk=pk).first()


def part_by_number(number: str) -> Part | None:
    return Part.objects.filter(number=number).first()


def open_alerts(part_ids: Iterable[int] | None = None) -> dict[int, ReorderAlert]:
    """The open reorder alert of each part that has one, by part id (one query)."""
    qs = ReorderAlert.objects.filter(cleared_at__isnull=True).select_related("part")
    if part_ids is not None:
        qs = qs.filter(part_id__in=list(part_ids))
    return {a.part_id: a for a in qs.order_by("part__number")}


def movements_of(
    part: Part, *, before: int | None = None, limit: int = MOVEMENTS_PAGE
) -> tuple[list[StockMovement], int | None]:
    """A page of the part's movements, newest first, and the id to ask for the next page
    (None on the last); one query whatever the history's length."""
    qs = StockMovement.objects.filter(part=part).select_related(
        "location", "other_location", "actor"
    )
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].pk if more and rows else None)


def parts_of_model(model_ids: Iterable[int]) -> dict[int, list[Part]]:
    """The active parts each product model uses, by model id (one query)."""
    through = Part.product_models.through
    out: dict[int, list[Part]] = {}
    rows = through.objects.filter(
        productmodel_id__in=list(model_ids), part__active=True
    ).select_related("part")
    for row in rows.order_by("part__number"):
        out.setdefault(row.productmodel_id, []).append(row.part)
    return out


def stock_managers() -> QuerySet[User]:
    """The active people holding devices.manage_stock (by a role or directly)."""
    match = Q(
        groups__permissions__codename="manage_stock",
        groups__permissions__content_type__app_label="devices",
    ) | Q(
        user_permissions__codename="manage_stock",
        user_permissions__content_type__app_label="devices",
    )
    return User.objects.filter(match, is_active=True).distinct().order_by("pk")
