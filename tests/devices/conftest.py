from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from caredesk.core import clock as clock_module
from caredesk.devices.models import Asset, ProductClass, ProductModel


@pytest.fixture
def catalogue(db: Any) -> dict[str, ProductModel]:
    electronics = ProductClass.objects.create(name="Electronics", warranty_months=24)
    consumables = ProductClass.objects.create(name="Consumables", warranty_months=12)
    return {
        "PX-200": ProductModel.objects.create(
            name="Pulsewave 200", sku="PX-200", product_class=electronics,
            firmware_versions=["2.0.1", "2.1.0"],
        ),
        "GEL-10": ProductModel.objects.create(
            name="Electrode pad pack", sku="GEL-10", product_class=consumables
        ),
    }  # fmt: skip


def make_asset(model: ProductModel, serial: str, **kw: Any) -> Asset:
    now = clock_module.now()
    kw.setdefault("purchased_on", date(2026, 1, 15))
    asset = Asset(product_model=model, serial=serial, created_at=now, updated_at=now, **kw)
    asset.save()
    return asset


def local_today() -> date:
    return timezone.localtime(clock_module.now()).date()
