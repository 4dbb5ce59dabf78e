"""What the devices app lends the layers below it (filled in DevicesConfig.ready())."""

from __future__ import annotations

from typing import Any

from caredesk.devices import history
from caredesk.devices.models import Asset
from caredesk.devices.selectors import facts_for_serial, today
from caredesk.rules.facts import FactSource, fact_source_register
from caredesk.tickets.services.keys import Sealed, sealed_register

ASSET_FACTS = frozenset(
    {"asset.known", "asset.warranty", "asset.clinical_use", "asset.model", "asset.free_repair"}
)


def _asset_facts(ticket: Any) -> dict[str, Any]:
    return facts_for_serial(ticket.device_serial, today())


def register() -> None:
    history.register_own()
    fact_source_register(FactSource("asset", ASSET_FACTS, _asset_facts))
    sealed_register(Sealed("assets", Asset, ("patient_id",), index_part="asset patient indexes"))
