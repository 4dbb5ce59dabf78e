"""Stock of spare parts: where parts are kept, how many of each are on hand there, every
movement in and out (append-only, with who, when and why) and the reorder alerts.

Only caredesk.devices.stock writes these tables.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from caredesk.devices.models.parts import Part


class StockLocation(models.Model):
    """A place parts are kept: the depot, a field engineer's van, the repair bench."""

    name = models.CharField(max_length=100, unique=True)
    repair_default = models.BooleanField(
        "repair stock",
        default=False,
        help_text="Parts fitted in repairs are taken from here (one location at most).",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["repair_default"],
                condition=models.Q(repair_default=True),
                name="stock_one_repair_location",
            )
        ]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """How many of a part are on hand at a location (never below zero)."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="stock_levels")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="levels")
    on_hand = models.IntegerField(default=0)

    class Meta:
        ordering = ["part", "location"]
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="stock_level_unique"),
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=0), name="stock_level_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.location_id}: {self.on_hand}"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "Received"
    CONSUMPTION = "consumption", "Used in a repair"
    ADJUSTMENT = "adjustment", "Adjusted"
    COUNT = "count", "Counted"
    TRANSFER = "transfer", "Transferred"


class StockMovement(models.Model):
    """Append-only: one change of a part's stock at one location. A transfer is two rows (out
    of one location, into the other), each naming the other location."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="movements")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=MovementKind.choices)
    quantity = models.IntegerField(help_text="Signed: positive into the location, negative out.")
    on_hand_after = models.IntegerField()
    other_location = models.ForeignKey(
        StockLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=64, blank=True, default="")
    reason = models.CharField(max_length=500, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["part", "-id"], name="stock_move_part_idx"),
            models.Index(fields=["kind", "created_at"], name="stock_move_kind_idx"),
        ]
        permissions = [("manage_stock", "Can receive, adjust, count and transfer stock")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Stock movements are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Stock movements are append-only.")


class ReorderAlert(models.Model):
    """A part dropped below its floor: opened once when it crosses, cleared when it is back
    at or above the floor (at most one open alert per part)."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="reorder_alerts")
    opened_at = models.DateTimeField()
    on_hand = models.IntegerField()
    days_of_stock = models.DecimalField(max_digits=8, decimal_places=1)
    suggested_quantity = models.PositiveIntegerField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["part"],
                condition=models.Q(cleared_at__isnull=True),
                name="reorder_alert_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_id} below floor since {self.opened_at:%Y-%m-%d}"
