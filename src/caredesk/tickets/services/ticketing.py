"""The only writers of tickets and messages. Each call is one transaction with its events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.text import slugify

from caredesk.accounts.models import Contact, Organization, Team, Tier, User
from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.html import html_to_text, sanitize, text_to_html
from caredesk.core.models import OutboxKind
from caredesk.core.outbox import outbox_add
from caredesk.sla.models import SlaClock
from caredesk.sla.selectors import policies as sla_policies
from caredesk.sla.services import sla_open, sla_sync
from caredesk.tickets.models import (
    OPEN_STATUSES,
    STRUCTURED_FIELDS,
    Channel,
    EventKind,
    Message,
    MessageKind,
    Priority,
    RequestType,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.services import events
from caredesk.tickets.services.attachments import Upload, check_uploads, store_uploads
from caredesk.tickets.services.delivery import delivered_live
from caredesk.tickets.services.events import Actor
from caredesk.tickets.services.phi import phi_answer_names, seal_answers

MAX_BODY_CHARS = 100_000
MAX_TAGS = 20
STRUCTURED_MAX = {"patient_id": 64, "clinician_id": 64, "encounter_id": 64, "device_serial": 64}


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


@dataclass(frozen=True)
class NewTicket:
    requester: Contact
    subject: str
    body: Body = field(default_factory=Body)
    channel: str = Channel.PORTAL
    priority: int = Priority.LEVEL3
    category: RequestType | None = None
    team: Team | None = None
    tier: int = Tier.TIER1
    assignee: User | None = None
    organization: Organization | None = None
    tags: tuple[str, ...] = ()
    structured: Mapping[str, str] = field(default_factory=dict)
    form_data: Mapping[str, Any] = field(default_factory=dict)
    uploads: tuple[Upload, ...] = ()


def _check_subject(subject: str, errors: dict[str, list[str]]) -> str:
    subject = " ".join(subject.split())
    if not subject:
        errors.setdefault("subject", []).append("Enter a subject.")
    elif len(subject) > 300:
        errors.setdefault("subject", []).append("Keep the subject to 300 characters or fewer.")
    return subject


def _check_body(body: Body, errors: dict[str, list[str]], *, required: bool) -> None:
    if required and body.empty:
        errors.setdefault("body", []).append("Write a message.")
    if len(body.text) + len(body.html) > MAX_BODY_CHARS:
        errors.setdefault("body", []).append(
            f"Keep the message to {MAX_BODY_CHARS:,} characters or fewer."
        )


def _clean_tags(tags: tuple[str, ...] | list[str], errors: dict[str, list[str]]) -> list[str]:
    cleaned = sorted({slugify(t)[:50] for t in tags if slugify(t)})
    if len(cleaned) > MAX_TAGS:
        errors.setdefault("tags", []).append(f"Use at most {MAX_TAGS} tags.")
    return cleaned


def _check_structured(values: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in STRUCTURED_FIELDS:
            errors.setdefault(key, []).append("Unknown field.")
            continue
        text = "" if value is None else str(value).strip()
        limit = STRUCTURED_MAX.get(key, 100)
        if len(text) > limit:
            errors.setdefault(key, []).append(f"Keep this to {limit} characters or fewer.")
        out[key] = text
    return out


def _check_assignee(assignee: User | None, errors: dict[str, list[str]]) -> None:
    if assignee is not None and not assignee.is_agent:
        errors.setdefault("assignee", []).append("Only active agents can be assigned tickets.")


def _tags_named(names: set[str]) -> dict[str, Tag]:
    """The tags with these names, creating the missing ones."""
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in sorted(names) if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    return existing


def _set_tags(ticket: Ticket, names: list[str]) -> None:
    ticket.tags.set(_tags_named(set(names)).values())


def _set_tags_many(pairs: list[tuple[Ticket, list[str]]]) -> None:
    """Tag new tickets: one read (and at most one write) of tags, one INSERT of links."""
    if not pairs:
        return
    tags = _tags_named({n for _t, names in pairs for n in names})
    through = Ticket.tags.through
    through.objects.bulk_create(
        [through(ticket_id=t.pk, tag_id=tags[n].pk) for t, names in pairs for n in names]
    )


def _check_new(data: NewTicket) -> tuple[str, list[str], dict[str, str]]:
    """Validate a new ticket without touching the database; returns the cleaned values."""
    errors: dict[str, list[str]] = {}
    subject = _check_subject(data.subject, errors)
    _check_body(data.body, errors, required=False)
    tags = _clean_tags(data.tags, errors)
    structured = _check_structured(data.structured, errors)
    _check_assignee(data.assignee, errors)
    if data.priority not in Priority.values:
        errors.setdefault("priority", []).append("Choose a level from 1 to 4.")
    if data.channel not in Channel.values:
        errors.setdefault("channel", []).append("Unknown channel.")
    if errors:
        raise ValidationFailed("The ticket could not be opened.", errors=errors)
    check_uploads(list(data.uploads))
    return subject, tags, structured


@dataclass(frozen=True)
class Opened:
    """A newly opened ticket with what was written beside it (for answering without re-reads)."""

    ticket: Ticket
    tags: list[str]
    clocks: list[SlaClock]
    message: Message | None = None  # the first message, when one was written


def ticket_open(*, data: NewTicket, actor: Actor) -> Ticket:
    """Open a ticket with its first message; writes the created event."""
    return tickets_open(items=[data], actor=actor)[0].ticket


def _new_ticket(
    data: NewTicket,
    subject: str,
    structured: dict[str, str],
    now: Any,
    phi_names: dict[int | None, frozenset[str]],
) -> Ticket:
    category = data.category
    key = category.pk if category else None
    if data.form_data and key not in phi_names:  # read once per request type in a batch
        phi_names[key] = phi_answer_names(category)
    return Ticket(
        subject=subject,
        status=Status.OPEN if data.assignee else Status.NEW,
        is_open=True,
        priority=data.priority,
        channel=data.channel,
        category=category,
        requester=data.requester,
        organization=data.organization or data.requester.organization,
        team=data.team or (category.default_team if category else None),
        tier=data.tier,
        assignee=data.assignee,
        form_data=seal_answers(data.form_data, phi_names[key]) if data.form_data else {},
        created_at=now,
        updated_at=now,
        status_changed_at=now,
        **structured,
    )


@dataclass
class _Draft:
    """One ticket being opened, and everything written with it."""

    data: NewTicket
    ticket: Ticket
    tags: list[str]
    clocks: list[SlaClock] = field(default_factory=list)
    message: Message | None = None
    author: Actor = None
    decision: Any = None  # what the protocols decided (rules.services.Decided)
    written: list[TicketEvent] = field(default_factory=list)
    routed: list[TicketEvent] = field(default_factory=list)  # the protocols' field changes
    extra: list[tuple[Message, str]] = field(default_factory=list)  # their notes and replies


def _drafts(items: list[NewTicket], now: Any) -> list[_Draft]:
    """Validate every item (naming the item, `2.subject`, when there are several)."""
    drafts = []
    errors: dict[str, list[str]] = {}
    phi_names: dict[int | None, frozenset[str]] = {}
    for i, data in enumerate(items):
        try:
            subject, tags, structured = _check_new(data)
        except ValidationFailed as exc:
            if len(items) == 1:
                raise
            errors.update({f"{i}.{key}": msgs for key, msgs in exc.errors.items()})
            continue
        ticket = _new_ticket(data, subject, structured, now, phi_names)
        drafts.append(_Draft(data, ticket, tags))
    if errors:
        raise ValidationFailed("Some tickets could not be opened.", errors=errors)
    return drafts


def tickets_open(*, items: list[NewTicket], actor: Actor) -> list[Opened]:
    """Open tickets (one, or a batch from an import): all or none.

    Every item is validated first, and the protocols decide how each is routed before anything
    is written. Then one transaction writes the tickets (as routed), their messages (the first
    one, and the protocols' notes and canned replies), all their events (created as sent, then
    each rule's change) and their SLA clocks, one INSERT per table whatever the number; the
    protocols' remaining actions (escalations, notifications, integrations) follow.
    """
    now = clock.now()
    drafts = _drafts(items, now)
    _prepare(drafts, actor, now)
    # Validation is done: no savepoint is needed inside a caller's transaction.
    with transaction.atomic(savepoint=False):
        _insert(drafts, actor)
        touched = _after_insert(drafts)
    opened = [
        Opened(ticket=d.ticket, tags=d.tags, clocks=d.clocks, message=d.message) for d in drafts
    ]
    return _reread(opened, touched) if touched else opened


def _prepare(drafts: list[_Draft], actor: Actor, now: Any) -> None:
    """First messages, the protocols' routing (applied before insert), then the SLA clocks."""
    from caredesk.rules.services import rules_decide_new

    for d in drafts:
        if not d.data.body.empty or d.data.uploads:
            d.author = actor if actor is not None else d.data.requester
            d.message = _message_new(d.ticket, MessageKind.PUBLIC, d.data.body, d.author)
        d.ticket._opening_tags = d.tags  # type: ignore[attr-defined]  # read by add_tags
    decided = rules_decide_new(
        drafts=[(d.ticket, d.message.body_text if d.message else "", d.tags) for d in drafts]
    )
    for d, decision in zip(drafts, decided, strict=True):
        d.decision = decision
        d.written = [events.created(d.ticket, actor)]  # the ticket as it was sent
        if decision is not None:
            d.routed = _route_new(d, decision.changes, decision.via, now)
    candidates = sla_policies()
    for d in drafts:
        d.clocks = sla_open(ticket=d.ticket, now=now, candidates=candidates)


def _insert(drafts: list[_Draft], actor: Actor) -> None:
    """One INSERT per table for all the drafts."""
    from caredesk.rules.services import rules_new_messages

    Ticket.objects.bulk_create([d.ticket for d in drafts])
    _set_tags_many([(d.ticket, d.tags) for d in drafts if d.tags])
    for d in drafts:  # now that references exist, the protocols' notes and replies
        if d.decision is not None:
            d.extra = [
                (_message_new(d.ticket, kind, Body(text=text), None), rule)
                for kind, text, rule in rules_new_messages(ticket=d.ticket, decided=d.decision)
            ]
    Message.objects.bulk_create(
        [d.message for d in drafts if d.message] + [m for d in drafts for m, _r in d.extra]
    )
    for d in drafts:
        if d.message is not None:
            if d.data.uploads:
                store_uploads(d.ticket, d.message, list(d.data.uploads))
            d.written.append(events.message_added(d.ticket, d.author, d.message))
        d.written += d.routed
        d.written += [events.message_added(d.ticket, None, m, rule=r) for m, r in d.extra]
    events.record(*[e for d in drafts for e in d.written])
    SlaClock.objects.bulk_create([c for d in drafts for c in d.clocks])


def _after_insert(drafts: list[_Draft]) -> set[int]:
    """Mail for canned replies, then the protocols' other actions; the tickets they touched."""
    from caredesk.rules.services import rules_after_open

    touched = set()
    for d in drafts:
        for message, _rule in d.extra:
            if message.kind == MessageKind.PUBLIC:
                _notify_requester(d.ticket, message)
        if d.decision is not None:
            rules_after_open(ticket=d.ticket, decided=d.decision)
            if d.decision.others:
                touched.add(d.ticket.pk)
    return touched


def _route_new(
    d: _Draft, changes: Mapping[str, Any], via: Mapping[str, str], now: Any
) -> list[TicketEvent]:
    """Apply the protocols' field changes to a ticket before it is inserted; their events."""
    errors = _validate_changes(d.ticket, changes)
    changes = dict(changes)
    if changes.get("assignee") and "status" not in changes and d.ticket.status == Status.NEW:
        changes["status"] = Status.OPEN  # someone owns it now, as when an agent assigns it
    written = []
    for key, new in changes.items():
        if key in errors:  # a rule asked for something impossible; the ticket still opens
            continue
        if key == "tags":
            tags = _clean_tags(list(new or []), {})
            if tags != d.tags:
                written.append(
                    events.field_changed(d.ticket, None, "tags", d.tags, tags, rule=via.get(key))
                )
                d.tags = tags
            continue
        old = getattr(d.ticket, key)
        if _ref_value(old) == _ref_value(new):
            continue
        setattr(d.ticket, key, new)
        written.append(
            events.field_changed(
                d.ticket, None, key, _ref_value(old), _ref_value(new), rule=via.get(key)
            )
        )
        if key == "status":
            _status_side_columns(d.ticket, new, now)
    return written


def _reread(opened: list[Opened], ids: set[int]) -> list[Opened]:
    """The tickets rules changed, as they are now (three queries, however many)."""
    fresh = Ticket.objects.select_related(
        "requester", "organization", "team", "assignee", "category"
    ).in_bulk(ids)
    tags: dict[int, list[str]] = {}
    for ticket_id, name in Ticket.tags.through.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "tag__name"
    ):
        tags.setdefault(ticket_id, []).append(name)
    clocks: dict[int, list[SlaClock]] = {}
    for row in SlaClock.objects.filter(ticket_id__in=ids).order_by("ticket_id", "id"):
        clocks.setdefault(row.ticket_id, []).append(row)
    return [
        Opened(
            ticket=fresh[o.ticket.pk],
            tags=tags.get(o.ticket.pk, []),
            clocks=clocks.get(o.ticket.pk, []),
            message=o.message,
        )
        if o.ticket.pk in ids
        else o
        for o in opened
    ]


