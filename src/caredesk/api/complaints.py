"""Complaint files: list, open from a ticket, read, change (a new version each time), decide
reportability, versions, the auditor's CSV exports and the trends."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from caredesk.accounts.models import User
from caredesk.accounts.scopes import COMPLAINTS
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Clean, Id, Short, Strict
from caredesk.complaints import export, selectors
from caredesk.complaints.access import complainant_shown
from caredesk.complaints.models import Complaint, ComplaintVersion
from caredesk.complaints.services import (
    PHI,
    Decision,
    complaint_decide,
    complaint_open,
    complaint_update,
)
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.tickets.selectors import phi_shown, ticket_get

router = Router(tags=["complaints"])

VIEW, CHANGE, ADD = (
    "complaints.view_complaint",
    "complaints.change_complaint",
    "complaints.add_complaint",
)
EXPORT = "complaints.export_complaint"
MASK = "••••••"
LooseDate = Annotated[date, Field(strict=False)]
Long = Annotated[str, StringConstraints(max_length=20_000)]
OutcomeName = Literal["unknown", "none", "injury", "serious_injury", "death"]
DecisionName = Literal["death", "serious_injury", "malfunction", "not_reportable"]


def csv_documented(*codes: int) -> dict[str, Any]:
    """OpenAPI responses of a CSV download and the problems it can answer with."""
    csv = {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
    return {"responses": {200: csv, **documented(*codes)["responses"]}}


def _user(request: HttpRequest, perm: str) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not give access to complaint files.")
    return user


class ClockOut(Schema):
    due_on: date
    days_left: int
    overdue: bool
    due_soon: bool


class ComplaintOut(Schema):
    id: int
    ref: str
    ticket: str
    status: str
    aware_on: date
    complainant_name: str
    complainant_contact: str
    device_model: str
    device_serial: str
    device_lot: str
    device_udi: str
    summary: str
    details: str
    patient_outcome: str
    failure_mode: str
    imdrf_codes: list[str]
    investigation: str
    no_investigation_reason: str
    corrective_action: str
    reportability: str
    reportability_rationale: str
    remedial_action: bool
    decided_by: int | None
    decided_at: datetime | None
    mdr_due_on: date | None
    mdr_submitted_on: date | None
    mdr_clock: ClockOut | None
    version: int
    opened_at: datetime
    closed_at: datetime | None


def _out(c: Complaint, *, phi: bool, on: date) -> dict[str, Any]:
    out = {f: getattr(c, f) for f in ComplaintOut.model_fields if hasattr(c, f)}
    out.update(
        ticket=c.ticket.ref, decided_by=c.decided_by_id, mdr_clock=selectors.mdr_clock(c, on)
    )
    if not phi:
        out.update({f: MASK if getattr(c, f) else "" for f in PHI})
    return out


def _shown(request: HttpRequest, user: User, c: Complaint) -> bool:
    return complainant_shown(request=request, user=user, complaint=c)


def _get(user: User, pk: int) -> Complaint:
    found = selectors.complaint_get(user, pk)
    if found is None:
        raise NotFound("No such complaint file.")
    return found


class ComplaintQuery(Clean):
    status: Literal["open", "closed", "all"] = "open"
    reportable: bool = False
    due: Literal["soon", "overdue", ""] = ""
    q: Short = ""
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class ComplaintListOut(Schema):
    items: list[ComplaintOut]


@router.get(
    "/complaints",
    auth=needs_scope(COMPLAINTS),
    response=ComplaintListOut,
    summary="List complaint files",
    description="Open files by default, nearest MDR due date first. The complainant's details "
    "are masked for people without access to health information.",
    openapi_extra=documented(401, 403, 422),
)
def complaint_list(request: HttpRequest, filters: Query[ComplaintQuery]) -> dict[str, Any]:
    user = _user(request, VIEW)
    on = selectors.today()
    f = selectors.Filters(
        status="" if filters.status == "all" else filters.status,
        reportable=filters.reportable,
        due=filters.due,
        q=filters.q,
    )
    rows = list(selectors.complaint_list(user, f, on=on)[: filters.limit])
    # a list shows the complainant masked: open one file to read it (and be audited for it)
    return {"items": [_out(c, phi=False, on=on) for c in rows]}


class ComplaintOpenIn(Strict):
    ticket: Id


@router.post(
    "/complaints",
    auth=needs_scope(COMPLAINTS),
    response={200: ComplaintOut, 201: ComplaintOut},
    summary="Open a ticket's complaint file",
    description="201 with the new file, or 200 with the one the ticket already has.",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def complaint_create(request: HttpRequest, payload: ComplaintOpenIn) -> Status[dict[str, Any]]:
    user = _user(request, ADD)
    ticket = ticket_get(user=user, pk=payload.ticket)
    complaint, created = complaint_open(ticket=ticket, actor=user, request=request)
    complaint = _get(user, complaint.pk)
    body = _out(complaint, phi=_shown(request, user, complaint), on=selectors.today())
    return Status(201 if created else 200, body)


@router.get(
    "/complaints/export.csv",
    auth=needs_scope(COMPLAINTS),
    response={200: None},
    summary="Export the complaint files received in a period (CSV)",
    openapi_extra=csv_documented(401, 403, 422),
)
def complaint_export(
    request: HttpRequest, start: LooseDate, end: LooseDate
) -> StreamingHttpResponse:
    user = _user(request, EXPORT)
    if end < start:
        raise ValidationFailed(
            "The period ends before it starts.", errors={"end": ["After the start."]}
        )
    rows = list(
        selectors.in_period(user, start, end)
        .select_related("ticket", "decided_by")
        .order_by("aware_on", "id")
    )
    response = StreamingHttpResponse(
        export.period_lines(request, user, rows, start, end), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{export.filename("complaints", start, end)}"'
    )
    return response


class SeriesOut(Schema):
    key: str
    counts: list[int]
    total: int


class TrendsOut(Schema):
    start: date
    end: date
    by: str
    buckets: list[date]
    failure_modes: list[SeriesOut]
    imdrf_codes: list[SeriesOut]
    total: int


@router.get(
    "/complaints/trends",
    auth=needs_scope(COMPLAINTS),
    response=TrendsOut,
    summary="Complaints per week or month by failure mode and by IMDRF code",
    openapi_extra=documented(401, 403, 422),
)
def complaint_trends(
    request: HttpRequest, start: LooseDate, end: LooseDate, by: Literal["week", "month"] = "week"
) -> dict[str, Any]:
    user = _user(request, VIEW)
    if end < start or (end - start).days > 3 * 366:
        raise ValidationFailed(
            "Choose a period of at most three years.", errors={"end": ["Check the period."]}
        )
    t = selectors.trends(user, start=start, end=end, by=by)
    return {
        "start": t.start,
        "end": t.end,
        "by": t.by,
        "buckets": t.buckets,
        "failure_modes": [asdict(s) for s in t.failure_modes],
        "imdrf_codes": [asdict(s) for s in t.codes],
        "total": t.total,
    }


@router.get(
    "/complaints/{complaint_id}",
    auth=needs_scope(COMPLAINTS),
    response=ComplaintOut,
    summary="Get a complaint file",
    openapi_extra=documented(401, 403, 404, 422),
)
def complaint_get(request: HttpRequest, complaint_id: Id) -> dict[str, Any]:
    user = _user(request, VIEW)
    c = _get(user, complaint_id)
    return _out(c, phi=_shown(request, user, c), on=selectors.today())


class ComplaintPatchIn(Strict):
    note: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    aware_on: LooseDate | None = None
    complainant_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    complainant_contact: Annotated[str, StringConstraints(max_length=300)] | None = None
    device_model: Annotated[str, StringConstraints(max_length=120)] | None = None
    device_serial: Annotated[str, StringConstraints(max_length=64)] | None = None
    device_lot: Annotated[str, StringConstraints(max_length=64)] | None = None
    device_udi: Annotated[str, StringConstraints(max_length=120)] | None = None
    summary: Short | None = None
    details: Long | None = None
    patient_outcome: OutcomeName | None = None
    failure_mode: Annotated[str, StringConstraints(max_length=100)] | None = None
    imdrf_codes: (
        Annotated[list[Annotated[str, StringConstraints(max_length=8)]], Field(max_length=40)]
        | None
    ) = None
    investigation: Long | None = None
    no_investigation_reason: Long | None = None
    corrective_action: Long | None = None
    mdr_submitted_on: LooseDate | None = None
    status: Literal["open", "closed"] | None = None


@router.patch(
    "/complaints/{complaint_id}",
    auth=needs_scope(COMPLAINTS),
    response=ComplaintOut,
    summary="Change a complaint file (writes a new version with the note)",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def complaint_patch(
    request: HttpRequest, complaint_id: Id, payload: ComplaintPatchIn
) -> dict[str, Any]:
    user = _user(request, CHANGE)
    c = _get(user, complaint_id)
    changes = payload.model_dump(exclude_unset=True)
    note = changes.pop("note")
    if not phi_shown(user, c.ticket) and any(f in changes for f in PHI):
        raise PermissionDenied("The complainant's details are health information you cannot see.")
    complaint_update(complaint=c, changes=changes, note=note, actor=user, request=request)
    c = _get(user, complaint_id)
    return _out(c, phi=_shown(request, user, c), on=selectors.today())


class DecisionIn(Strict):
    reportability: DecisionName
    rationale: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    remedial_action: bool = False


@router.post(
    "/complaints/{complaint_id}/decision",
    auth=needs_scope(COMPLAINTS),
    response=ComplaintOut,
    summary="Record the MDR reportability decision (sets the report's due date)",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def complaint_decision(
    request: HttpRequest, complaint_id: Id, payload: DecisionIn
) -> dict[str, Any]:
    user = _user(request, VIEW)
    c = _get(user, complaint_id)
    decision = Decision(payload.reportability, payload.rationale, payload.remedial_action)
    complaint_decide(complaint=c, decision=decision, actor=user, request=request)
    c = _get(user, complaint_id)
    return _out(c, phi=_shown(request, user, c), on=selectors.today())


class VersionOut(Schema):
    number: int
    at: datetime
    actor: int | None
    note: str
    changed: list[str]
    snapshot: dict[str, Any]


@router.get(
    "/complaints/{complaint_id}/versions",
    auth=needs_scope(COMPLAINTS),
    response=list[VersionOut],
    summary="A complaint file's versions, oldest first",
    description="Each version's snapshot holds every field but the complainant's details.",
    openapi_extra=documented(401, 403, 404, 422),
)
def complaint_versions(request: HttpRequest, complaint_id: Id) -> list[dict[str, Any]]:
    user = _user(request, VIEW)
    c = _get(user, complaint_id)
    return [_version(v) for v in selectors.versions_of(c)]


def _version(v: ComplaintVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "at": v.at,
        "actor": v.actor_id,
        "note": v.note,
        "changed": v.changed,
        "snapshot": v.snapshot,
    }


@router.get(
    "/complaints/{complaint_id}/export.csv",
    auth=needs_scope(COMPLAINTS),
    response={200: None},
    summary="Export one complaint file with its versions (CSV)",
    openapi_extra=csv_documented(401, 403, 404, 422),
)
def complaint_export_one(request: HttpRequest, complaint_id: Id) -> StreamingHttpResponse:
    user = _user(request, EXPORT)
    c = _get(user, complaint_id)
    lines = export.versions_lines(request, user, c, list(selectors.versions_of(c)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(c.ref, "versions")}"'
    return response
