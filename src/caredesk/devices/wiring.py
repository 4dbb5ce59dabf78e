"""What the devices app lends the layers below it (filled in DevicesConfig.ready())."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caredesk.devices import history
from caredesk.devices.models import Asset
from caredesk.devices.selectors import facts_for_serial, sla_plans_for_serials, today
from caredesk.rules.facts import FactSource, fact_source_register
from caredesk.sla.plans import PlanSource, plan_source_register
from caredesk.tickets.services.keys import Sealed, sealed_register

ASSET_FACTS = frozenset(
    {
        "asset.known",
        "asset.warranty",
        "asset.clinical_use",
        "asset.model",
        "asset.free_repair",
        "asset.plan",
        "asset.contract",
        "asset.loaner",
        "asset.replacement_hours",
        "asset.response_minutes",
    }
)
# what a unit lets a ticket meet in the SLA policies' plan condition
DEVICE_PLANS = frozenset({"basic", "standard", "premium", "warranty"})


def _asset_facts(ticket: Any) -> dict[str, Any]:
    return facts_for_serial(ticket.device_serial, today())


def _device_plans(serials: set[str]) -> Mapping[str, set[str]]:
    return sla_plans_for_serials(serials, today())


def register() -> None:
    history.register_own()
    fact_source_register(FactSource("asset", ASSET_FACTS, _asset_facts))
    plan_source_register(PlanSource("devices", DEVICE_PLANS, _device_plans))
    sealed_register(Sealed("assets", Asset, ("patient_id",), index_part="asset patient indexes"))
