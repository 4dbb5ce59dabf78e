"""Complaint files: what a device maker keeps about each complaint (21 CFR 820.198, ISO 13485
clause 8.2.2) and its Medical Device Reporting decision (21 CFR 803), with every change kept as
an append-only version."""

from __future__ import annotations

from typing import Any

from django.db import models

from caredesk.accounts.models import User
from caredesk.core.phi import EncryptedCharField
from caredesk.tickets.models import Ticket


class ComplaintStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class PatientOutcome(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    NONE = "none", "No harm"
    INJURY = "injury", "Injury"
    SERIOUS_INJURY = "serious_injury", "Serious injury"
    DEATH = "death", "Death"


class Reportability(models.TextChoices):
    UNDECIDED = "undecided", "Not decided yet"
    DEATH = "death", "Reportable: death"
    SERIOUS_INJURY = "serious_injury", "Reportable: serious injury"
    MALFUNCTION = "malfunction", "Reportable: malfunction likely to cause or contribute to one"
    NOT_REPORTABLE = "not_reportable", "Not reportable"


REPORTABLE = frozenset(
    {Reportability.DEATH, Reportability.SERIOUS_INJURY, Reportability.MALFUNCTION}
)


class Complaint(models.Model):
    """One complaint file, linked to the ticket it came from. Changed only by the services,
    each change writing a ComplaintVersion with the full snapshot."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="complaint")
    status = models.CharField(
        max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    aware_on = models.DateField(help_text="Date received: the day the maker became aware.")
    complainant_name = EncryptedCharField(max_length=200, blank=True, default="")
    complainant_contact = EncryptedCharField(max_length=300, blank=True, default="")
    device_model = models.CharField(max_length=120, blank=True, default="")
    device_serial = models.CharField(max_length=64, blank=True, default="")
    device_lot = models.CharField(max_length=64, blank=True, default="")
    device_udi = models.CharField(max_length=120, blank=True, default="", verbose_name="UDI")
    summary = models.CharField(max_length=300, help_text="Nature of the complaint, one line.")
    details = models.TextField(blank=True, default="")
    patient_outcome = models.CharField(
        max_length=16, choices=PatientOutcome.choices, default=PatientOutcome.UNKNOWN
    )
    failure_mode = models.CharField(max_length=100, blank=True, default="")
    imdrf_codes = models.JSONField(default=list, blank=True)
    investigation = models.TextField(blank=True, default="")
    no_investigation_reason = models.TextField(blank=True, default="")
    corrective_action = models.TextField(blank=True, default="")
    reportability = models.CharField(
        max_length=16, choices=Reportability.choices, default=Reportability.UNDECIDED
    )
    reportability_rationale = models.TextField(blank=True, default="")
    remedial_action = models.BooleanField(
        default=False,
        help_text="Remedial action is needed to prevent an unreasonable risk of substantial "
        "harm, or FDA asked for a 5-day report.",
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    mdr_due_on = models.DateField(null=True, blank=True)
    mdr_submitted_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    opened_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-aware_on", "-id"]
        default_permissions = ("view", "add", "change")
        permissions = [
            ("decide_reportability", "Can record a complaint's MDR reportability decision"),
            ("export_complaint", "Can export complaint files for an auditor"),
        ]
        indexes = [
            models.Index(fields=["status", "mdr_due_on"], name="complaint_due_idx"),
            models.Index(fields=["aware_on", "failure_mode"], name="complaint_trend_idx"),
            models.Index(fields=["reportability", "aware_on"], name="complaint_report_idx"),
            models.Index(fields=["closed_at"], name="complaint_closed_idx"),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def ref(self) -> str:
        return f"CF-{self.pk:06d}" if self.pk else "CF-new"

    @property
    def reportable(self) -> bool:
        return self.reportability in REPORTABLE


class VersionGuard(models.QuerySet["ComplaintVersion"]):
    """Versions are evidence: no bulk update or delete (retention removes whole complaints)."""

    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("complaint versions are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("complaint versions are append-only")


# Key rotation may re-save these (the same values under the new key); nothing else is updated.
VERSION_SEALED = ("complainant_name", "complainant_contact")


class ComplaintVersion(models.Model):
    """Append-only: who changed a complaint, when, why, what, and the file as it then was."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField()
    changed = models.JSONField(default=list, help_text="Names of the fields that changed.")
    snapshot = models.JSONField(default=dict, help_text="Every field but the complainant's.")
    complainant_name = EncryptedCharField(max_length=200, blank=True, default="")
    complainant_contact = EncryptedCharField(max_length=300, blank=True, default="")

    objects = VersionGuard.as_manager()

    class Meta:
        ordering = ["complaint", "number"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="complaint_version_uniq")
        ]

    def __str__(self) -> str:
        return f"version {self.number} of complaint {self.complaint_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= set(VERSION_SEALED):
                raise RuntimeError("complaint versions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("complaint versions are append-only")


class ComplaintCode(models.Model):
    """The IMDRF codes of each complaint's current version, one row each, for trends."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=8)
    aware_on = models.DateField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["aware_on", "code"], name="complaint_code_trend_idx")]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "code"], name="complaint_code_uniq")
        ]

    def __str__(self) -> str:
        return self.code
