"""Stakeholder satisfaction after an incident: when a severity whose target asks for it (Sev 1
and 2 as shipped) resolves, the stakeholders get one mail with signed one-click links, 1 to 5.

Stakeholders: the client admins (with a portal login) of the organizations the incident
affected (named on it, or using its components), and the incident's commander and
communications lead. The links carry a random token, the score and the instant they expire,
signed with the project's secret under a salt of their own; never a name, a title or anything
about health. The page behind a link records nothing on GET (a mail scanner answers nothing);
the person confirms with one button."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from caredesk.accounts.models import Contact, ContactKind, User
from caredesk.core import clock
from caredesk.core.errors import NotFound, ValidationFailed
from caredesk.core.models import OutboxKind
from caredesk.core.outbox import outbox_add
from caredesk.feedback.links import (
    LinkExpired,
    LinkRefused,
    Rating,
    rating_read,
    signed_rating_url,
)
from caredesk.incidents.models import Incident, StakeholderRating
from caredesk.incidents.services import target_for

RATE_SALT = "caredesk.incidents.stakeholder-rate"
LINK_DAYS = 30
LABELS = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neutral",
    4: "Satisfied",
    5: "Very satisfied",
}

__all__ = ["LinkExpired", "LinkRefused"]


# --- links ------------------------------------------------------------------------------------


def rate_link(token: str, score: int | None, *, expires: datetime) -> str:
    return signed_rating_url("/incident-survey/", token, score, expires=expires, salt=RATE_SALT)


def rate_read(signed: str) -> Rating:
    """The link's token and score; LinkRefused (400) when tampered or out of range, LinkExpired
    (410) late."""
    rating = rating_read(
        signed, RATE_SALT, expired="This link has expired: the survey can be answered for 30 days."
    )
    if rating.score is not None and rating.score not in LABELS:
        raise LinkRefused("This link is not valid.")
    return rating


# --- who is asked -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stakeholder:
    user: User | None
    email: str
    role: str


def stakeholders_of(incident: Incident) -> list[Stakeholder]:
    """Each person once (by address), the incident's own roles first."""
    found: dict[str, Stakeholder] = {}
    for user, role in (
        (incident.commander, "commander"),
        (incident.communications, "communications"),
    ):
        if user is not None and user.is_active and user.email:
            found.setdefault(user.email.lower(), Stakeholder(user, user.email, role))
    org_ids = set(incident.organizations.values_list("pk", flat=True))
    org_ids |= {
        pk
        for pk in incident.components.values_list("organizations__pk", flat=True)
        if pk is not None
    }
    admins = (
        Contact.objects.filter(
            organization_id__in=org_ids,
            kind=ContactKind.CLIENT_ADMIN,
            user__isnull=False,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    for contact in admins:
        email = contact.email or (contact.user.email if contact.user else "")
        if email:
            found.setdefault(email.lower(), Stakeholder(contact.user, email, "organization admin"))
    return list(found.values())


# --- sending ----------------------------------------------------------------------------------


def survey_send(incident: Incident) -> int:
    """Ask the stakeholders when the severity's target says so; once per person. Returns how
    many were asked."""
    target = target_for(incident.severity)
    if target is None or not target.stakeholder_survey:
        return 0
    now = clock.now()
    expires = now + timedelta(days=LINK_DAYS)
    asked = set(StakeholderRating.objects.filter(incident=incident).values_list("email", flat=True))
    sent = 0
    with transaction.atomic():
        for person in stakeholders_of(incident):
            if person.email in asked:
                continue
            token = secrets.token_urlsafe(18)
            StakeholderRating.objects.create(
                incident=incident, user=person.user, email=person.email, role=person.role,
                token=token, sent_at=now,
            )  # fmt: skip
            body = render_to_string(
                "mail/incident_stakeholder_survey.txt",
                {
                    "number": incident.number,
                    "severity": incident.severity,
                    "choices": [
                        (score, label, rate_link(token, score, expires=expires))
                        for score, label in LABELS.items()
                    ],
                    "days": LINK_DAYS,
                    "site": settings.CAREDESK_SITE_NAME,
                },
            )
            outbox_add(
                kind=OutboxKind.EMAIL,
                payload={
                    "to": [person.email],
                    "subject": f"INC-{incident.number} is resolved: how did we handle it?",
                    "body": body,
                    "headers": {"Auto-Submitted": "auto-generated"},
                },
            )
            sent += 1
    return sent


# --- answers ----------------------------------------------------------------------------------


def rating_for_token(token: str) -> StakeholderRating:
    found = StakeholderRating.objects.select_related("incident").filter(token=token).first()
    if found is None:
        raise NotFound("This survey no longer exists.")
    return found


def rating_record(*, token: str, score: int) -> StakeholderRating:
    if score not in LABELS:
        raise ValidationFailed("Choose 1 to 5.", errors={"score": ["Choose 1 to 5."]})
    rating = rating_for_token(token)
    now = clock.now()
    StakeholderRating.objects.filter(pk=rating.pk).update(score=score, answered_at=now)
    rating.score, rating.answered_at = score, now
    return rating
