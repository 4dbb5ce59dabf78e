"""Repairs taking the same part at once: the level is locked, so stock never goes below zero
and every accepted repair has its movement (each thread on its own connection)."""

from __future__ import annotations

import pytest
from django.db import connection

from caredesk.core.errors import ValidationFailed
from caredesk.devices.models import Part, StockLevel, StockLocation, StockMovement
from caredesk.devices.stock import stock_receive, take_for_repair
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_repairs_never_take_stock_below_zero():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    depot = StockLocation.objects.create(name="Main depot", repair_default=True)
    part = Part.objects.create(number="BAT-7", name="Battery pack")
    stock_receive(part=part, location=depot, quantity=3, actor=None)

    def take(n: int) -> bool:
        try:
            take_for_repair(Part.objects.get(pk=part.pk), 1, actor=None, reference=f"RMA-{n}")
        except ValidationFailed:
            return False
        return True

    taken = run_in_threads(take, 6)
    assert sum(taken) == 3
    assert StockLevel.objects.get(part=part, location=depot).on_hand == 0
    assert StockMovement.objects.filter(part=part, kind="consumption").count() == 3
