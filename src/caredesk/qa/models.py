"""Quality assurance: rubrics (versioned), the weekly sample, reviews, disputes, calibration.

Written only by `qa/services.py`; every change is a `QaEvent` (append-only).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from caredesk.accounts.models import User
from caredesk.tickets.models import Ticket


class RubricStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Rubric(models.Model):
    """One version of a rubric: a draft is edited; a published version never changes."""

    name = models.CharField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=12, choices=RubricStatus.choices, default=RubricStatus.DRAFT
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="qa_rubric_version_uniq"),
        ]
        permissions = [
            ("review_quality", "Can review agents' interactions"),
            ("lead_quality", "Can resolve QA disputes and run calibration sessions"),
            ("receive_review", "Can see their own QA reviews and dispute them"),
            ("view_qa_report", "Can read QA reports"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Section(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, default="")
    weight = models.PositiveIntegerField(default=0, help_text="Points out of the rubric's 100.")
    # not met: the whole review scores 0 and is flagged
    auto_fail = models.BooleanField(default=False)
    # counts toward script adherence (documented scripts, privacy scripts, escalation protocol)
    script = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class SampleReason(models.TextChoices):
    ESCALATION = "escalation", "Escalated"
    SAFETY = "safety", "Safety finding"
    RANDOM = "random", "Random draw"


class AgentWeek(models.Model):
    """What the sampler found for an agent in an ISO week (kept for the reports)."""

    agent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)  # ISO week, "2026-W49"
    interactions = models.PositiveIntegerField(default=0)
    sampled = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "agent"], name="qa_agentweek_uniq"),
        ]
        indexes = [models.Index(fields=["agent", "week"], name="qa_agentweek_agent_idx")]

    def __str__(self) -> str:
        return f"{self.week} agent {self.agent_id}"


class SampleItem(models.Model):
    """One interaction drawn for review: an agent's ticket in a week."""

    week = models.CharField(max_length=8)
    agent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=SampleReason.choices)
    reviewer = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["week", "agent_id", "ticket_id"]
        constraints = [
            models.UniqueConstraint(fields=["week", "agent", "ticket"], name="qa_sample_uniq"),
        ]
        indexes = [
            models.Index(fields=["reviewer", "reviewed", "id"], name="qa_sample_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.week} #{self.ticket_id}"


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Dispute resolved"


class CalibrationStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CalibrationSession(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewers = models.ManyToManyField(User, related_name="+")
    status = models.CharField(
        max_length=8, choices=CalibrationStatus.choices, default=CalibrationStatus.OPEN
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Calibration {self.pk}"


class Review(models.Model):
    """A reviewer's scores of an interaction with one rubric version."""

    sample = models.OneToOneField(
        SampleItem, null=True, blank=True, on_delete=models.CASCADE, related_name="review"
    )
    session = models.ForeignKey(
        CalibrationSession,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="reviews")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewer = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    week = models.CharField(max_length=8, blank=True, default="")
    score = models.DecimalField(max_digits=5, decimal_places=1)
    auto_failed = models.BooleanField(default=False)
    # None: the rubric asked nothing about scripts, or none applied
    adherence = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "reviewer"],
                name="qa_review_seat_uniq",
                condition=models.Q(session__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "submitted_at"], name="qa_review_agent_idx"),
            models.Index(fields=["week", "agent"], name="qa_review_week_idx"),
        ]

    def __str__(self) -> str:
        return f"Review of #{self.ticket_id}"


class Mark(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    MISSED = "missed", "Not met"
    NA = "na", "Not applicable"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    mark = models.CharField(max_length=8, choices=Mark.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="qa_score_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.mark}"


class DisputeOutcome(models.TextChoices):
    OPEN = "", "Open"
    UPHELD = "upheld", "Upheld (rescored)"
    KEPT = "kept", "Score kept"


class Dispute(models.Model):
    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="dispute")
    raised_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    outcome = models.CharField(max_length=8, choices=DisputeOutcome.choices, blank=True, default="")
    note = models.TextField(blank=True, default="")
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["outcome", "created_at"], name="qa_dispute_open_idx")]

    def __str__(self) -> str:
        return f"Dispute of review {self.review_id}"


class QaEventKind(models.TextChoices):
    SAMPLED = "sampled", "Sampled"
    REVIEWED = "reviewed", "Reviewed"
    DISPUTED = "disputed", "Disputed"
    DISPUTE_RESOLVED = "dispute_resolved", "Dispute resolved"
    RUBRIC_CHANGED = "rubric_changed", "Rubric changed"
    RUBRIC_PUBLISHED = "rubric_published", "Rubric published"
    CALIBRATION_OPENED = "calibration_opened", "Calibration opened"
    CALIBRATION_CLOSED = "calibration_closed", "Calibration closed"


class QaEvent(models.Model):
    """Append-only: who did what to the QA records, and when."""

    kind = models.CharField(max_length=20, choices=QaEventKind.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    review = models.ForeignKey(Review, null=True, on_delete=models.SET_NULL, related_name="+")
    rubric = models.ForeignKey(Rubric, null=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("QA events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("QA events are append-only")
