"""RMA repairs: a unit sent back from a ticket, through the bench, to the customer again.

Only caredesk.devices.rma writes these tables; every change is an `RmaEvent` (append-only),
timed and attributed, and the ticket's history carries each status change too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from caredesk.accounts.models import Organization
from caredesk.devices.models.assets import Asset
from caredesk.devices.models.parts import Part
from caredesk.tickets.models import Ticket


class RmaStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    RECEIVED = "received", "Received"
    DIAGNOSED = "diagnosed", "Diagnosed"
    REPAIRED = "repaired", "Repaired"
    REPLACED = "replaced", "Replaced"
    VALIDATED = "validated", "Validated"
    SHIPPED = "shipped", "Shipped"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class FailureMode(models.TextChoices):
    NO_POWER = "no_power", "Does not power on"
    BATTERY = "battery", "Battery or charging"
    DISPLAY = "display", "Display"
    SENSOR = "sensor", "Sensor or probe"
    CONNECTOR = "connector", "Cable or connector"
    FIRMWARE = "firmware", "Firmware or software"
    MECHANICAL = "mechanical", "Mechanical or housing"
    LIQUID = "liquid", "Liquid damage"
    NO_FAULT = "no_fault", "No fault found"
    OTHER = "other", "Other"


class Rma(models.Model):
    """One return: the unit, the ticket it opened from, where it is and what the repair cost."""

    number = models.CharField(max_length=16, unique=True, null=True, blank=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="rmas")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="rmas")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="rmas", null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=RmaStatus.choices, default=RmaStatus.ISSUED)
    warranty = models.BooleanField(
        default=True, help_text="A warranty repair (free); otherwise a paid repair."
    )
    warranty_reason = models.CharField(max_length=300, blank=True, default="")
    replacement_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A replacement unit is owed within this many hours."
    )
    tracking_in = models.CharField("inbound tracking number", max_length=100, blank=True)
    tracking_out = models.CharField("outbound tracking number", max_length=100, blank=True)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    findings = models.TextField(blank=True, default="")
    failure_mode = models.CharField(
        max_length=16, choices=FailureMode.choices, blank=True, default=""
    )
    failure_other = models.CharField(max_length=200, blank=True, default="")
    labour_minutes = models.PositiveIntegerField(default=0)
    labour_rate = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Per hour of bench time.",
    )
    cancel_reason = models.CharField(max_length=300, blank=True, default="")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    diagnosed_at = models.DateTimeField(null=True, blank=True)
    repaired_at = models.DateTimeField(null=True, blank=True)  # repaired or replaced
    validated_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # closed or cancelled

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "RMA"
        verbose_name_plural = "RMAs"
        indexes = [
            models.Index(fields=["status", "created_at"], name="rma_status_idx"),
            models.Index(fields=["organization", "created_at"], name="rma_org_idx"),
            # the repair figures of a period read the RMAs whose steps fell in it
            models.Index(fields=["created_at"], name="rma_created_idx"),
            models.Index(fields=["diagnosed_at"], name="rma_diagnosed_idx"),
            models.Index(fields=["repaired_at"], name="rma_repaired_idx"),
            models.Index(fields=["shipped_at"], name="rma_shipped_idx"),
            models.Index(fields=["closed_at"], name="rma_closed_idx"),
        ]
        permissions = [("validate_rma", "Can validate a repair on the bench")]

    def __str__(self) -> str:
        return self.number or f"RMA #{self.pk}"

    @property
    def parts_cost(self) -> Decimal:
        return sum((p.line_cost for p in self.parts_used.all()), Decimal("0.00"))

    @property
    def labour_cost(self) -> Decimal:
        return (Decimal(self.labour_minutes) * self.labour_rate / 60).quantize(Decimal("0.01"))

    @property
    def repair_cost(self) -> Decimal:
        return self.parts_cost + self.labour_cost

    @property
    def failure_label(self) -> str:
        if self.failure_mode == FailureMode.OTHER and self.failure_other:
            return f"Other: {self.failure_other}"
        return self.get_failure_mode_display() if self.failure_mode else ""


class RmaEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    STATUS = "status", "Status changed"
    CHANGED = "changed", "Details changed"
    COVERAGE = "coverage", "Warranty or paid changed"
    PART = "part", "Part used"
    CHECK = "check", "Validation step"
    SLA_WARNING = "sla_warning", "Clock warning"
    SLA_BREACHED = "sla_breached", "Clock breached"


class RmaEvent(models.Model):
    """Append-only: what happened to an RMA, when and by whom."""

    rma = models.ForeignKey(Rma, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=RmaEventKind.choices)
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["rma", "created_at"], name="rma_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("RMA events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("RMA events are append-only")


class RmaPart(models.Model):
    """A part fitted in the repair, at the unit cost it had then."""

    rma = models.ForeignKey(Rma, on_delete=models.CASCADE, related_name="parts_used")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(max_digits=10, decimal_places=2)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.part_id}"

    @property
    def line_cost(self) -> Decimal:
        return self.unit_cost * self.quantity


class RmaCheck(models.Model):
    """One step of the RMA's bench validation, copied from its model's checklist template."""

    rma = models.ForeignKey(Rma, on_delete=models.CASCADE, related_name="checks")
    text = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def done(self) -> bool:
        return self.done_at is not None
