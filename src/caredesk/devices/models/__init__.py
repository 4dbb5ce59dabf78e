"""The devices domain's tables, one module per part of it: the catalogue and assets
(`assets`), spare parts (`parts`), repairs (`rma`). Import them from here."""

from caredesk.devices.models.assets import (
    WARRANTY_MONTHS,
    Asset,
    AssetEvent,
    AssetEventKind,
    ProductClass,
    ProductModel,
)
from caredesk.devices.models.parts import Part
from caredesk.devices.models.rma import (
    FailureMode,
    Rma,
    RmaCheck,
    RmaEvent,
    RmaEventKind,
    RmaPart,
    RmaStatus,
)

__all__ = [
    "WARRANTY_MONTHS",
    "Asset",
    "AssetEvent",
    "AssetEventKind",
    "FailureMode",
    "Part",
    "ProductClass",
    "ProductModel",
    "Rma",
    "RmaCheck",
    "RmaEvent",
    "RmaEventKind",
    "RmaPart",
    "RmaStatus",
]
