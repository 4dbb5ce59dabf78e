"""Service-level configuration (calendars, policies, targets) and each ticket's clocks."""

from __future__ import annotations

import zoneinfo
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from caredesk.accounts.models import Organization
from caredesk.tickets.models import Priority, RequestType, Ticket


def _parse_hhmm(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


class Calendar(models.Model):
    """Business hours in a timezone, minus holidays; a target counts time on its calendar."""

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="America/New_York")
    weekly_hours = models.JSONField(
        default=dict,
        help_text='Weekday (0 = Monday) to a list of ["HH:MM", "HH:MM"] intervals; an end at or '
        "before the start runs past midnight.",
    )
    holidays = models.JSONField(default=list, blank=True, help_text='Local dates, "YYYY-MM-DD".')
    holiday_country = models.CharField(max_length=8, blank=True, default="")
    holiday_subdivision = models.CharField(max_length=16, blank=True, default="")
    always_open = models.BooleanField(default=False, help_text="24/7: ignores hours and holidays.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def parsed_hours(self) -> dict[int, list[tuple[time, time]]]:
        return {
            int(day): [(_parse_hhmm(a), _parse_hhmm(b)) for a, b in intervals]
            for day, intervals in (self.weekly_hours or {}).items()
        }

    def parsed_holidays(self) -> set[date]:
        return {date.fromisoformat(d) for d in self.holidays or []}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = "Use an IANA timezone name such as America/New_York."
        try:
            hours = self.parsed_hours()
            if not self.always_open and not any(hours.values()):
                errors["weekly_hours"] = "Give at least one interval, or mark the calendar 24/7."
            if any(day not in range(7) for day in hours):
                errors["weekly_hours"] = "Weekdays are 0 (Monday) to 6 (Sunday)."
        except (ValueError, TypeError, AttributeError):
            errors["weekly_hours"] = 'Write intervals as ["08:00", "20:00"].'
        try:
            self.parsed_holidays()
        except (ValueError, TypeError):
            errors["holidays"] = "Write holidays as YYYY-MM-DD dates."
        if errors:
            raise ValidationError(errors)


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_RESPONSE = "next_response", "Next response"
    RESOLUTION = "resolution", "Resolution"


def default_pause_statuses() -> list[str]:
    return ["pending", "on_hold"]


def default_warn_at() -> list[float]:
    return [0.75, 0.9]


class SlaPolicy(models.Model):
    """Targets for the tickets it matches; the first active match in `position` order applies."""

    name = models.CharField(max_length=120, unique=True)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    description = models.TextField(blank=True, default="")
    # Conditions: an empty list means "any".
    plans = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    priorities = models.JSONField(default=list, blank=True)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="sla_policies")
    categories = models.ManyToManyField(RequestType, blank=True, related_name="sla_policies")
    pause_statuses = models.JSONField(
        default=default_pause_statuses, help_text="Statuses that pause the resolution clock."
    )
    warn_at = models.JSONField(
        default=default_warn_at, help_text="Fractions of a target at which to warn."
    )
    clinical_calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tickets the safety screen flags count time on this calendar (normally 24/7), "
        "whatever their targets' calendars; empty: the targets' own calendars.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    metric = models.CharField(max_length=20, choices=Metric.choices)
    minutes = models.PositiveIntegerField()
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="targets")

    class Meta:
        ordering = ["priority", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "priority", "metric"], name="slatarget_unique_metric"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.policy}: level {self.priority} {self.get_metric_display()} {self.minutes} min"
        )


class SlaClock(models.Model):
    """One metric's clock on one ticket. `next_check_at` is what the periodic tick sweeps."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    metric = models.CharField(max_length=20, choices=Metric.choices)
    policy = models.ForeignKey(SlaPolicy, null=True, on_delete=models.SET_NULL, related_name="+")
    calendar = models.ForeignKey(Calendar, null=True, on_delete=models.SET_NULL, related_name="+")
    target_seconds = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    elapsed_seconds = models.FloatField(default=0, help_text="Business time used before the run.")
    running_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    warnings_fired = models.JSONField(default=list, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric"], name="slaclock_ticket_metric")
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="slaclock_next_check_idx",
                condition=Q(next_check_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} on #{self.ticket_id}"

    @property
    def paused(self) -> bool:
        return self.stopped_at is None and self.running_since is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "due_at": self.due_at,
            "paused": self.paused,
            "stopped_at": self.stopped_at,
            "breached_at": self.breached_at,
        }


class SubjectClock(models.Model):
    """A clock that belongs to something a ticket carries (an RMA: "rma:12") rather than to the
    ticket's own service level. It counts on a calendar like a ticket's clocks, the same sweep
    fires its warnings and breach, and they are written as events on `ticket`."""

    subject = models.CharField(max_length=64, help_text='What the clock times, as "kind:id".')
    metric = models.CharField(max_length=40)
    label = models.CharField(max_length=100)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="subject_clocks")
    calendar = models.ForeignKey(Calendar, null=True, on_delete=models.SET_NULL, related_name="+")
    target_seconds = models.PositiveIntegerField()
    warn_at = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    elapsed_seconds = models.FloatField(default=0)
    running_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    warnings_fired = models.JSONField(default=list, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "metric"], name="subjectclock_unique")
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="subjectclock_next_check_idx",
                condition=Q(next_check_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} on {self.subject}"
