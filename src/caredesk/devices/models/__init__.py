"""The devices domain's tables, one module per part of it: the catalogue and assets
(`assets`), spare parts (`parts`) and their stock (`stock`). Import them from here."""

from caredesk.devices.models.assets import (
    WARRANTY_MONTHS,
    Asset,
    AssetEvent,
    AssetEventKind,
    ProductClass,
    ProductModel,
)
from caredesk.devices.models.parts import Part
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
    "Part",
    "ProductClass",
    "ProductModel",
    "ReorderAlert",
    "StockLevel",
    "StockLocation",
    "StockMovement",
]