def _message_new(ticket: Ticket, kind: str, body: Body, actor: Actor) -> Message:
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
    message = _message_new(ticket, kind, body, actor)
    message.save(force_insert=True)
    if uploads:
        store_uploads(ticket, message, list(uploads))
    return message


def _is_agent(actor: Actor) -> bool:
    return isinstance(actor, User) and actor.is_agent


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
) -> Message:
    """Add a reply or note; requester replies reopen, agent replies count as responses.

    `notify=False` sends no mail for a public reply: the requester is reading it live (chat).
    A reply on a ticket whose chat is still going is shown in the chat instead of mailed."""
    errors: dict[str, list[str]] = {}
    _check_body(body, errors, required=not uploads)
    if kind not in MessageKind.values:
        errors.setdefault("kind", []).append("Unknown message kind.")
    elif kind != MessageKind.PUBLIC and actor is not None and not _is_agent(actor):
        errors.setdefault("kind", []).append("Only agents can add internal notes.")
    if errors:
        raise ValidationFailed("The message could not be added.", errors=errors)
    check_uploads(list(uploads))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise Conflict("This ticket is closed. Open a new ticket to follow up.")

    message = _message_create(ticket, kind, body, actor, uploads)
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
    if public and not by_requester:
        _notify_requester(ticket, message, mail=notify and not delivered_live(ticket, message))
    elif public and ticket.status in (Status.PENDING, Status.SOLVED):
        changes["status"] = Status.OPEN
    if status_after:
        changes["status"] = status_after
    changed, written = _apply(ticket, changes, actor, now, also=also)
    events.record(events.message_added(ticket, actor, message), *written)
    sla_sync(
        ticket=ticket,
        now=now,
        customer_message=public and by_requester,
        agent_reply=public and by_agent,
    )
    _react(ticket, "message.added", actor, body=message.body_text)
    if changed:
        _react(ticket, "field.changed", actor, changed=frozenset(changed))
    return message


