"""Reads: service plans, contracts, which contract covers which asset, renewals due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from caredesk.devices.models import Asset, Contract, ContractEvent, ContractStatus, ServicePlan
from caredesk.devices.pure import OUTREACH_DAYS, PlanTerms

HISTORY_LIMIT = 100


def plans(*, active_only: bool = False) -> QuerySet[ServicePlan]:
    qs = ServicePlan.objects.order_by("position", "name")
    return qs.filter(active=True) if active_only else qs


def terms_of(plan: ServicePlan) -> PlanTerms:
    return PlanTerms(
        name=plan.name,
        free_repair=plan.free_repair,
        loaner=plan.loaner,
        replacement_hours=plan.replacement_hours,
        response_minutes=plan.response_minutes,
        channels=tuple(plan.channel_labels()),
    )


def _rank(contract: Contract) -> tuple[object, ...]:
    """The better plan wins where two contracts cover a unit (then the later end)."""
    return (contract.plan.price_per_unit_year, contract.ends_on, contract.pk)


def covering(assets: Sequence[Asset], on: date) -> dict[int, Contract]:
    """The contract covering each asset on `on` (active, dated around `on`; the unit listed,
    or the organization's unit of a listed model), by asset id. Two queries whatever the
    number of assets: the the links and one for the contracts they name; none when no asset
    has an owner."""
    owned = [a for a in assets if a.organization_id is not None]
    if not owned:
        return {}
    ids = [a.pk for a in owned]
    model_ids = {a.product_model_id for a in owned}
    rows = (
        Contract.objects.filter(
            status=ContractStatus.ACTIVE,
            starts_on__lte=on,
            ends_on__gte=on,
            organization_id__in={a.organization_id for a in owned},
        )
        .filter(Q(assets__in=ids) | Q(coverage="models", product_models__in=model_ids))
        .values_list("assets", "product_models", "organization_id", "pk")
    )
    links = list(rows)
    if not links:
        return {}
    contracts = {
        c.pk: c
        for c in Contract.objects.filter(pk__in={r[3] for r in links}).select_related("plan")
    }
    found: dict[int, Contract] = {}
    for asset in owned:
        for asset_id, model_id, org_id, pk in links:
            contract = contracts[pk]
            hit = asset_id == asset.pk or (
                contract.coverage == "models"
                and model_id == asset.product_model_id
                and org_id == asset.organization_id
            )
            if hit and (asset.pk not in found or _rank(contract) > _rank(found[asset.pk])):
                found[asset.pk] = contract
    return found


@dataclass(frozen=True)
class ContractFilters:
    organization: int | None = None
    status: str = ""
    plan: int | None = None


def contracts(filters: ContractFilters | None = None) -> QuerySet[Contract]:
    qs = Contract.objects.select_related("organization", "plan")
    f = filters or ContractFilters()
    if f.organization:
        qs = qs.filter(organization_id=f.organization)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.plan:
        qs = qs.filter(plan_id=f.plan)
    return qs.order_by("-starts_on", "-id")


def contract_get(pk: int) -> Contract | None:
    return (
        Contract.objects.select_related(
            "organization__account_manager", "plan", "renewed_from", "created_by"
        )
        .filter(pk=pk)
        .first()
    )


def contract_units(contract: Contract) -> list[Asset]:
    """The units a contract covers now (listed, or the organization's of its models)."""
    qs = Asset.objects.select_related("product_model")
    if contract.coverage == "models":
        qs = qs.filter(
            organization_id=contract.organization_id,
            product_model__in=contract.product_models.all(),
        )
    else:
        qs = qs.filter(contracts=contract)
    return list(qs.order_by("serial", "id")[:500])


def contract_events(contract: Contract) -> list[ContractEvent]:
    return list(
        contract.events.select_related("actor").order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )


def renewals_due(on: date, *, days: int = OUTREACH_DAYS) -> QuerySet[Contract]:
    """Active contracts whose last day is within `days` of `on` (or passed, not yet swept)."""
    from datetime import timedelta

    return (
        Contract.objects.filter(status=ContractStatus.ACTIVE, ends_on__lte=on + timedelta(days))
        .select_related("organization__account_manager", "plan")
        .order_by("ends_on", "id")
    )


def contracts_of_organization(org_id: int) -> list[Contract]:
    return list(
        Contract.objects.filter(organization_id=org_id)
        .select_related("plan")
        .order_by("-starts_on", "-id")[:100]
    )
