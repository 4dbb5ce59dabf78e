"""Reads: assets by serial, their entitlement today, the asset list and an asset's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from caredesk.core import clock
from caredesk.devices.history import HistoryEntry, asset_history
from caredesk.devices.models import Asset, AssetEvent, ProductModel
from caredesk.devices.plan_selectors import covering, terms_of
from caredesk.devices.pure import (
    ENDING_DAYS,
    Entitlement,
    Warranty,
    add_months,
    covered_by,
    entitlement,
)
from caredesk.tickets.models import Ticket

HISTORY_LIMIT = 50
CARD_HISTORY = 3  # entries of the unit's history on a ticket's asset card


def today() -> date:
    """Today where the desk is (the project's clock, the configured time zone)."""
    return timezone.localtime(clock.now()).date()


def assets() -> QuerySet[Asset]:
    return Asset.objects.select_related("product_model__product_class", "organization")


def _warranty_of(asset: Asset, on: date) -> Entitlement:
    months = asset.product_model.product_class.warranty_months
    return entitlement(asset.purchased_on, months, on)


def entitlements_of(assets: list[Asset], on: date | None = None) -> list[Entitlement]:
    """What each asset is entitled to on `on` (today): its warranty, and the plan of the
    contract covering it. A constant number of queries for any number of assets."""
    on = on or today()
    contracts = covering(assets, on)
    out = []
    for a in assets:
        ent = _warranty_of(a, on)
        contract = contracts.get(a.pk)
        if contract is not None:
            ent = covered_by(ent, terms_of(contract.plan), contract.reference)
        out.append(ent)
    return out


def entitlement_of(asset: Asset, on: date | None = None) -> Entitlement:
    """What `asset` is entitled to on `on` (today): warranty, plan and contract."""
    return entitlements_of([asset], on)[0]


@dataclass(frozen=True)
class AssetCard:
    """What the ticket page says about the serial a ticket names."""

    serial: str
    found: list[tuple[Asset, Entitlement]] = field(default_factory=list)

    @property
    def unknown(self) -> bool:
        return not self.found

    def recent(self) -> list[HistoryEntry]:
        """The newest few entries of the (first) unit's history: one query per section,
        whatever its length."""
        if not self.found:
            return []
        return asset_history(self.found[0][0], limit=CARD_HISTORY)


def card_for_serial(serial: str, on: date | None = None) -> AssetCard | None:
    """The asset(s) with this serial and what they entitle (one query, and two for their
    contracts when a unit has an owner); None when there is no serial."""
    serial = (serial or "").strip()
    if not serial:
        return None
    on = on or today()
    units = list(assets().filter(serial=serial)[:5])
    return AssetCard(serial=serial, found=list(zip(units, entitlements_of(units, on), strict=True)))


@dataclass(frozen=True)
class AssetFilters:
    q: str = ""
    organization: int | None = None
    product_model: int | None = None
    warranty: str = ""  # in | ending | out | unknown


def _months_by_model() -> dict[int, int]:
    return dict(ProductModel.objects.values_list("pk", "product_class__warranty_months").order_by())


def _warranty_q(state: str, on: date) -> Q:
    """Assets whose warranty is in `state` on `on`, as a query (one clause per model)."""
    if state == Warranty.UNKNOWN:
        return Q(purchased_on__isnull=True)
    parts = Q(pk__in=[])
    for model_id, months in _months_by_model().items():
        # ends_on = purchased_on + months; invert: compare purchased_on with `on` - months
        out_before = add_months(on, -months)  # purchased on or before: out
        ending_before = add_months(on + timedelta(days=ENDING_DAYS), -months)
        base = Q(product_model_id=model_id, purchased_on__isnull=False)
        if state == Warranty.OUT:
            parts |= base & Q(purchased_on__lte=out_before)
        elif state == Warranty.ENDING:
            parts |= base & Q(purchased_on__gt=out_before, purchased_on__lte=ending_before)
        else:
            parts |= base & Q(purchased_on__gt=ending_before)
    return parts


def asset_list(filters: AssetFilters, on: date | None = None) -> QuerySet[Asset]:
    qs = assets()
    q = filters.q.strip()
    if q.endswith("*"):  # a prefix: the serial index serves it
        qs = qs.filter(serial__startswith=q.rstrip("*"))
    elif q:
        qs = qs.filter(serial=q)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    if filters.product_model:
        qs = qs.filter(product_model_id=filters.product_model)
    if filters.warranty in (Warranty.IN, Warranty.ENDING, Warranty.OUT, Warranty.UNKNOWN):
        qs = qs.filter(_warranty_q(filters.warranty, on or today()))
    return qs.order_by("serial", "id")


def model_id_for_sku(sku: str) -> int | None:
    return ProductModel.objects.filter(sku__iexact=sku.strip()).values_list("pk", flat=True).first()


def asset_get(pk: int) -> Asset | None:
    return assets().filter(pk=pk).first()


def tickets_naming(asset: Asset, limit: int = HISTORY_LIMIT) -> list[Ticket]:
    """The newest tickets that name this asset's serial."""
    return list(
        Ticket.objects.filter(device_serial=asset.serial)
        .select_related("organization")
        .order_by("-created_at", "-id")[:limit]
    )


def events_of(asset: Asset, limit: int = HISTORY_LIMIT) -> list[AssetEvent]:
    return list(asset.events.select_related("actor").order_by("-created_at", "-id")[:limit])


def facts_for_serial(serial: str, on: date) -> dict[str, Any]:
    """What the rules may look at about the unit a ticket names: `asset.known`,
    `asset.warranty` (in, ending, out, unknown; "" when no serial), `asset.clinical_use`,
    `asset.model` (SKU), `asset.free_repair`, and what a service plan adds: `asset.plan` (the
    plan's name, "" without one), `asset.contract` (its reference), `asset.loaner`,
    `asset.replacement_hours` and `asset.response_minutes` (0 when the plan sets none)."""
    card = card_for_serial(serial, on)
    if card is None or card.unknown:
        return {
            "asset.known": False,
            "asset.warranty": "",
            "asset.clinical_use": False,
            "asset.model": "",
            "asset.free_repair": False,
            **NO_PLAN_FACTS,
        }
    asset, ent = card.found[0]
    return {
        "asset.known": True,
        "asset.warranty": ent.warranty,
        "asset.clinical_use": asset.in_clinical_use,
        "asset.model": asset.product_model.sku,
        "asset.free_repair": ent.free_repair,
        "asset.plan": ent.plan,
        "asset.contract": ent.contract,
        "asset.loaner": ent.loaner,
        "asset.replacement_hours": ent.replacement_hours or 0,
        "asset.response_minutes": ent.response_minutes or 0,
    }


NO_PLAN_FACTS: dict[str, Any] = {
    "asset.plan": "",
    "asset.contract": "",
    "asset.loaner": False,
    "asset.replacement_hours": 0,
    "asset.response_minutes": 0,
}


def sla_plans_for_serials(serials: set[str], on: date) -> dict[str, set[str]]:
    """For the SLA policies' plan condition: per serial, the SLA plan of the service plan
    covering a unit with that serial, "warranty" when one is in warranty and "clinical_use"
    when one is in active clinical use (the shipped Premium policy lists it: the 24/7 path).
    Three queries
    whatever the number of serials (none without serials)."""
    serials = {s.strip() for s in serials if s and s.strip()}
    if not serials:
        return {}
    units = list(assets().filter(serial__in=serials))
    contracts = covering(units, on)
    out: dict[str, set[str]] = {}
    for a in units:
        found = out.setdefault(a.serial, set())
        if _warranty_of(a, on).covered:
            found.add("warranty")
        if a.in_clinical_use:
            found.add("clinical_use")
        contract = contracts.get(a.pk)
        if contract is not None and contract.plan.sla_tier:
            found.add(contract.plan.sla_tier)
    return out
