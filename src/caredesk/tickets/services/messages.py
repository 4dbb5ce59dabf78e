"""Replies and notes: requester replies reopen a ticket, agent replies count as responses, and
a public reply goes to the requester by mail or live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.html import html_to_text, sanitize, text_to_html
from caredesk.tickets.models import CustomStatus, Message, MessageKind, Status, Ticket
from caredesk.tickets.services import events
from caredesk.tickets.services.assignment import reply_held, reply_hold
from caredesk.tickets.services.attachments import Upload, check_uploads, store_uploads
from caredesk.tickets.services.clocks import clocks_sync
from caredesk.tickets.services.delivery import delivered_live
from caredesk.tickets.services.events import Actor
from caredesk.tickets.services.mentions import mentions_check, mentions_notify
from caredesk.tickets.services.reactions import react
from caredesk.tickets.services.requester_mail import notify_requester
from caredesk.tickets.services.safety import SAFETY_COLUMNS, safety_screen
from caredesk.tickets.services.updates import apply_changes, resolve_custom

MAX_BODY_CHARS = 100_000


@dataclass(frozen=True)
class Body:
    """A message body given as plain text or as HTML (sanitized before storing)."""

    text: str = ""
    html: str = ""
    # the Message-ID it arrived with by mail, so later mail can thread to it
    email_message_id: str = ""

    def rendered(self) -> tuple[str, str]:
        """Return (safe html, plain text)."""
        if self.html.strip():
            safe = sanitize(self.html)
            return safe, self.text.strip() or html_to_text(safe)
        return text_to_html(self.text), self.text.strip()

    @property
    def empty(self) -> bool:
        return not (self.text.strip() or html_to_text(self.html))


def check_body(body: Body, errors: dict[str, list[str]], *, required: bool) -> None:
    if required and body.empty:
        errors.setdefault("body", []).append("Write a message.")
    if len(body.text) + len(body.html) > MAX_BODY_CHARS:
        errors.setdefault("body", []).append(
            f"Keep the message to {MAX_BODY_CHARS:,} characters or fewer."
        )


def message_new(ticket: Ticket, kind: str, body: Body, actor: Actor) -> Message:
    """An unsaved message; the caller saves it and records its event."""
    body_html, body_text = body.rendered()
    who = events.actor_fields(actor)
    return Message(
        ticket=ticket,
        kind=kind,
        body_html=body_html,
        body_text=body_text,
        created_at=clock.now(),
        author_user=who["actor_user"],
        author_contact=who["actor_contact"],
        email_message_id=body.email_message_id[:500],
    )


def _message_create(
    ticket: Ticket, kind: str, body: Body, actor: Actor, uploads: tuple[Upload, ...]
) -> Message:
    """Write a message and its attachments; the caller records its event."""
    message = message_new(ticket, kind, body, actor)
    message.save(force_insert=True)
    if uploads:
        store_uploads(ticket, message, list(uploads))
    return message


def _is_agent(actor: Actor) -> bool:
    return isinstance(actor, User) and actor.is_agent


def _check_message(kind: str, body: Body, actor: Actor, uploads: tuple[Upload, ...]) -> None:
    errors: dict[str, list[str]] = {}
    check_body(body, errors, required=not uploads)
    if kind not in MessageKind.values:
        errors.setdefault("kind", []).append("Unknown message kind.")
    elif kind != MessageKind.PUBLIC and actor is not None and not _is_agent(actor):
        errors.setdefault("kind", []).append("Only agents can add internal notes.")
    if errors:
        raise ValidationFailed("The message could not be added.", errors=errors)
    check_uploads(list(uploads))


@transaction.atomic
def message_add(
    *,
    ticket: Ticket,
    kind: str,
    body: Body,
    actor: Actor,
    uploads: tuple[Upload, ...] = (),
    status_after: str | None = None,
    notify: bool = True,
    released: bool = False,
) -> Message:
    """Add a reply or note; requester replies reopen, agent replies count as responses.

    `notify=False` sends no mail for a public reply: the requester is reading it live (chat).
    A reply on a ticket whose chat is still going is shown in the chat instead of mailed.
    An agent's public reply a reply hold names is kept as an internal note for an approver
    (the returned message's kind says so); `released` sends one an approver released."""
    _check_message(kind, body, actor, uploads)
    mentioned = mentions_check(ticket=ticket, kind=kind, text=body.rendered()[1], actor=actor)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise Conflict("This ticket is closed. Open a new ticket to follow up.")
    after = status_after_changes(ticket, status_after) if status_after else {}
    hold, held_because = ("", "") if released else _hold(ticket, kind, actor)
    if hold:  # kept as an internal note until an approver sends it; nothing else changes
        kind, after = MessageKind.INTERNAL, {}

    message = _message_create(ticket, kind, body, actor, uploads)
    if hold:
        reply_held(hold, ticket, message, held_because)
    now = clock.now()
    changes: dict[str, Any] = {}
    also: list[str] = []
    public = kind == MessageKind.PUBLIC
    by_agent = _is_agent(actor)
    by_requester = actor is not None and not by_agent  # None: the desk itself (rules, macros)
    if public and by_agent:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            also.append("first_response_at")
        if ticket.status == Status.NEW:
            changes["status"] = Status.OPEN
    if public and by_requester and ticket.status in (Status.PENDING, Status.SOLVED):
        changes["status"] = Status.OPEN
    changes.update(after)
    flagged = safety_screen(ticket, message.body_text, actor) if public and by_requester else None
    if flagged is not None:
        also += SAFETY_COLUMNS
    changed, written = apply_changes(ticket, changes, actor, now, also=also)
    if public and not by_requester:  # after the status changed: the mail names the new one
        notify_requester(ticket, message, mail=notify and not delivered_live(ticket, message))
    events.record(events.message_added(ticket, actor, message), *written)
    if flagged is not None:
        events.record(flagged)
        changed = {*changed, "safety"}
    clocks_sync(
        ticket=ticket,
        now=now,
        customer_message=public and by_requester,
        agent_reply=public and by_agent,
    )
    mentions_notify(ticket=ticket, message=message, people=mentioned)
    react(ticket, "message.added", actor, body=message.body_text)
    if changed:
        react(ticket, "field.changed", actor, changed=frozenset(changed))
    return message


def _hold(ticket: Ticket, kind: str, actor: Actor) -> tuple[str, str]:
    """The reply hold that keeps an agent's public reply back, and why (('', '') if none)."""
    if kind != MessageKind.PUBLIC or not _is_agent(actor):
        return "", ""
    return reply_hold(ticket, actor)


def status_after_changes(ticket: Ticket, status_after: Any) -> dict[str, Any]:
    """What "then set status" changes: a custom status (a row or its id) and its category, or
    a category alone (which takes its default status)."""
    custom = resolve_custom(status_after)
    if isinstance(custom, CustomStatus):
        if not custom.active and custom.pk != ticket.custom_status_id:
            raise ValidationFailed(
                "The message was not added.",
                errors={"status_after": ["This status is no longer in use."]},
            )
        return {"custom_status": custom, "status": custom.category}
    if custom not in Status.values or custom == Status.NEW:
        raise ValidationFailed(
            "The message was not added.", errors={"status_after": ["Choose a status."]}
        )
    return {"status": custom}
