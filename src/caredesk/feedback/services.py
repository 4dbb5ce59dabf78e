"""The only writer of surveys: the sweep that books a satisfaction survey for each solved ticket
(read from the tickets' status-change events, so solving a thousand tickets at once costs the
ticket services nothing) and sends what is due (each survey claimed by one conditional UPDATE),
answers from the signed links, opt-outs, follow-ups from a comment, and the quarterly
recommendation draw."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string

from caredesk.accounts.capabilities import may_be_assigned
from caredesk.accounts.models import Contact, Organization, User
from caredesk.core import clock
from caredesk.core.errors import Conflict, NotFound, ValidationFailed
from caredesk.core.models import OutboxKind
from caredesk.core.outbox import outbox_add
from caredesk.core.text import problem
from caredesk.feedback import links, pure
from caredesk.feedback.models import (
    BookingMark,
    FeedbackSettings,
    Kind,
    NpsRound,
    OptOut,
    State,
    Survey,
)
from caredesk.tickets.models import Channel, EventKind, MessageKind, Status, Ticket, TicketEvent
from caredesk.tickets.services import Body, NewTicket, message_add, ticket_open
from caredesk.tickets.services.requester_mail import mail_requester

log = logging.getLogger(__name__)

BATCH = 200
SPAM_TAG = "spam"
COMMENT_MAX = 2000


def settings_get() -> FeedbackSettings:
    """The feedback settings (the shipped defaults if the row is missing)."""
    found, _new = FeedbackSettings.objects.get_or_create(pk=1)
    return found


def _token() -> str:
    return secrets.token_urlsafe(18)


# --- booking ---------------------------------------------------------------------------------

# Status changes are re-read this far back on each sweep, so a change whose transaction committed
# after the previous sweep had read past its instant is still seen (booking twice is harmless).
OVERLAP = timedelta(minutes=10)


@dataclass(frozen=True)
class _Wanted:
    enabled: bool
    channels: frozenset[str]
    types: frozenset[int]
    delay: timedelta

    def __call__(self, ticket: Ticket) -> bool:
        if not self.enabled or ticket.parent_id is not None:
            return False
        if self.channels and ticket.channel not in self.channels:
            return False
        return not self.types or ticket.category_id in self.types


def _wanted(conf: FeedbackSettings) -> _Wanted:
    return _Wanted(
        enabled=conf.csat_enabled,
        channels=conf.channels(),
        types=frozenset(conf.csat_request_types.values_list("pk", flat=True)),
        delay=timedelta(hours=conf.csat_delay_hours),
    )


def _book(wanted: _Wanted, ticket_ids: set[int]) -> int:
    """Book (or move) the surveys of the solved tickets among `ticket_ids`: one survey per
    ticket; solved again, a survey not yet sent moves to the new instant; one sent never does."""
    tickets = [
        t
        for t in Ticket.objects.filter(
            pk__in=ticket_ids, status__in=(Status.SOLVED, Status.CLOSED), merged_into__isnull=True
        ).only(
            "pk", "channel", "category_id", "parent_id", "solved_at", "assignee_id", "requester_id"
        )
        if wanted(t) and t.solved_at is not None
    ]
    booked = {
        s.ticket_id: s
        for s in Survey.objects.filter(kind=Kind.CSAT, ticket_id__in=[t.pk for t in tickets])
    }
    new: list[Survey] = []
    moved: list[Survey] = []
    for t in tickets:
        assert t.solved_at is not None
        due = t.solved_at + wanted.delay
        found = booked.get(t.pk)
        if found is None:
            new.append(
                Survey(
                    kind=Kind.CSAT,
                    token=_token(),
                    ticket_id=t.pk,
                    contact_id=t.requester_id,
                    due_at=due,
                    agent_id=t.assignee_id,  # the assignee at solve time
                )  # fmt: skip
            )
        elif found.state != State.SENT and due > found.due_at:
            found.state, found.due_at, found.skip_reason = State.SCHEDULED, due, ""
            found.agent_id = t.assignee_id
            moved.append(found)
    Survey.objects.bulk_create(new, ignore_conflicts=True)  # another worker may have booked one
    Survey.objects.bulk_update(moved, ["state", "due_at", "skip_reason", "agent"])
    return len(new) + len(moved)


def surveys_book(*, batch: int = 500, since: datetime | None = None) -> int:
    """Read the tickets' status changes since the last sweep (or `since`, e.g. for data loaded
    in the past), on the events' kind and time index a batch at a time, and book the surveys of
    the tickets that are solved (or closed, which solves them too)."""
    conf = settings_get()
    wanted = _wanted(conf)
    now = clock.now()
    mark, _new = BookingMark.objects.get_or_create(pk=1, defaults={"booked_until": now})
    start = since if since is not None else mark.booked_until - OVERLAP
    after: tuple[datetime, int] = (start, 0)
    booked = 0
    while True:
        changes = list(
            TicketEvent.objects.filter(kind=EventKind.STATUS_CHANGED, created_at__lte=now)
            .filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], pk__gt=after[1]))
            .order_by("created_at", "pk")
            .values_list("created_at", "pk", "ticket_id")[:batch]
        )
        if changes:
            booked += _book(wanted, {ticket for _at, _pk, ticket in changes})
            after = (changes[-1][0], changes[-1][1])
        if len(changes) < batch:
            break
    BookingMark.objects.filter(pk=1, booked_until__lt=now).update(booked_until=now)
    return booked


# --- sending ----------------------------------------------------------------------------------


def _skip_reason(survey: Survey, spam: set[int], opted: set[int]) -> str:
    """Why the survey is not sent ('' when it is), in the order the reasons are checked."""
    ticket = survey.ticket
    csat = survey.kind == Kind.CSAT
    reasons = (
        ("opted out", survey.contact_id in opted),
        ("no address", not survey.contact.email),
        ("ticket deleted", csat and ticket is None),
        ("merged", csat and ticket is not None and ticket.merged_into_id is not None),
        ("spam", csat and ticket is not None and ticket.pk in spam),
        (
            "reopened",
            csat and ticket is not None and ticket.status not in (Status.SOLVED, Status.CLOSED),
        ),
    )
    return next((reason for reason, applies in reasons if applies), "")


def _dimensions(survey: Survey) -> dict[str, object]:
    ticket = survey.ticket
    if ticket is None:
        return {}
    return {
        "team_id": ticket.team_id,
        "category_id": ticket.category_id,
        "channel": ticket.channel,
        "mailbox_id": ticket.received_via_id,
        "organization_id": ticket.organization_id,
    }


def _mail(survey: Survey, conf: FeedbackSettings) -> None:
    expires = links.expiry(conf.link_days)
    scores = pure.CSAT_SCORES if survey.kind == Kind.CSAT else pure.NPS_SCORES
    context = {
        "choices": [
            (s, pure.CSAT_LABELS.get(s, str(s)), links.rate_link(survey.token, s, expires=expires))
            for s in reversed(scores)
        ],
        "stop": links.stop_link(survey.token, expires=expires),
        "days": conf.link_days,
        "ticket": survey.ticket,
        "site": django_settings.CAREDESK_SITE_NAME,
    }
    body = render_to_string(f"mail/feedback_{survey.kind}.txt", context)
    if survey.kind == Kind.CSAT and survey.ticket is not None:
        subject = f"[{survey.ticket.ref}] How did we do?"
        mail_requester(survey.ticket, subject=subject, body=body)
        return
    payload: dict[str, object] = {
        "to": [survey.contact.email],
        "subject": f"How likely are you to recommend {django_settings.CAREDESK_SITE_NAME}?",
        "body": body,
        "headers": {"Auto-Submitted": "auto-generated"},
    }
    org = survey.organization
    if org is not None and org.mail_from:
        payload["from"] = org.mail_from
    outbox_add(kind=OutboxKind.EMAIL, payload=payload)


def _send_one(survey: Survey, reason: str, conf: FeedbackSettings) -> bool:
    """Claim the survey (one conditional UPDATE: a second worker finds it taken) and queue its
    mail in the same transaction; True when it was sent."""
    now = clock.now()
    fields: dict[str, object] = {"sent_at": now} if not reason else {"skip_reason": reason}
    if not reason:
        fields.update(_dimensions(survey))
    with transaction.atomic():
        taken = Survey.objects.filter(
            pk=survey.pk, state=State.SCHEDULED, due_at=survey.due_at
        ).update(state=State.SKIPPED if reason else State.SENT, **fields)
        if not taken or reason:
            return False
        for name, value in fields.items():
            setattr(survey, name, value)
        _mail(survey, conf)
    return True


def surveys_send(*, batch: int = BATCH) -> int:
    """The worker's sweep: send the surveys that are due, a batch at a time. Skipped (and said
    why): the requester opted out or has no address; the ticket was reopened, merged away,
    marked as spam or deleted."""
    surveys_book()
    conf = settings_get()
    sent = 0
    while True:
        due = list(
            Survey.objects.filter(state=State.SCHEDULED, due_at__lte=clock.now())
            .select_related("contact", "organization", "ticket__requester", "ticket__organization")
            .order_by("due_at", "pk")[:batch]
        )
        if not due:
            return sent
        tickets = [s.ticket_id for s in due if s.ticket_id]
        spam = set(
            Ticket.tags.through.objects.filter(
                ticket_id__in=tickets, tag__name=SPAM_TAG
            ).values_list("ticket_id", flat=True)
        )
        opted = set(
            OptOut.objects.filter(contact_id__in=[s.contact_id for s in due]).values_list(
                "contact_id", flat=True
            )
        )
        for survey in due:
            sent += _send_one(survey, _skip_reason(survey, spam, opted), conf)
        if len(due) < batch:
            return sent


# --- answers ----------------------------------------------------------------------------------


def survey_for_token(token: str) -> Survey:
    found = Survey.objects.filter(token=token, state=State.SENT).first()
    if found is None:
        raise NotFound("This survey is no longer open.")
    return found


def answer_editable(survey: Survey, conf: FeedbackSettings) -> bool:
    first = survey.first_answered_at
    return first is None or clock.now() <= first + timedelta(days=conf.change_days)


def _check_answer(kind: str, score: int | None, comment: str) -> str:
    errors: dict[str, list[str]] = {}
    if score is None or not pure.valid_score(kind, score):
        scale = "1 to 5" if kind == Kind.CSAT else "0 to 10"
        errors["score"] = [f"Choose a score from {scale}."]
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [f"Keep the comment under {COMMENT_MAX} characters."]
    elif problem(comment):
        errors["comment"] = [str(problem(comment))]
    if errors:
        raise ValidationFailed("The answer could not be recorded.", errors=errors)
    return comment


def answer_record(*, token: str, score: int | None, comment: str = "") -> Survey:
    """Record (or change) the one answer of a survey. The same survey's links change it for
    `change_days` after the first answer; then it is final."""
    conf = settings_get()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(token=token, state=State.SENT).first()
        if survey is None:
            raise NotFound("This survey is no longer open.")
        comment = _check_answer(survey.kind, score, comment)
        if not answer_editable(survey, conf):
            raise Conflict("Your answer was recorded and can no longer be changed. Thank you.")
        now = clock.now()
        survey.score, survey.comment, survey.answered_at = score, comment, now
        survey.first_answered_at = survey.first_answered_at or now
        survey.save(update_fields=["score", "comment", "answered_at", "first_answered_at"])
    return survey


def opt_out(*, token: str) -> Contact:
    """The survey's contact gets no more surveys (those booked are skipped when due)."""
    survey = Survey.objects.select_related("contact").filter(token=token).first()
    if survey is None:
        raise NotFound("This survey no longer exists.")
    OptOut.objects.get_or_create(contact=survey.contact, defaults={"created_at": clock.now()})
    return survey.contact


