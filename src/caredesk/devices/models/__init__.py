"""The devices domain's tables, one module per part of it: the catalogue and assets
(`assets`), spare parts (`parts`). Import them from here."""

from caredesk.devices.models.assets import (
    WARRANTY_MONTHS,
    Asset,
    AssetEvent,
    AssetEventKind,
    ProductClass,
    ProductModel,
)
from caredesk.devices.models.parts import Part

__all__ = [
    "WARRANTY_MONTHS",
    "Asset",
    "AssetEvent",
    "AssetEventKind",
    "Part",
    "ProductClass",
    "ProductModel",
]
