"""The reports' own tables, written only by `reports/rollup.py` (and `KpiTarget` by the admin).

- `Rollup`: additive counters per day and (team, agent, channel, category, organization,
  level); 0 (or "") stands for none, so the key is unique without NULLs.
- `Contribution`: one row per ticket and counted figure, so a number opens on its tickets.
- `TicketFacts`: what the replay remembers about each ticket between two of its events.
- `Cursor`: how far the replay has read the ticket events, and the ids it has not seen yet.
Dashboards read the rollups, never the ticket table.
"""

from __future__ import annotations

from django.db import models

from caredesk.reports.fold import DIMENSIONS, METRICS


class Counters(models.Model):
    """The additive counters of a day's figures (`fold.METRICS`)."""

    created = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    fcr = models.IntegerField(default=0)
    merged = models.IntegerField(default=0)
    open_delta = models.IntegerField(default=0)
    first_responses = models.IntegerField(default=0)
    first_response_seconds = models.BigIntegerField(default=0)
    resolution_seconds = models.BigIntegerField(default=0)
    solved_in_sla = models.IntegerField(default=0)
    breaches = models.IntegerField(default=0)
    escalations = models.IntegerField(default=0)
    agent_replies = models.IntegerField(default=0)
    customer_messages = models.IntegerField(default=0)
    safety_flagged = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Dimensions(models.Model):
    """What a figure is grouped by (`fold.DIMENSIONS`); 0 (or "") stands for none."""

    team = models.BigIntegerField(default=0)
    agent = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=16, blank=True, default="")
    category = models.BigIntegerField(default=0)
    organization = models.BigIntegerField(default=0)
    level = models.SmallIntegerField(default=0)

    class Meta:
        abstract = True


class Rollup(Counters, Dimensions):
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "agent", "channel", "category", "organization", "level"],
                name="rollup_key_uniq",
            )
        ]
        indexes = [
            models.Index(fields=["agent", "day"], name="rollup_agent_idx"),
            models.Index(fields=["organization", "day"], name="rollup_org_idx"),
            models.Index(fields=["team", "day"], name="rollup_team_idx"),
        ]
        permissions = [
            ("view_own_reports", "See one's own figures"),
            ("view_all_reports", "See the whole desk's figures and reports"),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team} agent {self.agent}"


class DimRollup(Counters):
    """The same counters per day and one dimension's value: `dim` "all" (the whole desk, value
    ""), or "team", "agent", "channel", "category", "organization" or "level" with the value as
    text. A dashboard with no filter, or one filter, reads these few rows a day instead of every
    combination of the six dimensions."""

    day = models.DateField()
    dim = models.CharField(max_length=16)
    value = models.CharField(max_length=24, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dim", "value", "day"], name="dimrollup_key_uniq")
        ]
        indexes = [models.Index(fields=["dim", "day"], name="dimrollup_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.dim}={self.value}"


assert all(hasattr(Counters, m) for m in METRICS)
assert all(hasattr(Dimensions, d) for d in DIMENSIONS)


class Contribution(Dimensions):
    ticket_id = models.BigIntegerField()
    metric = models.CharField(max_length=24)
    day = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["metric", "day", "ticket_id"], name="contribution_metric_idx"),
            models.Index(fields=["ticket_id", "metric"], name="contribution_ticket_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} #{self.ticket_id} {self.day}"


class TicketFacts(Dimensions):
    ticket_id = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField()
    task = models.BooleanField(default=False)
    is_open = models.BooleanField(default=True)
    merged = models.BooleanField(default=False)
    responded = models.BooleanField(default=False)
    agent_replies = models.IntegerField(default=0)
    solves = models.IntegerField(default=0)
    breached = models.BooleanField(default=False)
    flagged = models.BooleanField(default=False)
    fcr_at = models.DateTimeField(null=True, blank=True)
    fcr_dims = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"facts of #{self.ticket_id}"


class Cursor(models.Model):
    """One row (pk 1): the last event id read and the lower ids not yet seen (a transaction
    still open when a higher id committed), each with when it was first missed."""

    last_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"events read up to {self.last_id}"


class KpiTarget(models.Model):
    """A target changed from the reference documents' default (`reports/pure.py`)."""

    kpi = models.CharField(max_length=24, unique=True)
    met = models.FloatField(help_text="The target.")
    at_risk = models.FloatField(help_text="Beyond this the target is missed.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "KPI target"

    def __str__(self) -> str:
        return self.kpi


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly (Monday, the week before)"
    MONTHLY = "monthly", "Monthly (the 1st, the month before)"
    QUARTERLY = "quarterly", "Quarterly business review (the quarter before)"


class ReportSchedule(models.Model):
    """A report mailed on a cadence to people a lead chose: the whole desk's figures, or one
    organization's (its quarterly business review pack)."""

    name = models.CharField(max_length=120)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipients = models.ManyToManyField("accounts.User", related_name="+")
    pdf = models.BooleanField("PDF", default=True)
    csv = models.BooleanField("CSV", default=True)
    xlsx = models.BooleanField("Excel (XLSX)", default=False)
    active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        permissions = [("manage_reportschedule", "Schedule reports by mail")]

    def __str__(self) -> str:
        return self.name


class ReportSent(models.Model):
    """One report mailed: its period, who got it and who was left out (no longer allowed)."""

    schedule = models.ForeignKey(
        ReportSchedule, null=True, on_delete=models.SET_NULL, related_name="sent"
    )
    name = models.CharField(max_length=120)
    period_start = models.DateField()
    period_end = models.DateField()
    recipients = models.JSONField(default=list)  # user ids mailed
    left_out = models.JSONField(default=list)  # user ids no longer allowed to read it
    formats = models.CharField(max_length=40)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "period_start"], name="report_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period_start}"
