"""Spare parts: the catalogue of parts and the product models that use them."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from caredesk.devices.models.assets import ProductModel


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
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
