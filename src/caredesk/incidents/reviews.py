"""The one writer of root-cause reviews and their action items.

When an incident of any severity resolves, `review_open` (a listener of the incident services)
opens its review: due 7 business days later on the operations calendar (an SLA calendar shipped
by the incidents' migrations: whole weekdays minus the country's public holidays), owned by the
incident's commander or, without one, whoever resolved it, its timeline and impact prefilled.
The owner, and support leads and administrators, fill it in; completing it needs a summary and a
root cause. After Sev 1 and 2 (the severity target's `stakeholder_survey`) the stakeholders are
asked for their satisfaction (`stakeholders.py`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import transaction

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from caredesk.incidents.models import (
    ActionItem,
    Incident,
    IncidentState,
    IncidentTicket,
    IncidentUpdate,
    Review,
)
from caredesk.sla.calendar import BusinessCalendar
from caredesk.sla.models import Calendar
from caredesk.sla.selectors import business_calendar
from caredesk.tickets.selectors import ticket_get_by_ref

log = logging.getLogger(__name__)

OPERATIONS_CALENDAR = "Operations (Mon-Fri, US public holidays)"
REVIEW_BUSINESS_DAYS = 7
VIEW = "incidents.view_review"
MANAGE = "incidents.change_review"
PARTS = ("summary", "impact", "timeline", "root_cause", "detection", "lessons")
REQUIRED_TO_COMPLETE = {
    "summary": "Write the summary before completing the review.",
    "root_cause": "Write the root cause before completing the review.",
}


# --- the operations calendar ------------------------------------------------------------------


def _fallback_calendar() -> BusinessCalendar:
    """The shipped calendar's rules, should an administrator have deleted it."""
    year = clock.now().year
    return BusinessCalendar(
        "America/New_York",
        {day: [(time(0), time(0))] for day in range(5)},
        BusinessCalendar.country_holidays("US", range(year - 2, year + 3)),
    )


def operations_calendar() -> BusinessCalendar:
    row = Calendar.objects.filter(name=OPERATIONS_CALENDAR).first()
    return business_calendar(row) if row is not None else _fallback_calendar()


def review_due(resolved_at: datetime, calendar: BusinessCalendar | None = None) -> datetime:
    """The end of the 7th business day after `resolved_at` (the same time of day when it
    resolved on a business day): 7 days of business time on the operations calendar."""
    cal = calendar or operations_calendar()
    return cal.add(resolved_at, timedelta(days=REVIEW_BUSINESS_DAYS)).astimezone(UTC)


# --- opening ------------------------------------------------------------------------------------


def _when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def timeline_draft(incident: Incident) -> str:
    """The incident's timeline as the review's first draft: one line per entry, oldest first."""
    lines = [f"{_when(incident.started_at)} - started"]
    if incident.acknowledged_at is not None:
        lines.append(f"{_when(incident.acknowledged_at)} - acknowledged")
    updates = IncidentUpdate.objects.filter(incident=incident).order_by("at", "id")
    for update in updates:
        label = IncidentState(update.state).label
        body = " ".join(update.body.split())[:300]
        lines.append(f"{_when(update.at)} - {label}: {body}")
    lines.sort()
    return "\n".join(lines)


def impact_draft(incident: Incident) -> str:
    """What the incident touched, as the review's first draft of its impact."""
    parts = []
    names = [str(c) for c in incident.components.select_related("service")]
    if names:
        parts.append("Components: " + ", ".join(names) + ".")
    linked = IncidentTicket.objects.filter(incident=incident).count()
    parts.append(f"Tickets gathered under the incident: {linked}.")
    if incident.acknowledged_at is not None:
        waited = incident.acknowledged_at - incident.started_at
        parts.append(f"Time to acknowledge: {_minutes(waited)}.")
    if incident.resolved_at is not None:
        parts.append(f"Time to resolve: {_minutes(incident.resolved_at - incident.started_at)}.")
    return "\n".join(parts)


