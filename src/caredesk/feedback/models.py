"""Customer feedback: satisfaction surveys after a solved ticket (CSAT, 1-5) and the quarterly
recommendation survey of a sample of each organization's contacts (NPS, 0-10).

A survey row carries what the results group by (agent, team, category, channel, mailbox,
organization), copied from the ticket when the mail is sent, so results never read tickets."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from caredesk.accounts.models import Contact, Organization, Team, User
from caredesk.tickets.models import Mailbox, RequestType, Ticket

MAX_DELAY_HOURS = 72  # the reference: a survey within 3 days of closing


class Kind(models.TextChoices):
    CSAT = "csat", "Satisfaction (CSAT)"
    NPS = "nps", "Recommendation (NPS)"


class State(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"


class FeedbackSettings(models.Model):
    """One row (pk 1), installed by a data migration; administrators change it in the admin."""

    csat_enabled = models.BooleanField("Send satisfaction surveys", default=True)
    csat_delay_hours = models.PositiveSmallIntegerField(
        "Hours after solving",
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DELAY_HOURS)],
        help_text="When the survey is mailed after a ticket is solved (at most 72 hours).",
    )
    # empty: every channel / every request type
    csat_channels = models.CharField(
        "Only these channels", max_length=200, blank=True, default="",
        help_text="Comma-separated channels (portal, email, chat, phone, api, video); empty: all.",
    )  # fmt: skip
    csat_request_types = models.ManyToManyField(
        RequestType,
        blank=True,
        verbose_name="Only these request types",
        help_text="Empty: every request type (and tickets without one).",
    )
    link_days = models.PositiveSmallIntegerField(
        "Links valid for (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    change_days = models.PositiveSmallIntegerField(
        "Answer can be changed for (days)",
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text="After the first answer, the same links change it for this long.",
    )
    nps_enabled = models.BooleanField("Send the quarterly recommendation survey", default=True)
    nps_sample_size = models.PositiveSmallIntegerField(
        "Contacts per organization each quarter",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )

    class Meta:
        verbose_name = "feedback settings"
        verbose_name_plural = "feedback settings"

    def __str__(self) -> str:
        return "Feedback settings"

    def channels(self) -> frozenset[str]:
        return frozenset(c.strip() for c in self.csat_channels.split(",") if c.strip())


class Survey(models.Model):
    kind = models.CharField(max_length=4, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    # random, unguessable; the only thing a link names (with the score)
    token = models.CharField(max_length=32, unique=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    skip_reason = models.CharField(max_length=40, blank=True, default="")
    quarter = models.CharField(max_length=7, blank=True, default="")  # NPS: "2026-Q4"
    # what the results group by, as it was when the survey was sent
    agent = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        RequestType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=16, blank=True, default="")
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the answer (CSAT 1-5, satisfied at 4 or 5; NPS 0-10)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followed_up_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        permissions = [
            ("view_all_feedback", "See every agent's feedback"),
            ("follow_up_survey", "Open a follow-up from a feedback comment"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(kind="csat"), name="survey_one_csat_per_ticket"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="survey_due_idx"),
            models.Index(fields=["kind", "sent_at"], name="survey_period_idx"),
            models.Index(fields=["kind", "agent", "sent_at"], name="survey_agent_period_idx"),
            models.Index(fields=["kind", "contact", "sent_at"], name="survey_contact_idx"),
            models.Index(fields=["kind", "answered_at"], name="survey_answered_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} survey {self.pk}"


class BookingMark(models.Model):
    """How far the booking sweep has read the tickets' status changes (one row, pk 1)."""

    booked_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"Surveys booked until {self.booked_until:%Y-%m-%d %H:%M}"


class NpsRound(models.Model):
    """An organization's draw for a quarter: made once, so a sweep run twice draws once."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField(max_length=7)
    drawn_at = models.DateTimeField()
    drawn = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "quarter"], name="npsround_once"),
        ]

    def __str__(self) -> str:
        return f"NPS {self.quarter}, organization {self.organization_id}"


class OptOut(models.Model):
    """A contact who asked for no more surveys (from the link in any survey mail)."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Opt-out of contact {self.contact_id}"
