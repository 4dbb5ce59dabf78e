"""Writes for complaint files: open (once per ticket), change, decide reportability. Each write
is one transaction that saves the file, appends its version and its audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from caredesk.accounts.models import User
from caredesk.complaints import selectors
from caredesk.complaints.models import (
    Complaint,
    ComplaintCode,
    ComplaintStatus,
    ComplaintVersion,
    PatientOutcome,
    Reportability,
)
from caredesk.complaints.pure import codes_clean, mdr_due
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.tickets.models import Ticket

DECIDE = "complaints.decide_reportability"

# what an edit may change (the decision has its own service and permission)
EDITABLE = (
    "aware_on",
    "complainant_name",
    "complainant_contact",
    "device_model",
    "device_serial",
    "device_lot",
    "device_udi",
    "summary",
    "details",
    "patient_outcome",
    "failure_mode",
    "imdrf_codes",
    "investigation",
    "no_investigation_reason",
    "corrective_action",
    "mdr_submitted_on",
    "status",
)
DECISION = ("reportability", "reportability_rationale", "remedial_action")
PHI = ("complainant_name", "complainant_contact")
_LIMITS = {
    "complainant_name": 200,
    "complainant_contact": 300,
    "device_model": 120,
    "device_serial": 64,
    "device_lot": 64,
    "device_udi": 120,
    "summary": 300,
    "failure_mode": 100,
}


def snapshot(complaint: Complaint) -> dict[str, Any]:
    """The whole file as JSON, the complainant's details left out (kept encrypted beside it)."""
    out: dict[str, Any] = {}
    for field in (*EDITABLE, *DECISION, "decided_at", "mdr_due_on", "closed_at"):
        if field in PHI:
            continue
        value = getattr(complaint, field)
        out[field] = value.isoformat() if hasattr(value, "isoformat") else value
    out["decided_by"] = complaint.decided_by_id
    out["ticket"] = complaint.ticket_id
    return out


def _version(complaint: Complaint, actor: User | None, note: str, changed: list[str]) -> None:
    ComplaintVersion.objects.create(
        complaint=complaint,
        number=complaint.version,
        at=complaint.updated_at,
        actor=actor,
        note=note,
        changed=changed,
        snapshot=snapshot(complaint),
        complainant_name=complaint.complainant_name,
        complainant_contact=complaint.complainant_contact,
    )


def _codes_index(complaint: Complaint) -> None:
    """Keep the trend index (derived data, not evidence) equal to the current codes."""
    ComplaintCode.objects.filter(complaint=complaint).delete()
    ComplaintCode.objects.bulk_create(
        [
            ComplaintCode(complaint=complaint, code=c, aware_on=complaint.aware_on)
            for c in complaint.imdrf_codes
        ]
    )


def _audit(
    action: str,
    complaint: Complaint,
    fields: list[str],
    request: HttpRequest | None,
    actor: User | None,
) -> None:
    record(
        action=action,
        actor=actor,
        request=request,
        object_type="complaint",
        object_id=complaint.pk,
        ticket_id=complaint.ticket_id,
        organization_id=complaint.ticket.organization_id,
        fields=fields,
    )


def _from_ticket(ticket: Ticket) -> dict[str, Any]:
    requester = ticket.requester
    first = ticket.messages.order_by("created_at", "id").only("body_text").first()
    tz = selectors.work_calendar().zone
    return {
        "aware_on": ticket.created_at.astimezone(tz).date(),
        "complainant_name": requester.name,
        "complainant_contact": requester.email or requester.phone or "",
        "device_serial": ticket.device_serial,
        "summary": ticket.subject[:300],
        "details": first.body_text if first else "",
        "imdrf_codes": list(ticket.safety_codes),  # what the safety screen coded, to refine
    }


def complaint_open(
    *, ticket: Ticket, actor: User | None, request: HttpRequest | None = None
) -> tuple[Complaint, bool]:
    """The ticket's complaint file, opened now from what the ticket says if it has none
    (True) or the one it has (False). Safe to call twice, concurrently too."""
    found = Complaint.objects.filter(ticket=ticket).first()
    if found is not None:
        return found, False
    now = clock.now()
    try:
        with transaction.atomic():
            complaint = Complaint(
                ticket=ticket,
                opened_by=actor,
                opened_at=now,
                updated_at=now,
                **_from_ticket(ticket),
            )
            complaint.mdr_due_on = _due(complaint)
            complaint.save()
            _version(complaint, actor, "Complaint file opened from the ticket.", ["opened"])
            _audit(AuditAction.COMPLAINT_CHANGED, complaint, ["opened"], request, actor)
    except IntegrityError:  # another request opened it first
        return Complaint.objects.get(ticket=ticket), False
    return complaint, True


