"""Outbound webhooks (with their delivery log) and issues opened in an engineering tracker."""

from __future__ import annotations

import base64
import secrets

from django.db import models

from caredesk.core import clock


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    """Where rules may send events, signed per the Standard Webhooks specification."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True, help_text="What rules call it.")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100, default=new_webhook_secret)
    active = models.BooleanField(default=True)
    business_associate = models.BooleanField(
        default=False,
        help_text="Under a business associate agreement: payloads may carry ticket content. "
        "Otherwise they carry ids only.",
    )
    allow_private = models.BooleanField(
        default=False,
        help_text="Allow addresses on loopback, link-local or private networks (refused by "
        "default: a rule must not reach into the internal network).",
    )
    failures = models.PositiveIntegerField(default=0, help_text="Permanent failures in a row.")
    disabled_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    RETRYING = "retrying", "Retrying"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event for one endpoint; its id is the idempotency key every retry repeats.

    The delivery log: its status, attempts, last answer and next attempt are written in the
    transaction that records the outcome of its outbox item, so the two always agree.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=60)
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint} ({self.status})"


class TrackerIssue(models.Model):
    """An engineering issue opened for a ticket (Jira), and its status as the tracker reports it."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="tracker_issues"
    )
    project = models.CharField(max_length=40)
    key = models.CharField(max_length=40, blank=True, default="", db_index=True)
    url = models.URLField(max_length=500, blank=True, default="")
    status = models.CharField(max_length=60, blank=True, default="requested")
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.key or f"{self.project} (requested)"
