"""Core tables: the outbox of side effects, and the version stamps of cached configuration."""

from __future__ import annotations

from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxKind(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"
    TRACKER = "tracker", "Tracker issue"
    SMS = "sms", "SMS"
    VOICE = "voice", "Voice call"
    STATUS_WEBHOOK = "status_webhook", "Status page webhook"


class OutboxItem(models.Model):
    """A side effect to deliver after commit; retried on a schedule, never doubled.

    `available_at` is when a pending item is next due; `lease_until` is when a claim (status
    "sending") runs out, after which another worker may take the item. `attempts` counts the
    attempts of the current schedule (a replay starts a new one; `replays` counts those).
    """

    kind = models.CharField(max_length=32, choices=OutboxKind.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    available_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)  # the last attempt's start
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    replays = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "available_at"], name="outbox_due_idx")]
        verbose_name = "outbox item"
        permissions = [("replay_outboxitem", "Can replay given-up deliveries")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class ConfigVersion(models.Model):
    """A stamp that changes, in the writer's transaction, whenever a kind of configuration does.

    Every process caches configuration (SLA policies, rules) and checks the stamp with one
    primary-key read before using its copy, so a change is seen everywhere at its commit.
    """

    name = models.CharField(max_length=40, primary_key=True)
    stamp = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name} {self.stamp}"


class Notification(models.Model):
    """An in-app message for one agent (rules notify and page people; mail goes beside it)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=500)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["user", "id"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.text


class DeskPresence(models.Model):
    """When a person's desk last checked in (an open page asks every few seconds) and when they
    last did something there: who is "away" for mail about mentions (`core/presence.py`)."""

    user = models.OneToOneField(
        "accounts.User", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    live_at = models.DateTimeField()  # the last check-in of an open desk page
    active_at = models.DateTimeField()  # the last page or action the person asked for

    def __str__(self) -> str:
        return f"presence of {self.user_id}"