def _text(field: str, value: Any, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    limit = _LIMITS.get(field)
    if limit and len(text) > limit:
        errors[field] = [f"At most {limit} characters."]
    return text


def _clean(field: str, value: Any, errors: dict[str, list[str]]) -> Any:
    if field == "imdrf_codes":
        raw = value if isinstance(value, list | tuple) else []
        good, bad = codes_clean(str(v) for v in raw)
        if bad:
            errors[field] = [f"Not IMDRF codes (a letter A-G and 2-6 digits): {', '.join(bad)}."]
        return good
    if field == "patient_outcome":
        if value not in PatientOutcome.values:
            errors[field] = ["Choose a patient outcome from the list."]
        return value
    if field == "status":
        if value not in ComplaintStatus.values:
            errors[field] = ["Choose open or closed."]
        return value
    if field in ("aware_on", "mdr_submitted_on"):
        if value is not None and not isinstance(value, date):
            errors[field] = ["Give a date (YYYY-MM-DD)."]
        elif value is not None and value > selectors.today():
            errors[field] = ["This date cannot be in the future."]
        return value
    return _text(field, value, errors)


def _check_file(complaint: Complaint, errors: dict[str, list[str]]) -> None:
    if not complaint.summary:
        errors["summary"] = ["Say in one line what the complaint is about."]
    if complaint.aware_on is None:
        errors["aware_on"] = ["Give the date the complaint was received."]
    if complaint.status == ComplaintStatus.CLOSED:
        if not (complaint.investigation or complaint.no_investigation_reason):
            errors["investigation"] = [
                "A file closes with its investigation, or the reason none was needed."
            ]
        if complaint.reportability == Reportability.UNDECIDED:
            errors["status"] = ["Record the reportability decision before closing the file."]
        if complaint.reportable and complaint.mdr_submitted_on is None:
            errors["mdr_submitted_on"] = ["A reportable complaint closes once its report is sent."]


def _due(complaint: Complaint) -> date | None:
    if complaint.reportability == Reportability.NOT_REPORTABLE:
        return None
    calendar = selectors.work_calendar()
    return mdr_due(
        complaint.aware_on,
        five_day=complaint.remedial_action,
        is_work_day=selectors.is_work_day(calendar),
    )


def _save(
    complaint: Complaint,
    changed: list[str],
    note: str,
    actor: User | None,
    request: HttpRequest | None,
) -> Complaint:
    complaint.mdr_due_on = _due(complaint)
    complaint.version += 1
    complaint.updated_at = clock.now()
    if complaint.status == ComplaintStatus.CLOSED and complaint.closed_at is None:
        complaint.closed_at = complaint.updated_at
    elif complaint.status == ComplaintStatus.OPEN:
        complaint.closed_at = None
    complaint.save()
    _version(complaint, actor, note, changed)
    if "imdrf_codes" in changed or "aware_on" in changed:
        _codes_index(complaint)
    _audit(AuditAction.COMPLAINT_CHANGED, complaint, changed, request, actor)
    return complaint


def _note(note: str) -> str:
    text = note.strip()
    if len(text) < 5:
        raise ValidationFailed(
            "Say why the file changes.", errors={"note": ["Write a change note (why this change)."]}
        )
    return text


@transaction.atomic
def complaint_update(
    *,
    complaint: Complaint,
    changes: Mapping[str, Any],
    note: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Complaint:
    """Change the file's fields; writes a new version with the note. Nothing changed: no version."""
    text = _note(note)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed(
            "These fields cannot be changed here.", errors={f: ["Not editable."] for f in unknown}
        )
    locked = Complaint.objects.select_for_update().select_related("ticket").get(pk=complaint.pk)
    errors: dict[str, list[str]] = {}
    changed = []
    for field, raw in changes.items():
        value = _clean(field, raw, errors)
        if value != getattr(locked, field):
            setattr(locked, field, value)
            changed.append(field)
    _check_file(locked, errors)
    if errors:
        raise ValidationFailed("The complaint file was not changed.", errors=errors)
    if not changed:
        return locked
    return _save(locked, sorted(changed), text, actor, request)


@dataclass(frozen=True)
class Decision:
    reportability: str
    rationale: str
    remedial_action: bool = False


@transaction.atomic
def complaint_decide(
    *,
    complaint: Complaint,
    decision: Decision,
    actor: User,
    request: HttpRequest | None = None,
) -> Complaint:
    """Record the MDR reportability decision, who took it and when; sets the report's due date."""
    if not actor.has_perm(DECIDE):
        raise PermissionDenied("Only clinical and quality staff decide reportability.")
    errors: dict[str, list[str]] = {}
    if (
        decision.reportability not in Reportability.values
        or decision.reportability == Reportability.UNDECIDED
    ):
        errors["reportability"] = [
            "Choose reportable (death, serious injury, malfunction) or not reportable."
        ]
    rationale = decision.rationale.strip()
    if len(rationale) < 10:
        errors["rationale"] = ["Give the rationale for the decision (the regulation's grounds)."]
    if decision.remedial_action and decision.reportability == Reportability.NOT_REPORTABLE:
        errors["remedial_action"] = ["A 5-day report is for reportable events only."]
    if errors:
        raise ValidationFailed("The decision was not recorded.", errors=errors)
    locked = Complaint.objects.select_for_update().select_related("ticket").get(pk=complaint.pk)
    locked.reportability = decision.reportability
    locked.reportability_rationale = rationale
    locked.remedial_action = decision.remedial_action
    locked.decided_by = actor
    locked.decided_at = clock.now()
    note = f"Reportability: {locked.get_reportability_display()}."
    return _save(locked, list(DECISION), note, actor, request)
