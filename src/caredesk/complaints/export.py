"""Complaint files for an auditor: CSV of a period's files, CSV of one file with its versions.
The complainant's columns are filled only for people who may see health information; every
export is written to the access audit (which files, which fields) before it leaves."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest

from caredesk.accounts.models import User
from caredesk.complaints.models import Complaint, ComplaintVersion
from caredesk.complaints.services import PHI
from caredesk.compliance.audit import Access, record_many
from caredesk.compliance.csvsafe import csv_lines
from caredesk.compliance.models import AuditAction
from caredesk.tickets.selectors import can_view_phi

HEADER = (
    "Complaint",
    "Ticket",
    "Status",
    "Date received",
    "Complainant",
    "Complainant contact",
    "Device model",
    "Serial",
    "Lot",
    "UDI",
    "Nature",
    "Details",
    "Patient outcome",
    "Failure mode",
    "IMDRF codes",
    "Investigation",
    "No investigation because",
    "Corrective action",
    "Reportability",
    "Rationale",
    "5-day report (remedial action)",
    "MDR report due",
    "MDR report sent",
    "Decided by",
    "Decided at (UTC)",
    "Opened at (UTC)",
    "Closed at (UTC)",
    "Version",
)
VERSION_HEADER = ("Version", "At (UTC)", "By", "Change note", "Fields changed", *HEADER)
FIELDS = ("summary", "details", "device", "outcome", "codes", "investigation", "decision")
WITHHELD = "[withheld]"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def row(c: Complaint, *, phi: bool) -> tuple[object, ...]:
    return (
        c.ref,
        c.ticket.ref,
        c.get_status_display(),
        _when(c.aware_on),
        c.complainant_name if phi else WITHHELD,
        c.complainant_contact if phi else WITHHELD,
        c.device_model,
        c.device_serial,
        c.device_lot,
        c.device_udi,
        c.summary,
        c.details,
        c.get_patient_outcome_display(),
        c.failure_mode,
        " ".join(c.imdrf_codes),
        c.investigation,
        c.no_investigation_reason,
        c.corrective_action,
        c.get_reportability_display(),
        c.reportability_rationale,
        "yes" if c.remedial_action else "no",
        _when(c.mdr_due_on),
        _when(c.mdr_submitted_on),
        c.decided_by.name if c.decided_by else "",
        _when(c.decided_at),
        _when(c.opened_at),
        _when(c.closed_at),
        c.version,
    )


def _loaded(field: str, value: Any) -> Any:
    if field in ("aware_on", "mdr_due_on", "mdr_submitted_on") and value:
        return date.fromisoformat(value)
    if field in ("decided_at", "closed_at") and value:
        return datetime.fromisoformat(value)
    return value


def _version_row(v: ComplaintVersion, current: Complaint, *, phi: bool) -> tuple[object, ...]:
    """A version as it was: its snapshot laid over the file's columns."""
    then = Complaint(ticket=current.ticket, pk=current.pk)
    for field, stored in v.snapshot.items():
        if field not in ("ticket", "decided_by"):
            setattr(then, field, _loaded(field, stored))
    then.complainant_name = v.complainant_name
    then.complainant_contact = v.complainant_contact
    then.decided_by = current.decided_by if v.snapshot.get("decided_by") else None
    then.opened_at = current.opened_at
    then.version = v.number
    changed = ", ".join(v.changed)
    by = v.actor.name if v.actor else "CareDesk (protocol)"
    return (v.number, _when(v.at), by, v.note, changed, *row(then, phi=phi))


def _audit(
    request: HttpRequest, user: User, complaints: Sequence[Complaint], reason: str, phi: bool
) -> None:
    fields = [*FIELDS, *(PHI if phi else ())]
    record_many(
        accesses=[
            Access(
                AuditAction.COMPLAINT_EXPORTED,
                "complaint",
                c.pk,
                c.ticket_id,
                c.ticket.organization_id,
                fields,
                reason,
            )
            for c in complaints
        ],
        actor=user,
        request=request,
    )


def period_lines(
    request: HttpRequest, user: User, complaints: list[Complaint], start: date, end: date
) -> Iterator[str]:
    phi = can_view_phi(user)
    _audit(request, user, complaints, f"complaint files received {start} to {end}", phi)
    return csv_lines(HEADER, (row(c, phi=phi) for c in complaints))


def versions_lines(
    request: HttpRequest, user: User, complaint: Complaint, versions: list[ComplaintVersion]
) -> Iterator[str]:
    phi = can_view_phi(user)
    _audit(request, user, [complaint], "one complaint file with its versions", phi)
    return csv_lines(VERSION_HEADER, (_version_row(v, complaint, phi=phi) for v in versions))


def filename(stem: str, *parts: Any) -> str:
    return "-".join([stem, *(str(p) for p in parts)]) + ".csv"
