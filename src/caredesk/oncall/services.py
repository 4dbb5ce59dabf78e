"""Writes: overrides, pages, their escalation and their acknowledgement.

A page fires its policy's first step at once: each person the step names gets an in-app
notification, a mail, and (with a paging number and Twilio configured) an SMS and a voice
call, each through the outbox after commit. Unless someone acknowledges, the worker moves to
the next step when the step's wait is over (`pages_escalate_due`, every minute, and a job
booked for the instant); after the last step the policy starts again, `repeat` times in all;
then the page is exhausted and the whole team is told.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q

from caredesk.accounts.models import Team, User
from caredesk.core import clock
from caredesk.core.errors import NotFound, ValidationFailed
from caredesk.core.models import Notification, OutboxKind
from caredesk.core.notify import notify, push
from caredesk.core.outbox import outbox_add
from caredesk.core.registries import Registry
from caredesk.core.twilio import e164
from caredesk.oncall import selectors
from caredesk.oncall.models import (
    Channel,
    EscalationPolicy,
    Override,
    Page,
    PageNotification,
    PageState,
    PagingContact,
    Schedule,
)
from caredesk.tickets.models import EventKind, Ticket
from caredesk.tickets.services import events

log = logging.getLogger(__name__)
ACK_SALT = "caredesk.oncall.page-ack"
ACK_WORDS = frozenset({"ACK", "1", "OK"})
OPEN = (PageState.TRIGGERED, PageState.EXHAUSTED)  # still waiting for someone


# --- overrides --------------------------------------------------------------------------------


def override_add(
    *,
    schedule: Schedule,
    user: User,
    start: datetime,
    end: datetime,
    reason: str = "",
    actor: User | None,
) -> Override:
    """Put `user` on call on `schedule` from `start` to `end`, above every layer."""
    errors: dict[str, list[str]] = {}
    if end <= start:
        errors["end"] = ["The override must end after it starts."]
    elif end - start > timedelta(days=90):
        errors["end"] = ["An override lasts 90 days at most; change the rotation instead."]
    if not user.is_active:
        errors["user"] = ["This person's account is switched off."]
    if errors:
        raise ValidationFailed("The override cannot be added.", errors=errors)
    return Override.objects.create(
        schedule=schedule,
        user=user,
        start=start,
        end=end,
        reason=reason[:300],
        created_by=actor,
        created_at=clock.now(),
    )


def override_delete(*, override: Override, actor: User | None) -> None:
    """Remove an override (who was on call before it is on call again)."""
    log.info("override %s removed by %s", override.pk, actor.pk if actor else None)
    override.delete()


# --- pages ------------------------------------------------------------------------------------


def _code() -> str:
    return f"{secrets.randbelow(900_000) + 100_000}"


def ack_token(page: Page, user: User) -> str:
    return signing.dumps({"p": page.pk, "u": user.pk}, salt=ACK_SALT)


def ack_link(page: Page, user: User) -> str:
    return f"{settings.CAREDESK_BASE_URL.rstrip('/')}/oncall/ack/{ack_token(page, user)}/"


def ack_token_read(token: str) -> tuple[Page, User]:
    """The page and person an acknowledgement link was made for (NotFound when forged or
    expired)."""
    max_age = settings.CAREDESK_PAGE_LINK_HOURS * 3600
    try:
        data = signing.loads(token, salt=ACK_SALT, max_age=max_age)
        page = Page.objects.select_related("team").get(pk=int(data["p"]))
        user = User.objects.get(pk=int(data["u"]), is_active=True)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("This link is not valid or has expired.") from None
    except (Page.DoesNotExist, User.DoesNotExist):
        raise NotFound("This page no longer exists.") from None
    return page, user


def _twilio_ready() -> bool:
    return bool(settings.CAREDESK_TWILIO_ACCOUNT_SID and settings.CAREDESK_TWILIO_FROM_NUMBER)


def _notify(page: Page, people: list[User], at: datetime) -> None:
    """One notification per person and channel, delivered after commit."""
    contacts = {c.user_id: c for c in PagingContact.objects.filter(user__in=people)}
    text = f"Page {page.code} ({page.team.name}): {page.text}"
    rows: list[PageNotification] = []

    def row(user: User, channel: str, to: str = "", sent: bool = False) -> PageNotification:
        return PageNotification(
            page=page,
            user=user,
            channel=channel,
            to=to,
            step=page.step,
            round=page.round,
            created_at=at,
            sent_at=at if sent else None,
        )

    for user in people:
        Notification.objects.create(
            user=user, ticket=page.ticket, text=text[:500], urgent=True, created_at=at
        )
        rows.append(row(user, Channel.IN_APP, sent=True))
        link = ack_link(page, user)
        if user.email:
            outbox_add(
                kind=OutboxKind.EMAIL,
                payload={
                    "to": [user.email],
                    "subject": f"PAGE {page.code}: {page.team.name}"[:200],
                    "body": f"{text}\n\nAcknowledge: {link}\n",
                    "headers": {"Auto-Submitted": "auto-generated"},
                },
            )
            rows.append(row(user, Channel.EMAIL, user.email))
        contact = contacts.get(user.pk)
        if contact is None or not _twilio_ready():
            continue
        for channel, wanted in ((Channel.SMS, contact.sms), (Channel.VOICE, contact.voice)):
            if wanted:
                rows.append(row(user, channel, contact.phone))
    push(
        user_ids=[u.pk for u in people],
        notice={"text": text[:500], "url": "/agent/oncall/pages/", "urgent": True},
    )
    written = PageNotification.objects.bulk_create(rows)
    for n in written:
        if n.channel in (Channel.SMS, Channel.VOICE):
            outbox_add(kind=str(n.channel), payload={"notification": n.pk})


def _fire(page: Page, at: datetime) -> list[User]:
    """Page whoever the current step names; a step with nobody to page passes at once.
    After the last round, the page is exhausted and the team told."""
    steps, rounds = selectors.steps_of(page)
    while page.round < rounds and steps:
        if page.step >= len(steps):
            page.step, page.round = 0, page.round + 1
            continue
        step = steps[page.step]
        people = selectors.step_people(page, step, at)
        if people:
            _notify(page, people, at)
            page.next_step_at = at + timedelta(minutes=step.wait_minutes)
            return people
        page.step += 1
    page.state, page.ended_at, page.next_step_at = PageState.EXHAUSTED, at, None
    members = list(page.team.members.filter(is_active=True))
    notify(
        users=members,
        text=f"Page {page.code} was not acknowledged by anyone: {page.text}",
        ticket=page.ticket,
        urgent=True,
    )
    return []


def _book(page: Page) -> None:
    """Ask the worker to move the page on when its step's wait is over (the minute's sweep
    finds it too, should the queue lose this)."""
    if page.next_step_at is None:
        return
    from caredesk.oncall.tasks import page_escalate_task

    delay = max((page.next_step_at - clock.now()).total_seconds(), 0.0)
    try:
        page_escalate_task.schedule(args=(page.pk,), delay=delay)
    except Exception:  # a queue that is down must not fail the page; the sweep will
        log.exception("could not book the escalation of page %s", page.pk)


def _page_create(**fields: object) -> Page:
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a taken code is drawn again
                return Page.objects.create(code=_code(), **fields)
        except IntegrityError:
            continue
    raise ValidationFailed("No free page code; try again.")


def page_open(
    *,
    team: Team,
    text: str,
    ticket: Ticket | None = None,
    policy: EscalationPolicy | None = None,
) -> Page:
    """Open a page about `ticket` (or about `text` alone) and page its first step now."""
    policy = policy or selectors.default_policy(team)
    now = clock.now()
    with transaction.atomic():
        page = _page_create(
            team=team, policy=policy, ticket=ticket, text=text[:300], created_at=now
        )
        _fire(page, now)
        page.save()
    transaction.on_commit(lambda: _book(page))
    return page


def page_for_rule(*, ticket: Ticket, team: Team, text: str) -> list[User] | None:
    """The rules' `page_on_call`: page the team through its escalation policy (or its
    schedule); None when it has neither. A ticket already paging the team is not paged twice."""
    if selectors.default_policy(team) is None and selectors.team_schedule(team) is None:
        return None
    page = Page.objects.filter(ticket=ticket, team=team, state=PageState.TRIGGERED).first()
    if page is None:
        page = page_open(team=team, text=text, ticket=ticket)
    ids = PageNotification.objects.filter(page=page).values("user_id")
    return list(User.objects.filter(pk__in=ids))


def page_escalate(*, page_id: int, now: datetime | None = None) -> bool:
    """Move an unacknowledged page to its next step if its wait is over (idempotent)."""
    now = now or clock.now()
    with transaction.atomic():
        page = (
            Page.objects.select_for_update(of=("self",))
            .select_related("team", "ticket")
            .filter(pk=page_id, state=PageState.TRIGGERED, next_step_at__lte=now)
            .first()
        )
        if page is None:
            return False
        page.step += 1
        _fire(page, now)
        page.save()
    transaction.on_commit(lambda: _book(page))
    return True


def pages_escalate_due(*, now: datetime | None = None) -> int:
    """Every page whose step's wait is over moves on (the worker's minute sweep)."""
    now = now or clock.now()
    due = Page.objects.filter(state=PageState.TRIGGERED, next_step_at__lte=now)
    return sum(page_escalate(page_id=pk, now=now) for pk in due.values_list("pk", flat=True))


def may_acknowledge(page: Page, user: User) -> bool:
    """The people paged, and whoever holds the permission to acknowledge pages."""
    if user.has_perm("oncall.acknowledge_page"):
        return True
    return PageNotification.objects.filter(page=page, user=user).exists()


# Who hears that a page was acknowledged (the first time only), in the acknowledgement's
# transaction, whichever way it came (the desk, the signed link, an SMS reply): the incidents
# app records the incident's acknowledgement (`IncidentsConfig.ready()`).
AckListener = Callable[[Page, User], None]
ack_listeners: Registry[AckListener] = Registry("page acknowledgement listeners")


def ack_listener_register(name: str, listener: AckListener) -> None:
    ack_listeners.register(name, listener)


def page_acknowledge(*, page: Page, user: User, via: str) -> Page:
    """Stop the escalation: `user` has it (from the desk, the link, or an SMS reply)."""
    now = clock.now()
    with transaction.atomic():
        changed = Page.objects.filter(pk=page.pk, state__in=OPEN).update(
            state=PageState.ACKNOWLEDGED,
            acknowledged_at=now,
            acknowledged_by=user,
            acknowledged_via=via,
            next_step_at=None,
        )
        page.refresh_from_db()
        if changed and page.ticket_id is not None:
            ticket = Ticket.objects.get(pk=page.ticket_id)
            events.record(
                events.happened(
                    ticket,
                    EventKind.PAGE_ACKNOWLEDGED,
                    user,
                    page=page.code,
                    via=via,
                    seconds=round((now - page.created_at).total_seconds(), 1),
                )
            )
        if changed:
            for listener in ack_listeners:
                listener(page, user)
    return page


def page_resolve(*, page: Page, user: User) -> Page:
    """Close a page (acknowledged or not): nothing more is sent for it."""
    now = clock.now()
    Page.objects.filter(pk=page.pk).exclude(state=PageState.RESOLVED).update(
        state=PageState.RESOLVED, ended_at=now, next_step_at=None
    )
    page.refresh_from_db()
    return page


def sms_reply(*, number: str, body: str) -> str:
    """Acknowledge by SMS reply; returns the answer to text back."""
    sender = e164(number, settings.CAREDESK_PHONE_COUNTRY_CODE)
    sent = PageNotification.objects.filter(channel=Channel.SMS, to=sender or "-")
    if sender is None or not sent.exists():
        return (
            "Hello, this number is not set up for CareDesk paging, so nothing was done. "
            "Please contact the support desk if you need help."
        )
    word = body.strip().upper().rstrip(".!")
    mine = sent.select_related("page", "user").order_by("-id")
    if word in ACK_WORDS:
        found = mine.filter(page__state__in=OPEN).first()
    else:
        found = mine.filter(Q(page__code=word)).first()
    if found is None:
        if word in ACK_WORDS:
            return "No page is waiting for you. Thank you."
        return "Reply ACK to acknowledge your latest page, or the page's code for another one."
    page = page_acknowledge(page=found.page, user=found.user, via="sms")
    if page.acknowledged_by_id != found.user_id:
        who = page.acknowledged_by.name if page.acknowledged_by else "someone"
        return f"Page {page.code} was already acknowledged by {who}."
    return f"Page {page.code} acknowledged. Thank you."
