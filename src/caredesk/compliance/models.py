"""The access audit: an append-only, hash-chained record of who saw or changed what."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AuditImmutable(Exception):
    """Audit entries are never changed or deleted through the application."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutable("audit entries cannot be changed")

    def delete(self) -> NoReturn:
        raise AuditImmutable("audit entries cannot be deleted")


class AuditAction(models.TextChoices):
    TICKET_VIEWED = "ticket.viewed", "Ticket viewed"
    TICKET_READ_API = "ticket.read_api", "Ticket read through the API"
    TICKET_OPENED_FROM_SEARCH = "ticket.search_opened", "Ticket opened from search"
    TICKET_CREATED = "ticket.created", "Ticket opened"
    TICKET_CHANGED = "ticket.changed", "Ticket changed"
    TICKET_EXPORTED = "ticket.exported", "Tickets exported"
    ATTACHMENT_DOWNLOADED = "attachment.downloaded", "Attachment downloaded"
    PHI_UNMASKED = "phi.unmasked", "PHI shown (break the glass)"
    AUDIT_EXPORTED = "audit.exported", "Audit exported"
    AUDIT_VIEWED = "audit.viewed", "Audit searched"
    ACCOUNT_CHANGED = "account.changed", "Account changed"
    ACCOUNT_DEACTIVATED = "account.deactivated", "Account deactivated"
    ACCESS_REVIEWED = "access.reviewed", "Access review signed off"
    MFA_RESET = "mfa.reset", "Second factor reset"
    TOKEN_CREATED = "token.created", "API token created"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
    SIGNED_IN = "auth.signed_in", "Signed in"
    SIGNED_OUT = "auth.signed_out", "Signed out"
    RECORDS_PURGED = "retention.purged", "Records purged by retention"
    SUBJECT_VIEWED = "dsr.viewed", "Requester's personal data record opened"
    SUBJECT_EXPORTED = "dsr.exported", "Personal data exported"
    SUBJECT_ERASED = "dsr.erased", "Personal data erased"
    BREACH_RECORDED = "breach.recorded", "Data breach recorded"
    BREACH_TASK_DONE = "breach.task_done", "Breach notification marked done"
    HOLD_PLACED = "hold.placed", "Legal hold placed"
    HOLD_RELEASED = "hold.released", "Legal hold released"
    OUTBOX_REPLAYED = "outbox.replayed", "Given-up delivery replayed"
    AUDIT_RESTORED = "audit.restored", "Restored from a backup"
    COMPLAINT_VIEWED = "complaint.viewed", "Complaint file opened (complainant shown)"
    COMPLAINT_CHANGED = "complaint.changed", "Complaint file changed"
    COMPLAINT_EXPORTED = "complaint.exported", "Complaint files exported"
    REPORT_SENT = "report.sent", "Report mailed"


class AuditEntry(models.Model):
    """One access or change. `seq` numbers the chain without gaps; `hash` seals the entry.

    Names are not copied in: the actor is an account ID (resolved when shown) and the object
    is a type and ID, so erasing a person's data leaves the chain intact.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_role = models.CharField(max_length=60, blank=True, default="")
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    ticket_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True, default="")
    ip = models.CharField(max_length=45, blank=True, default="")
    user_agent = models.CharField(max_length=300, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        default_permissions = ("view",)
        permissions = [("export_auditentry", "Can export the access audit")]
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at_idx"),
            models.Index(fields=["organization_id", "at"], name="audit_org_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutable("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutable("audit entries cannot be deleted")


class ChainAnchor(models.Model):
    """Where the chain starts after retention purged its oldest entries (one row, or none)."""

    seq = models.BigIntegerField(help_text="The first entry still kept.")
    prev_hash = models.CharField(max_length=64, help_text="The hash of the last purged entry.")
    purged_at = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit kept from #{self.seq}"
