"""Warranty arithmetic and state, with the project's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from caredesk.devices.pure import Warranty, add_months, entitlement, warranty_end, warranty_state
from caredesk.devices.selectors import card_for_serial, entitlement_of
from tests.devices.conftest import make_asset


def test_months_are_calendar_months_and_month_ends_clamp():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert warranty_end(date(2025, 3, 10), 24) == date(2027, 3, 10)
    assert warranty_end(None, 24) is None


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 1, 1), Warranty.IN),
        (date(2027, 1, 8), Warranty.IN),  # 61 days before the end
        (date(2027, 1, 9), Warranty.ENDING),  # 60 days
        (date(2027, 3, 9), Warranty.ENDING),  # the last day covered
        (date(2027, 3, 10), Warranty.OUT),  # the end date itself is not covered
    ],
)
def test_state_in_ending_out(today, state):
    assert warranty_state(date(2027, 3, 10), today) == state


def test_no_purchase_date_is_unknown_and_gives_no_free_repair():
    ent = entitlement(None, 24, date(2026, 1, 1))
    assert ent.warranty == Warranty.UNKNOWN and not ent.free_repair and ent.plan == ""


def test_the_state_moves_with_the_clock(clock, catalogue):
    clock.set(datetime(2027, 1, 1, 12, tzinfo=UTC))
    asset = make_asset(catalogue["PX-200"], "PX-1", purchased_on=date(2025, 3, 10))
    ent = entitlement_of(asset)
    assert (ent.warranty, ent.warranty_ends_on, ent.free_repair) == (
        Warranty.IN,
        date(2027, 3, 10),
        True,
    )
    clock.advance(days=20)  # 2027-01-21: within 60 days
    assert entitlement_of(asset).warranty == Warranty.ENDING
    clock.advance(days=70)  # 2027-04-01
    ent = entitlement_of(asset)
    assert ent.warranty == Warranty.OUT and not ent.free_repair


def test_consumables_carry_a_shorter_warranty(clock, catalogue):
    clock.set(datetime(2026, 6, 1, 12, tzinfo=UTC))
    pads = make_asset(catalogue["GEL-10"], "G-1", purchased_on=date(2025, 3, 10))
    unit = make_asset(catalogue["PX-200"], "P-1", purchased_on=date(2025, 3, 10))
    assert entitlement_of(pads).warranty == Warranty.OUT
    assert entitlement_of(unit).warranty == Warranty.IN


def test_a_serial_nobody_registered_is_unknown_and_an_empty_one_is_no_card(catalogue):
    card = card_for_serial("X-123")
    assert card is not None and card.unknown and card.serial == "X-123"
    assert card_for_serial("  ") is None