# --- follow-ups -------------------------------------------------------------------------------


def follow_up_open(*, survey: Survey, actor: User) -> Ticket:
    """Open a new ticket for the requester about their feedback, linked from the survey (a
    solved ticket may be closed by then, and closed tickets are never reopened): their comment
    is its first message, a note names the rated ticket and the score; assigned to the person
    who opened it when they work tickets."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("contact").get(pk=survey.pk)
        if survey.kind != Kind.CSAT or survey.score is None:
            raise ValidationFailed("Only an answered satisfaction survey can be followed up.")
        if survey.follow_up_id is not None:
            raise Conflict("A follow-up is already open for this answer.")
        rated = survey.ticket.ref if survey.ticket else "a deleted ticket"
        ticket = ticket_open(
            data=NewTicket(
                requester=survey.contact,
                subject=f"Follow-up on your feedback about {rated}",
                body=Body(text=survey.comment or "(no comment)"),
                channel=survey.channel or Channel.EMAIL,
                organization=survey.organization,
                team=survey.team,
                category=survey.category,
                assignee=actor if may_be_assigned(actor) else None,
                received_via=survey.mailbox,
            ),
            actor=actor,
        )
        label = pure.CSAT_LABELS[survey.score]
        note = f"Opened from the satisfaction survey of {rated}: rated {survey.score} ({label})."
        message_add(ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text=note), actor=actor)
        survey.follow_up, survey.followed_up_by = ticket, actor
        survey.save(update_fields=["follow_up", "followed_up_by"])
    return ticket


# --- the quarterly recommendation survey ------------------------------------------------------


def _draw_one(org: Organization, quarter: str, conf: FeedbackSettings) -> int:
    now = clock.now()
    try:
        with transaction.atomic():
            NpsRound.objects.create(organization=org, quarter=quarter, drawn_at=now)
    except IntegrityError:
        return 0  # another worker drew it
    opted = OptOut.objects.values("contact_id")
    candidates = list(
        Contact.objects.filter(organization=org, email__isnull=False)
        .exclude(email="")
        .exclude(pk__in=opted)
        .values_list("pk", flat=True)
    )
    recent = list(
        Survey.objects.filter(
            kind=Kind.NPS, contact_id__in=candidates, due_at__gt=now - timedelta(days=365)
        ).values_list("contact_id", flat=True)
    )
    chosen = pure.nps_sample(candidates, recent, conf.nps_sample_size, seed=f"{org.pk}:{quarter}")
    Survey.objects.bulk_create(
        Survey(
            kind=Kind.NPS,
            token=_token(),
            contact_id=pk,
            due_at=now,
            quarter=quarter,
            organization=org,
        )  # fmt: skip
        for pk in chosen
    )
    NpsRound.objects.filter(organization=org, quarter=quarter).update(drawn=len(chosen))
    return len(chosen)


def nps_draw(*, batch: int = 100) -> int:
    """Draw this quarter's sample of each organization not yet drawn (the sweep sends them)."""
    conf = settings_get()
    if not conf.nps_enabled:
        return 0
    quarter = pure.quarter_of(clock.now())
    drawn = 0
    while True:
        done = NpsRound.objects.filter(quarter=quarter).values("organization_id")
        orgs = list(Organization.objects.exclude(pk__in=done).order_by("pk")[:batch])
        for org in orgs:
            drawn += _draw_one(org, quarter, conf)
        if len(orgs) < batch:
            return drawn
