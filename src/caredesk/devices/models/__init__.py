"""The devices domain's tables, one module per part of it: the catalogue and assets
(`assets`), spare parts (`parts`) and their stock (`stock`), service plans and contracts
(`plans`), repairs (`rma`). Import them from here."""

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
from caredesk.devices.models.rma import (
    FailureMode,
    Rma,
    RmaCheck,
    RmaEvent,
    RmaEventKind,
    RmaPart,
    RmaStatus,
)
from caredesk.devices.models.stock import (
    MovementKind,
    ReorderAlert,
    StockLevel,
    StockLocation,
    StockMovement,
)

__all__ = [
    "WARRANTY_MONTHS",
    "Asset",
    "AssetEvent",
    "AssetEventKind",
    "MovementKind",
    "ChurnReason",
    "Contract",
    "ContractEvent",
    "ContractEventKind",
    "ContractStatus",
    "Coverage",
    "FailureMode",
    "Part",
    "PlanChannel",
    "ProductClass",
    "ProductModel",
    "ReorderAlert",
    "StockLevel",
    "StockLocation",
    "StockMovement",
    "ServicePlan",
    "SlaTier",
    "Rma",
    "RmaCheck",
    "RmaEvent",
    "RmaEventKind",
    "RmaPart",
    "RmaStatus",
]