def _react(ticket: Ticket, trigger: str, actor: Actor, **facts: Any) -> None:
    """Let the active policies react to what just happened (same transaction)."""
    from caredesk.rules.services import rules_react

    rules_react(ticket=ticket, trigger=trigger, actor=actor, **facts)


def _notify_requester(ticket: Ticket, message: Message, *, mail: bool = True) -> None:
    """Mail a public reply to the requester, threaded so their answer finds this ticket."""
    if not mail:
        return
    context = {"ticket": ticket, "message": message, "base_url": settings.CAREDESK_BASE_URL}
    mail_requester(
        ticket,
        subject=f"[{ticket.ref}] {ticket.subject}",
        body=render_to_string("mail/agent_reply.txt", context),
        message=message,
    )


def mail_requester(
    ticket: Ticket,
    *,
    subject: str,
    body: str,
    message: Message | None = None,
    auto: str = "auto-generated",
) -> None:
    """Queue mail to the requester: threaded on the conversation so far, from the organization's
    own sender when it has one, with a Reply-To that leads back to this ticket."""
    if not ticket.requester.email:
        return
    tag = f"cd{ticket.pk}.{message.pk}" if message else f"cd{ticket.pk}.ack"
    message_id = make_msgid(idstring=tag, domain=mail_domain())
    earlier = Message.objects.filter(ticket=ticket).exclude(email_message_id="")
    if message is not None:
        earlier = earlier.exclude(pk=message.pk)
    refs = list(earlier.order_by("-id").values_list("email_message_id", flat=True)[:10])
    headers = {"Message-ID": message_id, "Auto-Submitted": auto}
    if refs:
        headers["In-Reply-To"] = refs[0]
        headers["References"] = " ".join(reversed(refs))
    reply_to = reply_address(ticket)
    if reply_to:
        headers["Reply-To"] = reply_to
    if message is not None:
        Message.objects.filter(pk=message.pk).update(email_message_id=message_id)
    payload: dict[str, Any] = {
        "to": [ticket.requester.email],
        "subject": subject,
        "body": body,
        "headers": headers,
    }
    org = ticket.organization
    if org is not None and org.mail_from:
        payload["from"] = org.mail_from
    outbox_add(kind=OutboxKind.EMAIL, payload=payload)


