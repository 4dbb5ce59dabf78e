"""Spare parts: the catalogue of parts and the product models that use them."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from caredesk.devices.models.assets import ProductModel

# days of stock kept when a part names none: the reference keeps critical parts at 60-90 days
DEFAULT_FLOOR_DAYS = {True: 60, False: 30}
DEFAULT_CEILING_DAYS = {True: 90, False: 60}


class Part(models.Model):
    number = models.CharField("part number", max_length=64, unique=True)
    name = models.CharField(max_length=200)
    unit_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="What one unit costs the repair shop (for repair cost per unit).",
    )
    lead_time_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days from ordering to having the part on the shelf."
    )
    critical = models.BooleanField(
        default=False, help_text="Critical parts are kept at 60 to 90 days of stock."
    )
    product_models = models.ManyToManyField(
        ProductModel, blank=True, related_name="parts", help_text="The models that use this part."
    )
    floor_days = models.PositiveSmallIntegerField(
        "floor (days of stock)",
        null=True,
        blank=True,
        help_text="Reorder when stock falls below this many days of use "
        "(empty: 60 for critical parts, 30 for others).",
    )
    ceiling_days = models.PositiveSmallIntegerField(
        "ceiling (days of stock)",
        null=True,
        blank=True,
        help_text="Order up to this many days of use "
        "(empty: 90 for critical parts, 60 for others).",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def floor(self) -> int:
        """The floor in days of stock (the part's own, or the default for its kind)."""
        if self.floor_days is not None:
            return self.floor_days
        return DEFAULT_FLOOR_DAYS[self.critical]

    @property
    def ceiling(self) -> int:
        """The ceiling in days of stock (never below the floor)."""
        ceiling = self.ceiling_days
        if ceiling is None:
            ceiling = DEFAULT_CEILING_DAYS[self.critical]
        return max(ceiling, self.floor)
