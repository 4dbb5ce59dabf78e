"""Governance records: access reviews, retention rules, legal holds, data-subject requests and
data-breach incidents with their notification tasks."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from caredesk.accounts.models import Contact, Organization, User
from caredesk.tickets.models import Ticket


class AccessReview(models.Model):
    """One sign-off of a staff account's roles, as they were at that moment."""

    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_reviews")
    reviewer = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    roles = models.JSONField(default=list, help_text="Role names at sign-off.")
    teams = models.JSONField(default=list, help_text="Team names at sign-off.")
    superuser = models.BooleanField(default=False)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["account", "signed_at"], name="review_account_idx")]
        permissions = [
            ("sign_accessreview", "Can sign off staff access reviews"),
            ("deactivate_staff", "Can deactivate staff accounts"),
        ]

    def __str__(self) -> str:
        return f"review of {self.account_id} at {self.signed_at:%Y-%m-%d}"


class RecordClass(models.TextChoices):
    CLOSED_TICKETS = "closed_tickets", "Solved and closed tickets (messages, attachments)"
    RECEIVED_MAIL = "received_mail", "Received mail (handled)"
    QUARANTINE = "quarantine", "Quarantined mail"
    CHAT_SESSIONS = "chat_sessions", "Chat sessions (transcript lines and uploads)"
    PHONE_CALLS = "phone_calls", "Phone call records (and recording links)"
    OUTBOX_MAIL = "outbox_mail", "Outgoing mail copies (sent or failed)"
    COMPLAINT_FILES = "complaint_files", "Closed complaint files (and their versions)"


class RetentionRule(models.Model):
    """How long one class of records is kept after it ends; the purge job removes the rest."""

    record_class = models.CharField(max_length=32, choices=RecordClass.choices, unique=True)
    keep_days = models.PositiveIntegerField(
        help_text="Days kept after the record ended (closed, handled, sent, hung up)."
    )
    active = models.BooleanField(default=True, help_text="Off: the purge job keeps everything.")

    class Meta:
        ordering = ["record_class"]

    def __str__(self) -> str:
        return f"{self.get_record_class_display()}: {self.keep_days} days"


class LegalHold(models.Model):
    """Keeps an organization's, a requester's or a ticket's records from purge and erasure."""

    # SET_NULL: a target is never deleted while held (purge and erasure skip it); once the
    # hold is released its records may go, and the hold keeps its label as history.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="requester",
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField(max_length=200, editable=False, help_text="What was held.")
    reason = models.TextField()
    placed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="legalhold_one_target",
                violation_error_message="A hold is on one organization, requester or ticket.",
                condition=(
                    (Q(organization__isnull=True) | Q(contact__isnull=True, ticket__isnull=True))
                    & (Q(contact__isnull=True) | Q(ticket__isnull=True))
                ),
            )
        ]

    def __str__(self) -> str:
        return f"hold on {self.target}"

    @property
    def active(self) -> bool:
        return self.released_at is None


class SubjectRequestKind(models.TextChoices):
    EXPORT = "export", "Export"
    ERASE = "erase", "Erasure"


class SubjectRequest(models.Model):
    """A data-subject request that was carried out: who asked for what about whom, and when."""

    contact = models.ForeignKey(
        Contact, null=True, on_delete=models.SET_NULL, related_name="subject_requests"
    )
    kind = models.CharField(max_length=10, choices=SubjectRequestKind.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    counts = models.JSONField(default=dict, help_text="What was exported or erased, counted.")
    reason = models.TextField(blank=True, default="", help_text="Why (an export's is required).")

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        permissions = [
            ("export_subject", "Can export a requester's personal data"),
            ("erase_subject", "Can erase a requester's personal data"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for requester #{self.contact_id}"


class BreachStatus(models.TextChoices):
    OPEN = "open", "Open: notifications running"
    CLOSED = "closed", "Closed"


class Breach(models.Model):
    """A data-breach incident; recording it starts the notification clocks (its tasks)."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    discovered_at = models.DateTimeField(help_text="When the breach became known.")
    people_affected = models.PositiveIntegerField()
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=BreachStatus.choices, default="open")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-discovered_at", "-id"]
        verbose_name = "data breach"

    def __str__(self) -> str:
        return self.title


class BreachTaskKind(models.TextChoices):
    GDPR_AUTHORITY = "gdpr_authority", "Notify the supervisory authority (GDPR)"
    HIPAA_INDIVIDUALS = "hipaa_individuals", "Notify the affected individuals (HIPAA)"
    HIPAA_HHS = "hipaa_hhs", "Notify HHS (HIPAA)"
    HIPAA_MEDIA = "hipaa_media", "Notify prominent media (HIPAA)"


class BreachTask(models.Model):
    """One notification a breach requires, due by a deadline, with its letter draft."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=20, choices=BreachTaskKind.choices)
    due_at = models.DateTimeField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "kind"], name="breachtask_kind_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.due_at:%Y-%m-%d %H:%M}"
