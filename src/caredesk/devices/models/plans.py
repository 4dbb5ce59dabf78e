"""Service plans (what a device is entitled to for a yearly price per unit) and the contracts
that sell them to an organization for a period, with their own history as events.

Only caredesk.devices.plans (the plan and contract services) writes these tables.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from caredesk.accounts.models import Organization
from caredesk.devices.models.assets import Asset, ProductModel


class PlanChannel(models.TextChoices):
    """Ways in that a plan opens beyond the portal and mail everyone has."""

    PHONE_BUSINESS = "phone_business", "Phone, business hours"
    PHONE_24_7 = "phone_24_7", "Phone 24/7"
    CHAT = "chat", "Live chat"
    REMOTE = "remote", "Remote session with an engineer"
    ONSITE = "onsite", "On-site visit"


class SlaTier(models.TextChoices):
    """The SLA policies' plan condition a device under this plan meets (see the SLA policies)."""

    NONE = "", "None (the organization's own plan decides)"
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"


class ServicePlan(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, default="")
    price_per_unit_year = models.DecimalField(
        "price per device per year",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    free_repair = models.BooleanField(
        default=True, help_text="Repairs are free of charge, in warranty or not."
    )
    loaner = models.BooleanField(
        default=False, help_text="A loaner unit while the device is away for repair."
    )
    replacement_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text="A replacement unit is shipped within this many hours; empty: no replacement.",
    )
    response_minutes = models.PositiveIntegerField(
        "first-response target (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 30)],
        help_text="What the plan promises for a first response; empty: the desk's usual target.",
    )
    channels = models.JSONField(
        default=list, blank=True, help_text="Ways in the plan opens, beyond portal and mail."
    )
    preventive_visits = models.PositiveSmallIntegerField(
        "preventive visits per year", default=0, validators=[MaxValueValidator(12)]
    )
    sla_tier = models.CharField(
        "SLA plan",
        max_length=16,
        choices=SlaTier.choices,
        blank=True,
        default="",
        help_text="A ticket naming a device under this plan meets SLA policies with this plan "
        "condition (as an organization on that plan does).",
    )
    active = models.BooleanField(default=True, help_text="Inactive plans are not sold any more.")
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def channel_labels(self) -> list[str]:
        labels = dict(PlanChannel.choices)
        return [labels.get(c, c) for c in self.channels or []]


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RENEWED = "renewed", "Ended, renewed"
    LAPSED = "lapsed", "Ended, not renewed"
    CANCELLED = "cancelled", "Cancelled"


class Coverage(models.TextChoices):
    UNITS = "units", "The units listed"
    MODELS = "models", "All the organization's units of these models"


class ChurnReason(models.TextChoices):
    PRICE = "price", "Price"
    COMPETITOR = "competitor", "Moved to another provider"
    RETIRED = "retired", "Devices retired or replaced"
    CLOSED = "closed", "Practice closed or merged"
    SERVICE = "service", "Unhappy with the service"
    BUDGET = "budget", "Budget cut"
    NO_ANSWER = "no_answer", "No answer to the renewal outreach"
    OTHER = "other", "Other"


class Contract(models.Model):
    """A plan sold to an organization for a period (both dates covered), for some of its units."""

    reference = models.CharField(max_length=32, unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contracts"
    )
    plan = models.ForeignKey(ServicePlan, on_delete=models.PROTECT, related_name="contracts")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day covered.")
    coverage = models.CharField(max_length=8, choices=Coverage.choices, default=Coverage.UNITS)
    assets = models.ManyToManyField(Asset, blank=True, related_name="contracts")
    product_models = models.ManyToManyField(ProductModel, blank=True, related_name="contracts")
    units = models.PositiveIntegerField(help_text="Units covered when the contract was made.")
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    list_price = models.DecimalField(max_digits=12, decimal_places=2)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=12, decimal_places=2)
    auto_renew = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    renewed_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewed_by"
    )
    outreach_at = models.DateTimeField(null=True, blank=True)
    outreach_ticket_id = models.BigIntegerField(null=True, blank=True)
    churn_reason = models.CharField(
        max_length=16, choices=ChurnReason.choices, blank=True, default=""
    )
    churn_note = models.CharField(max_length=500, blank=True, default="")
    cancelled_on = models.DateField(null=True, blank=True)
    refund = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "ends_on"], name="contract_org_idx"),
            models.Index(fields=["status", "ends_on"], name="contract_due_idx"),
        ]
        permissions = [("cancel_contract", "Can cancel contracts and record refunds")]

    def __str__(self) -> str:
        return self.reference


class ContractEventKind(models.TextChoices):
    CREATED = "created", "Made"
    CHANGED = "changed", "Changed"
    OUTREACH = "outreach", "Renewal outreach started"
    DECLINED = "declined", "Client will not renew"
    RENEWED = "renewed", "Renewed"
    LAPSED = "lapsed", "Ended without renewal"
    CANCELLED = "cancelled", "Cancelled"


class ContractEvent(models.Model):
    """Append-only: what happened to a contract, when and by whom."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=ContractEventKind.choices)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contract", "created_at"], name="contract_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