def mail_domain() -> str:
    """The domain of the Message-IDs CareDesk writes (its own host name)."""
    return urlsplit(settings.CAREDESK_BASE_URL).hostname or "caredesk.local"


def reply_address(ticket: Ticket) -> str:
    """support+t1042-<signature>@domain: a reply to it finds the ticket whatever the subject."""
    org = ticket.organization
    address = (org.mail_reply_to if org is not None else "") or settings.CAREDESK_REPLY_ADDRESS
    if not address or "@" not in address:
        return ""
    from caredesk.intake.mail import build_reply_token

    local, domain = address.rsplit("@", 1)
    return f"{local}+{build_reply_token(settings.SECRET_KEY.encode(), ticket.pk)}@{domain}"


UPDATABLE = {
    "status",
    "priority",
    "team",
    "tier",
    "assignee",
    "category",
    "tags",
    *STRUCTURED_FIELDS,
    "form",
    # set by the rules (not offered in the API or the properties form)
    "guidance",
    "escalation_block",
    "wake_at",
}


def _validate_changes(ticket: Ticket, changes: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key in changes:
        if key not in UPDATABLE:
            errors.setdefault(key, []).append("This field cannot be changed.")
    status = changes.get("status")
    if status is not None:
        if status not in Status.values:
            errors.setdefault("status", []).append("Unknown status.")
        elif status == Status.NEW and ticket.status != Status.NEW:
            errors.setdefault("status", []).append("A ticket cannot go back to new.")
    if "priority" in changes and changes["priority"] not in Priority.values:
        errors.setdefault("priority", []).append("Choose a level from 1 to 4.")
    if "tier" in changes and changes["tier"] not in Tier.values:
        errors.setdefault("tier", []).append("Choose tier 1, 2 or 3.")
    if "assignee" in changes:
        _check_assignee(changes["assignee"], errors)
    form = changes.get("form")
    if form is not None and (
        not isinstance(form, Mapping)
        or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= 2000 for k, v in form.items()
        )
    ):
        errors.setdefault("form", []).append("Give answers as text, 2,000 characters at most.")
    return errors


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    changes: Mapping[str, Any],
    actor: Actor,
    via: Mapping[str, str] | None = None,
) -> Ticket:
    """Change ticket properties; writes one event per field that really changed.

    `via` names, per field, the rule that decided the change (the rules apply a whole plan's
    field changes in one update)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    errors = _validate_changes(ticket, changes)
    values = dict(changes)
    if "tags" in values:
        values["tags"] = _clean_tags(list(values["tags"] or []), errors)
    structured = {k: v for k, v in values.items() if k in STRUCTURED_FIELDS}
    values.update(_check_structured(structured, errors))
    if errors:
        raise ValidationFailed("The ticket could not be updated.", errors=errors)
    if ticket.status == Status.CLOSED and values.get("status", Status.CLOSED) != Status.CLOSED:
        raise Conflict("This ticket is closed and cannot be reopened.")
    if values.get("assignee") and values.get("status", ticket.status) == Status.NEW:
        values["status"] = Status.OPEN  # someone owns it now
    now = clock.now()
    changed, written = _apply(ticket, values, actor, now, via=via)
    events.record(*written)
    if changed & SLA_FIELDS:
        sla_sync(ticket=ticket, now=now)
    if changed - RULE_FIELDS:
        _react(ticket, "field.changed", actor, changed=frozenset(changed))
    if "status" in changed:
        _react(ticket, "status.changed", actor, changed=frozenset(changed))
    return ticket


RULE_FIELDS = frozenset({"guidance", "escalation_block", "wake_at"})


class EscalationBlocked(Conflict):
    """The protocol says this ticket is not to be escalated; the message says why."""

    title = "Escalation blocked"


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    team: Team,
    actor: Actor,
    reason: str,
    action_taken: str = "",
    next_steps: str = "",
    tier: int | None = None,
    override_reason: str = "",
) -> Ticket:
    """Move a ticket up (to `team`, and its tier) and record why, what was done, what is next.

    A protocol can forbid it (the ticket's escalation block, or a rule reacting to the request);
    then it goes ahead only with an override reason, which is recorded with it.
    """
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Say why the ticket needs escalating."]
    if tier is not None and tier not in Tier.values:
        errors["tier"] = ["Choose tier 1, 2 or 3."]
    if errors:
        raise ValidationFailed("The ticket could not be escalated.", errors=errors)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not ticket.is_open:
        raise Conflict("Only open tickets can be escalated.")
    from caredesk.rules.services import escalation_check

    block = escalation_check(ticket=ticket, team=team, actor=actor)
    if block and not override_reason.strip():
        raise EscalationBlocked(block, errors={"override_reason": [block]})
    new_tier = tier or team.tier or min(ticket.tier + 1, Tier.TIER3)
    data: dict[str, Any] = {
        "from_team": ticket.team_id,
        "to_team": team.pk,
        "from_tier": ticket.tier,
        "to_tier": new_tier,
        "reason": reason.strip(),
        "action_taken": action_taken.strip(),
        "next_steps": next_steps.strip(),
    }
    if block:
        data.update(blocked_by=block, override_reason=override_reason.strip())
    now = clock.now()
    changes: dict[str, Any] = {"team": team, "tier": new_tier, "escalation_block": ""}
    if ticket.assignee_id and not team.members.filter(pk=ticket.assignee_id).exists():
        changes["assignee"] = None  # the new team picks it up
    changed, written = _apply(ticket, changes, actor, now)
    events.record(events.escalated(ticket, actor, data), *written)
    _react(ticket, "field.changed", actor, changed=frozenset(changed))
    return ticket


def _ref_value(value: Any) -> Any:
    """How a value is recorded in an event: rows by id, instants as ISO 8601 text."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime):
        return value.isoformat()
    return value


SLA_FIELDS = frozenset({"status", "priority", "category"})


def _apply(
    ticket: Ticket,
    changes: Mapping[str, Any],
    actor: Actor,
    now: Any,
    *,
    also: tuple[str, ...] | list[str] = (),
    via: Mapping[str, str] | None = None,
) -> tuple[set[str], list[TicketEvent]]:
    """Write the changed fields (and the columns in `also`, already set on the ticket) in one
    UPDATE; returns the names of the fields changed and their events, for the caller to record.
    """
    dirty: list[str] = list(also)
    written: list[TicketEvent] = []
    formed: set[str] = set()
    for key, new in changes.items():
        if key == "form":  # form answers: merged, one event per answer that changed
            answers = dict(ticket.form_data or {})
            for name, value in seal_answers(new, phi_answer_names(ticket.category_id)).items():
                if answers.get(name) != value:
                    written.append(
                        events.field_changed(
                            ticket, actor, f"form.{name}", answers.get(name), value
                        )
                    )
                    answers[name] = value
                    formed.add(f"form.{name}")
            if formed:
                ticket.form_data = answers
                dirty.append("form_data")
            continue
        if key == "tags":
            old_tags = sorted(ticket.tags.values_list("name", flat=True))
            if old_tags != new:
                _set_tags(ticket, new)
                rule = (via or {}).get("tags")
                written.append(
                    events.field_changed(ticket, actor, "tags", old_tags, new, rule=rule)
                )
            continue
        old = getattr(ticket, key)
        if _ref_value(old) == _ref_value(new):
            continue
        setattr(ticket, key, new)
        dirty.append(key)
        written.append(
            events.field_changed(
                ticket, actor, key, _ref_value(old), _ref_value(new), rule=(via or {}).get(key)
            )
        )
        if key == "status":
            dirty += _status_side_columns(ticket, new, now)
    ticket.updated_at = now
    ticket.save(update_fields=[*dirty, "updated_at"])
    return (set(dirty) - set(also) - {"form_data"}) | formed, written


def _status_side_columns(ticket: Ticket, status: str, now: Any) -> list[str]:
    ticket.is_open = status in OPEN_STATUSES
    ticket.status_changed_at = now
    if status == Status.SOLVED:
        ticket.solved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    else:
        ticket.solved_at = None
    return ["is_open", "solved_at", "closed_at", "status_changed_at"]


@transaction.atomic
def follower_add(*, ticket: Ticket, follower: User, actor: Actor) -> None:
    """Add an agent to the ticket's followers (idempotent)."""
    if not follower.is_agent:
        raise ValidationFailed(
            "Only agents can follow tickets.", errors={"follower": ["Not an agent."]}
        )
    if ticket.followers.filter(pk=follower.pk).exists():
        return
    ticket.followers.add(follower)
    events.record(events.follower_added(ticket, actor, follower))


@transaction.atomic
def follower_remove(*, ticket: Ticket, follower: User, actor: Actor) -> None:
    """Stop following a ticket (idempotent)."""
    if not ticket.followers.filter(pk=follower.pk).exists():
        return
    ticket.followers.remove(follower)
    events.record(events.field_changed(ticket, actor, "followers", follower.pk, None))


@transaction.atomic
def tracker_linked(*, issue: Any, key: str, url: str) -> None:
    """Record the engineering issue opened for a ticket (its key and link) on the ticket."""
    issue.key, issue.url, issue.status, issue.last_error = key, url, "open", ""
    issue.updated_at = clock.now()
    issue.save(update_fields=["key", "url", "status", "last_error", "updated_at"])
    events.record(events.happened(issue.ticket, EventKind.TRACKER_LINKED, None, key=key, url=url))


@transaction.atomic
def tracker_status_changed(*, issue: Any, status: str) -> None:
    """The tracker says the linked issue moved; note it on the ticket for the agents."""
    if issue.status == status:
        return
    old, issue.status, issue.updated_at = issue.status, status, clock.now()
    issue.save(update_fields=["status", "updated_at"])
    events.record(
        events.happened(
            issue.ticket, EventKind.TRACKER_LINKED, None, key=issue.key, old=old, status=status
        )
    )
    message_add(
        ticket=issue.ticket,
        kind=MessageKind.INTERNAL,
        body=Body(text=f"Engineering issue {issue.key} is now “{status}”."),
        actor=None,
    )
