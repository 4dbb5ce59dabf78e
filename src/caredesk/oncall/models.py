"""On-call schedules, escalation policies and pages.

A team's schedule stacks layers (each one rotation of ordered participants) under overrides;
an escalation policy says whom to page, step by step, until someone acknowledges; a page is one
call for help about a subject (a ticket, or text such as an incident) with a notification per
person and channel. `pure.py` computes who is on call from these rows.
"""

from __future__ import annotations

from django.db import models

from caredesk.oncall import pure


class Schedule(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["team__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="oncall_schedule_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class RotationKind(models.TextChoices):
    DAILY = pure.DAILY, "Daily"
    WEEKLY = pure.WEEKLY, "Weekly"
    CUSTOM = pure.CUSTOM, "Custom length (hours)"


class Layer(models.Model):
    """One rotation of a schedule; a higher level wins where it has someone."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="layers")
    name = models.CharField(max_length=120)
    level = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=8, choices=RotationKind.choices, default=RotationKind.WEEKLY)
    shift_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Length of a shift for custom rotations."
    )
    handoff_time = models.TimeField(help_text="Hand-off time of day, in the schedule's timezone.")
    start_date = models.DateField()
    restrict_from = models.TimeField(null=True, blank=True)
    restrict_to = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["schedule", "-level"]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.name}"


class LayerMember(models.Model):
    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["layer", "position"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "position"], name="oncall_member_position")
        ]

    def __str__(self) -> str:
        return f"{self.layer} #{self.position}"


class Override(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["schedule", "end"], name="oncall_override_end_idx")]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.user} {self.start:%Y-%m-%d %H:%M}"


class PagingContact(models.Model):
    """Where a person is paged by SMS and voice (E.164)."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="paging_contact"
    )
    phone = models.CharField(max_length=20)
    sms = models.BooleanField(default=True)
    voice = models.BooleanField(default=True)

    def __str__(self) -> str:
        return str(self.user)


class EscalationPolicy(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    is_default = models.BooleanField(default=False)
    repeat = models.PositiveSmallIntegerField(
        default=2, help_text="How many times the whole policy runs before the page is exhausted."
    )

    class Meta:
        ordering = ["team__name", "name"]
        verbose_name_plural = "escalation policies"
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(is_default=True),
                name="oncall_one_default_policy",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TargetKind(models.TextChoices):
    SCHEDULE = "schedule", "Whoever is on call on a schedule"
    TEAM_LEAD = "team_lead", "The team lead"
    PERSON = "person", "A named person"


class EscalationStep(models.Model):
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    target = models.CharField(max_length=16, choices=TargetKind.choices)
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    wait_minutes = models.PositiveSmallIntegerField(
        default=5, help_text="No acknowledgement within this many minutes: the next step."
    )

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="oncall_step_position")
        ]

    def __str__(self) -> str:
        return f"{self.policy} step {self.position}"


class PageState(models.TextChoices):
    TRIGGERED = "triggered", "Triggered"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    EXHAUSTED = "exhausted", "Exhausted"


class Page(models.Model):
    """A call for help. `next_step_at` is when the escalation moves on unless acknowledged."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(
        EscalationPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=300)
    code = models.CharField(max_length=8, unique=True)
    state = models.CharField(max_length=16, choices=PageState.choices, default=PageState.TRIGGERED)
    step = models.PositiveSmallIntegerField(default=0)
    round = models.PositiveSmallIntegerField(default=0)
    next_step_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    first_sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_via = models.CharField(max_length=16, blank=True, default="")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_step_at"],
                name="oncall_page_due_idx",
                condition=models.Q(state="triggered"),
            )
        ]
        permissions = [("acknowledge_page", "Can acknowledge pages")]

    def __str__(self) -> str:
        return f"Page {self.code}"

    @property
    def seconds_to_send(self) -> float | None:
        if self.first_sent_at is None:
            return None
        return (self.first_sent_at - self.created_at).total_seconds()

    @property
    def seconds_to_ack(self) -> float | None:
        if self.acknowledged_at is None:
            return None
        return (self.acknowledged_at - self.created_at).total_seconds()


class Channel(models.TextChoices):
    IN_APP = "in_app", "In-app"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    VOICE = "voice", "Voice call"


class PageNotification(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to = models.CharField(max_length=254, blank=True, default="")
    step = models.PositiveSmallIntegerField(default=0)
    round = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=64, blank=True, default="")
    error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["to", "channel", "id"], name="oncall_notif_to_idx")]

    def __str__(self) -> str:
        return f"{self.page} {self.channel} to {self.user}"
