"""Devices: product classes (with their warranty), product models and the assets (units) the
desk's clients own, and each asset's own history (firmware changes and edits as events).

Only caredesk.devices.services writes these tables.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from caredesk.accounts.models import Organization
from caredesk.core.phi import BlindIndexField, EncryptedCharField, with_indexes
from caredesk.tickets.models import ChecklistTemplate

# the reference's warranty by product class: consumables, electronics, extended
WARRANTY_MONTHS = (12, 24, 36)


class ProductClass(models.Model):
    name = models.CharField(max_length=100, unique=True)
    warranty_months = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(120)],
        help_text="Limited warranty from the purchase date (12, 24 or 36 months is usual).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "product classes"

    def __str__(self) -> str:
        return self.name


class ProductModel(models.Model):
    name = models.CharField(max_length=200)
    sku = models.CharField("SKU", max_length=64, unique=True)
    product_class = models.ForeignKey(
        ProductClass, on_delete=models.PROTECT, related_name="product_models"
    )
    firmware_versions = models.JSONField(
        default=list, blank=True, help_text="The firmware versions released for this model."
    )
    validation_checklist = models.ForeignKey(
        ChecklistTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The bench checks a repaired unit of this model passes before it is validated.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class Asset(models.Model):
    """One unit, by serial number (unique per model)."""

    serial = models.CharField(max_length=64, db_index=True)
    product_model = models.ForeignKey(ProductModel, on_delete=models.PROTECT, related_name="assets")
    lot = models.CharField(max_length=64, blank=True, default="")
    udi = models.CharField("UDI", max_length=200, blank=True, default="")
    firmware = models.CharField(max_length=64, blank=True, default="")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="assets", null=True, blank=True
    )
    site = models.CharField(max_length=200, blank=True, default="")
    patient_id = EncryptedCharField(max_length=64, blank=True, default="")
    patient_id_index = BlindIndexField(source="patient_id")
    purchased_on = models.DateField(null=True, blank=True)
    installed_on = models.DateField(null=True, blank=True)
    in_clinical_use = models.BooleanField("in active clinical use", default=False)
    notes = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["serial", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product_model", "serial"], name="asset_serial_per_model"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "serial"], name="asset_org_serial_idx"),
        ]
        permissions = [("import_asset", "Can import assets from CSV")]

    def __str__(self) -> str:
        return self.serial

    def save(self, *args: Any, **kwargs: Any) -> None:
        kwargs["update_fields"] = with_indexes(Asset, kwargs.get("update_fields"))
        super().save(*args, **kwargs)


class AssetEventKind(models.TextChoices):
    CREATED = "created", "Registered"
    IMPORTED = "imported", "Imported"
    CHANGED = "changed", "Details changed"
    FIRMWARE = "firmware", "Firmware changed"


class AssetEvent(models.Model):
    """Append-only: what happened to an asset, when and by whom."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=AssetEventKind.choices)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["asset", "created_at"], name="asset_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
