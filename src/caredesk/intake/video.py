"""Video-session failures reported by telehealth platforms (the partner lane).

A report names the session, the clinician and patient by their platform IDs (never by name:
minimum necessary), and what the client saw: device, OS, browser, network figures and a trace
of session events. A lost visit is a missed consult, so it opens a level 1 ticket; a degraded or
not-yet-started visit opens level 2. Both go to the technical queue with the trace attached as
JSON. A session reported again while its ticket is open adds a message to that ticket.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from caredesk.accounts.models import Contact, ContactKind, Organization, Team
from caredesk.accounts.services import requester_create
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.core.phi import indexes_of
from caredesk.intake.models import VideoFailure
from caredesk.tickets.models import Channel, MessageKind, Priority, RequestType, Status, Ticket
from caredesk.tickets.services import (
    Body,
    NewTicket,
    Upload,
    message_add,
    ticket_update,
    tickets_open,
)
from caredesk.tickets.services.events import Actor

IMPACTS = {
    "visit_lost": ("The visit was lost", Priority.LEVEL1),
    "visit_degraded": ("The visit went on with poor audio or video", Priority.LEVEL2),
    "before_visit": ("The visit could not start", Priority.LEVEL2),
}


@dataclass(frozen=True)
class Network:
    kind: str = ""  # wifi, cellular, ethernet, other
    rtt_ms: float | None = None
    jitter_ms: float | None = None
    packet_loss_pct: float | None = None
    downlink_kbps: float | None = None
    uplink_kbps: float | None = None

    def summary(self) -> str:
        parts = [self.kind] if self.kind else []
        for value, unit in (
            (self.rtt_ms, "ms round trip"),
            (self.jitter_ms, "ms jitter"),
            (self.packet_loss_pct, "% loss"),
            (self.downlink_kbps, "kbit/s down"),
            (self.uplink_kbps, "kbit/s up"),
        ):
            if value is not None:
                parts.append(f"{value:g} {unit}")
        return ", ".join(parts)


@dataclass(frozen=True)
class TraceEvent:
    at: datetime
    event: str
    detail: str = ""


@dataclass(frozen=True)
class Clinician:
    id: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class VideoFailureReport:
    session_id: str
    impact: str
    occurred_at: datetime | None = None
    reported_by: str = "platform"  # clinician, patient, platform
    clinician: Clinician | None = None
    patient_id: str = ""
    error_code: str = ""
    description: str = ""
    device: str = ""
    os: str = ""
    browser: str = ""
    network: Network = field(default_factory=Network)
    trace: tuple[TraceEvent, ...] = ()


@dataclass(frozen=True)
class Reported:
    ticket: Ticket
    created: bool  # False: added to the open ticket of the same session


def video_failure_report(
    *, report: VideoFailureReport, organization: Organization | None, actor: Actor
) -> Reported:
    """Open a ticket for a failed session, or add the report to its open ticket."""
    if report.impact not in IMPACTS:
        raise ValidationFailed(
            "Unknown impact.", errors={"impact": [f"Use one of: {', '.join(IMPACTS)}."]}
        )
    now = clock.now()
    with transaction.atomic():
        known = (
            VideoFailure.objects.select_for_update()
            .select_related("ticket")
            .filter(
                organization=organization,
                session_id_index__in=indexes_of(VideoFailure, "session_id", report.session_id),
            )
            .order_by("-id")
            .first()
        )
        if known is not None and known.ticket.status != Status.CLOSED:
            message_add(
                ticket=known.ticket,
                kind=MessageKind.PUBLIC,
                body=Body(text=_describe(report, again=True)),
                actor=actor,
                uploads=_trace_upload(report),
            )
            VideoFailure.objects.filter(pk=known.pk).update(
                reports=known.reports + 1, last_reported_at=now
            )
            _raise_to(known.ticket, IMPACTS[report.impact][1], actor)
            known.ticket.refresh_from_db()
            return Reported(ticket=known.ticket, created=False)
        requester = _requester(report, organization, actor)
        (opened,) = tickets_open(items=[_new_ticket(report, requester, organization)], actor=actor)
        VideoFailure.objects.create(
            organization=organization,
            session_id=report.session_id,
            ticket=opened.ticket,
            first_reported_at=now,
            last_reported_at=now,
        )
        return Reported(ticket=opened.ticket, created=True)


def _raise_to(ticket: Ticket, priority: int, actor: Actor) -> None:
    """A later report that the visit was lost makes the ticket more urgent, never less."""
    if priority < ticket.priority:
        ticket_update(ticket=ticket, changes={"priority": priority}, actor=actor)


def _requester(
    report: VideoFailureReport, organization: Organization | None, actor: Actor
) -> Contact:
    """The clinician when the platform names one by e-mail, else the reporting account."""
    email = report.clinician.email.strip().lower() if report.clinician else ""
    if email:
        contact = Contact.objects.select_related("organization").filter(email=email).first()
        if contact is not None:
            if organization is not None and contact.organization_id != organization.pk:
                raise ValidationFailed(
                    "This clinician belongs to another organization.",
                    errors={"clinician.email": ["Not a contact of your organization."]},
                )
            return contact
        assert report.clinician is not None
        name = report.clinician.name or email.split("@", 1)[0]
        return requester_create(
            email=email, name=name[:200], organization=organization, kind=ContactKind.CLINICIAN
        )
    if isinstance(actor, Contact):
        return actor
    own = getattr(actor, "contact", None)
    if isinstance(own, Contact):
        return own
    raise ValidationFailed(
        "Say who saw the failure.",
        errors={"clinician.email": ["Give the clinician's e-mail address."]},
    )


def _new_ticket(
    report: VideoFailureReport, requester: Contact, organization: Organization | None
) -> NewTicket:
    what, priority = IMPACTS[report.impact]
    code = f" ({report.error_code})" if report.error_code else ""
    team = Team.objects.filter(slug=settings.CAREDESK_VIDEO_FAILURE_TEAM).first()
    category = RequestType.objects.filter(
        slug=settings.CAREDESK_VIDEO_FAILURE_CATEGORY, active=True
    ).first()
    structured = {
        "encounter_id": report.session_id,
        "patient_id": report.patient_id,
        "clinician_id": report.clinician.id if report.clinician else "",
        "os": report.os[:100],
        "browser": report.browser[:100],
        "network": report.network.summary()[:100],
    }
    return NewTicket(
        requester=requester,
        subject=f"Video session failure{code}: {what.lower()}"[:300],
        body=Body(text=_describe(report, again=False)),
        channel=Channel.VIDEO,
        priority=priority,
        category=category,
        team=team,
        tier=team.tier if team is not None and team.tier else 1,
        organization=organization or requester.organization,
        tags=("video-session",),
        structured={k: v for k, v in structured.items() if v},
        uploads=_trace_upload(report),
    )


def _describe(report: VideoFailureReport, *, again: bool) -> str:
    what = IMPACTS[report.impact][0]
    lines = [
        ("Reported again for the same session. " if again else "") + f"{what}.",
        "",
        # The session ID is health information: it is kept (encrypted) as the encounter ID.
        "Session: see the ticket's encounter ID",
    ]
    facts = [
        ("When", report.occurred_at.isoformat() if report.occurred_at else ""),
        ("Reported by", report.reported_by),
        ("Error code", report.error_code),
        ("Device", report.device),
        ("Operating system", report.os),
        ("Browser", report.browser),
        ("Network", report.network.summary()),
        ("Trace", f"{len(report.trace)} events, attached as JSON" if report.trace else ""),
    ]
    lines += [f"{label}: {value}" for label, value in facts if value]
    if report.description.strip():
        lines += ["", report.description.strip()]
    return "\n".join(lines)


def _trace_upload(report: VideoFailureReport) -> tuple[Upload, ...]:
    if not report.trace:
        return ()
    data: dict[str, Any] = {
        "session_id": report.session_id,
        "network": asdict(report.network),
        "events": [
            {"at": e.at.isoformat(), "event": e.event, "detail": e.detail} for e in report.trace
        ],
    }
    raw = json.dumps(data, indent=1, ensure_ascii=False).encode()
    name = "session-trace.json"  # file names are not encrypted; the session ID stays out
    return (Upload(filename=name, content_type="application/json", data=raw),)
