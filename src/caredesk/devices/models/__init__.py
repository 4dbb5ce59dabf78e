"""The devices domain's tables, one module per part of it: the catalogue and assets
(`assets`), spare parts (`parts`), service plans and contracts (`plans`). Import them from here."""

from caredesk.devices.models.assets import (
    WARRANTY_MONTHS,
    Asset,
    AssetEvent,
    AssetEventKind,
    ProductClass,
    ProductModel,
)
from caredesk.devices.models.parts import Part
from caredesk.devices.models.plans import (
    ChurnReason,
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractStatus,
    Coverage,
    PlanChannel,
    ServicePlan,
    SlaTier,
)

__all__ = [
    "WARRANTY_MONTHS",
    "Asset",
    "AssetEvent",
    "AssetEventKind",
    "ChurnReason",
    "Contract",
    "ContractEvent",
    "ContractEventKind",
    "ContractStatus",
    "Coverage",
    "Part",
    "PlanChannel",
    "ProductClass",
    "ProductModel",
    "ServicePlan",
    "SlaTier",
]
