"""Every mail received, kept as received (the raw message), with what became of it."""

from __future__ import annotations

from django.db import models

from caredesk.core.phi import BlindIndexField, EncryptedCharField


class MailStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    CREATED = "created", "Opened a ticket"
    APPENDED = "appended", "Added to a ticket"
    DUPLICATE = "duplicate", "Duplicate"
    IGNORED = "ignored", "Ignored (automatic mail)"
    QUARANTINED = "quarantined", "Quarantined"


class InboundMail(models.Model):
    """A received message. The raw bytes are stored before anything is parsed, so nothing
    received is ever lost; a message that cannot be handled waits in quarantine."""

    raw = models.BinaryField(help_text="The message exactly as received (RFC 5322).")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=200, default="pipe", help_text="pipe, file or imap:…")
    message_id = models.CharField(max_length=500, blank=True, default="", db_index=True)
    sender = models.CharField(max_length=320, blank=True, default="")
    subject = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=MailStatus.choices, default=MailStatus.RECEIVED, db_index=True
    )
    reason = models.CharField(max_length=500, blank=True, default="")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]
        verbose_name = "received mail"
        verbose_name_plural = "received mail"

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} from {self.sender or '?'} ({self.status})"


class VideoFailure(models.Model):
    """A failure report from a telehealth platform: which ticket holds a video session's problem.

    A session reported again while its ticket is open adds to that ticket, not a second one.
    """

    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The session (encounter) ID is health information: encrypted, found by its blind index.
    session_id = EncryptedCharField(max_length=64)
    session_id_index = BlindIndexField(source="session_id")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    reports = models.PositiveIntegerField(default=1)
    first_reported_at = models.DateTimeField()
    last_reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organization", "session_id_index"], name="video_session_idx")
        ]

    def __str__(self) -> str:
        return f"video session → ticket {self.ticket_id}"
