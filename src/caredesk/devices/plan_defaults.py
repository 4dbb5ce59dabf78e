"""The shipped service plans (the reference's Basic $49, Standard $149 and Premium $399 per
device per year), installed by a migration on a fresh install; administrators change them.

Written against the model class passed in, so the migration (a historical model) and code that
runs later (a test database that was flushed) install the same thing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

SHIPPED: tuple[dict[str, Any], ...] = (
    {
        "name": "Basic",
        "position": 10,
        "price_per_unit_year": Decimal("49.00"),
        "description": "Free repair at the depot and help by portal and mail.",
        "free_repair": True,
        "loaner": False,
        "replacement_hours": None,
        "response_minutes": 48 * 60,
        "channels": [],
        "preventive_visits": 0,
        "sla_tier": "",
    },
    {
        "name": "Standard",
        "position": 20,
        "price_per_unit_year": Decimal("149.00"),
        "description": "Free repair with a loaner unit, phone support in business hours and a "
        "yearly preventive check.",
        "free_repair": True,
        "loaner": True,
        "replacement_hours": None,
        "response_minutes": 4 * 60,
        "channels": ["phone_business"],
        "preventive_visits": 1,
        "sla_tier": "standard",
    },
    {
        "name": "Premium",
        "position": 30,
        "price_per_unit_year": Decimal("399.00"),
        "description": "Free repair, a replacement unit shipped within 48 hours, phone 24/7, "
        "remote sessions and two preventive visits a year.",
        "free_repair": True,
        "loaner": True,
        "replacement_hours": 48,
        "response_minutes": 60,
        "channels": ["phone_24_7", "remote", "onsite"],
        "preventive_visits": 2,
        "sla_tier": "premium",
    },
)


def install_plans(ServicePlan: Any) -> None:  # noqa: N803
    """Create the shipped plans unless plans exist already (an admin's are never touched)."""
    if ServicePlan.objects.exists():
        return
    now = datetime.now(UTC)
    for spec in SHIPPED:
        ServicePlan.objects.create(updated_at=now, **spec)
