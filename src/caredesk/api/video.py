"""The partner lane: telehealth platforms report failed video sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import BeforeValidator, EmailStr, Field, StringConstraints

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import Contact, Organization
from caredesk.accounts.scopes import TICKETS_WRITE, organization_limit
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Id, Strict, TicketOut
from caredesk.api.tickets import _ticket_json, _user
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.intake import video

router = Router(tags=["partners"])

PlatformId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:@/-]+$")
]
Text = Annotated[str, StringConstraints(max_length=100)]
# Timestamps are ISO 8601 strings in JSON; strict mode would refuse them as "not a datetime".
Instant = Annotated[datetime, Field(strict=False)]


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("Use a number.")
    return value


Measure = Annotated[float, BeforeValidator(_no_bool), Field(ge=0, le=10_000_000, strict=False)]
Share = Annotated[float, BeforeValidator(_no_bool), Field(ge=0, le=100, strict=False)]


class ClinicianIn(Strict):
    id: PlatformId
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    email: EmailStr | None = None


class NetworkIn(Strict):
    kind: Literal["wifi", "cellular", "ethernet", "other", ""] = ""
    rtt_ms: Measure | None = None
    jitter_ms: Measure | None = None
    packet_loss_pct: Share | None = None
    downlink_kbps: Measure | None = None
    uplink_kbps: Measure | None = None


class TraceEventIn(Strict):
    at: Instant
    event: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    detail: Annotated[str, StringConstraints(max_length=500)] = ""


class VideoFailureIn(Strict):
    session_id: PlatformId
    impact: Literal["visit_lost", "visit_degraded", "before_visit"]
    occurred_at: Instant | None = None
    reported_by: Literal["clinician", "patient", "platform"] = "platform"
    clinician: ClinicianIn | None = None
    patient_id: PlatformId | None = None
    error_code: Text = ""
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    device: Text = ""
    os: Text = ""
    browser: Text = ""
    network: NetworkIn = NetworkIn()
    trace: Annotated[list[TraceEventIn], Field(max_length=1000)] = []
    organization_id: Id | None = Field(
        default=None, description="Agents reporting for a client; partners never set it."
    )


class VideoFailureOut(Schema):
    result: Literal["created", "appended"]
    ticket: TicketOut


def _organization(request: HttpRequest, payload: VideoFailureIn) -> Organization | None:
    user = _user(request)
    if works_tickets(user):
        if payload.organization_id is None:
            return None
        organization = Organization.objects.filter(pk=payload.organization_id).first()
        if organization is None:
            raise ValidationFailed(
                "A referenced record does not exist.", errors={"organization_id": ["Not found."]}
            )
        return organization
    contact: Contact | None = getattr(user, "contact", None)
    if contact is None or not contact.is_org_admin:
        raise PermissionDenied("Only partner integrations and agents report session failures.")
    if payload.organization_id not in (None, contact.organization_id):
        raise ValidationFailed(
            "Partners report for their own organization.",
            errors={"organization_id": ["Leave this out; your token names your organization."]},
        )
    organization = contact.organization
    return organization


def _within_token_organization(
    request: HttpRequest, organization: Organization | None
) -> Organization | None:
    """A token limited to an organization reports for that organization only."""
    limit = organization_limit(_user(request))
    if limit is None:
        return organization
    if organization is None:
        return Organization.objects.get(pk=limit)
    if organization.pk != limit:
        raise ValidationFailed(
            "This token is limited to another organization.",
            errors={"organization_id": [f"Leave this out or give {limit}."]},
        )
    return organization


def _report(payload: VideoFailureIn) -> video.VideoFailureReport:
    c = payload.clinician
    return video.VideoFailureReport(
        session_id=payload.session_id,
        impact=payload.impact,
        occurred_at=payload.occurred_at,
        reported_by=payload.reported_by,
        clinician=video.Clinician(id=c.id, name=c.name, email=c.email or "") if c else None,
        patient_id=payload.patient_id or "",
        error_code=payload.error_code,
        description=payload.description,
        device=payload.device,
        os=payload.os,
        browser=payload.browser,
        network=video.Network(**payload.network.model_dump()),
        trace=tuple(
            video.TraceEvent(at=e.at, event=e.event, detail=e.detail) for e in payload.trace
        ),
    )


@router.post(
    "/video-failures",
    auth=needs_scope(TICKETS_WRITE),
    response={200: VideoFailureOut, 201: VideoFailureOut},
    summary="Report a failed video session",
    description=(
        "Telehealth platforms report in-session failures with the session ID, the clinician's "
        "and patient's platform IDs (never names), device, OS, browser, network figures and a "
        "trace of session events. A lost visit opens a level 1 ticket, a degraded or unstarted "
        "one level 2, on the technical queue, with the trace attached as JSON (201). The same "
        "session reported again while its ticket is open is added to that ticket (200). "
        "Partner tokens (`caredesk token create --partner ORGANIZATION`) report for their own "
        "organization only."
    ),
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def video_failure_create(request: HttpRequest, payload: VideoFailureIn) -> Status[dict[str, Any]]:
    organization = _within_token_organization(request, _organization(request, payload))
    user = _user(request)
    reported = video.video_failure_report(
        report=_report(payload), organization=organization, actor=user
    )
    body = {
        "result": "created" if reported.created else "appended",
        "ticket": _ticket_json(reported.ticket.pk, user),
    }
    return Status(201 if reported.created else 200, body)