def review_open(*, incident: Incident, resolver: User | None = None) -> Review:
    """Open the review of a resolved incident (once: a second resolution keeps the first)."""
    incident = Incident.objects.get(pk=incident.pk)
    found = Review.objects.filter(incident=incident).first()
    if found is not None:
        return found
    resolved_at = incident.resolved_at or clock.now()
    owner = incident.commander or resolver
    with transaction.atomic():
        review, created = Review.objects.get_or_create(
            incident=incident,
            defaults={
                "owner": owner,
                "due_at": review_due(resolved_at),
                "timeline": timeline_draft(incident),
                "impact": impact_draft(incident),
                "created_at": clock.now(),
            },
        )
        if created:
            from caredesk.incidents.stakeholders import survey_send

            survey_send(incident)
    return review


def on_incident_change(incident: Incident | None, update: IncidentUpdate | None) -> None:
    """The incident services' listener: a resolution opens the review."""
    if incident is None or update is None or update.state != IncidentState.RESOLVED:
        return
    author = User.objects.filter(pk=update.author_id).first() if update.author_id else None
    review_open(incident=incident, resolver=author)


# --- working on a review -----------------------------------------------------------------------


def may_edit(review: Review, user: User) -> bool:
    """The owner, and support leads and administrators, write the review."""
    if not user.is_active or not user.has_perm(VIEW):
        return False
    return user.has_perm(MANAGE) or (review.owner_id is not None and review.owner_id == user.pk)


def _require_edit(review: Review, user: User) -> None:
    if not may_edit(review, user):
        raise PermissionDenied("Only the review's owner or a support lead may change it.")
    if review.completed_at is not None:
        raise Conflict("The review is completed; it can no longer be changed.")


def review_save(
    *, review: Review, actor: User, parts: dict[str, str], complete: bool = False
) -> Review:
    """Save the template's parts; with `complete`, also complete it (a summary and a root cause
    are needed: field-level errors otherwise, and nothing is saved)."""
    _require_edit(review, actor)
    cleaned = {name: (parts.get(name) or "").strip()[:10000] for name in PARTS}
    if complete:
        errors = {
            name: [message] for name, message in REQUIRED_TO_COMPLETE.items() if not cleaned[name]
        }
        if errors:
            raise ValidationFailed("The review is not complete yet.", errors=errors)
    now = clock.now()
    fields = dict(cleaned)
    if complete:
        fields["completed_at"] = now  # type: ignore[assignment]
    with transaction.atomic():
        changed = Review.objects.filter(pk=review.pk, completed_at__isnull=True).update(**fields)
        if not changed:
            raise Conflict("The review is completed; it can no longer be changed.")
    review.refresh_from_db()
    return review


@dataclass(frozen=True)
class NewAction:
    title: str
    tracker_url: str = ""
    ticket_ref: str = ""
    owner: User | None = None


def action_add(*, review: Review, actor: User, new: NewAction) -> ActionItem:
    """An action item linked to a tracker issue and/or a backlog ticket the actor may see."""
    _require_edit(review, actor)
    errors: dict[str, list[str]] = {}
    title = new.title.strip()
    if not title:
        errors["title"] = ["Say what is to be done."]
    url = new.tracker_url.strip()
    if url and not url.lower().startswith(("https://", "http://")):
        errors["tracker_url"] = ["Give the issue's web address (https://…)."]
    ticket = None
    ref = new.ticket_ref.strip()
    if ref:
        try:
            ticket = ticket_get_by_ref(user=actor, ref=ref)
        except DomainError:
            errors["ticket_ref"] = [f"No ticket {ref} that you can see."]
    if not url and not ref and "tracker_url" not in errors:
        errors["tracker_url"] = ["Link a tracker issue, a backlog ticket, or both."]
    if errors:
        raise ValidationFailed("The action item is not complete.", errors=errors)
    return ActionItem.objects.create(
        review=review,
        title=title[:200],
        owner=new.owner,
        tracker_url=url[:500],
        ticket=ticket,
        created_at=clock.now(),
    )


def action_mark(*, item: ActionItem, actor: User, done: bool) -> ActionItem:
    """Tick an action item done (or not); allowed after completion too, as the work goes on."""
    if not may_edit(item.review, actor):
        raise PermissionDenied("Only the review's owner or a support lead may change it.")
    ActionItem.objects.filter(pk=item.pk).update(done=done)
    item.done = done
    return item
