"""Live chat: opening hours, visitors' tokens, lines into the ticket, agents' picks and presence.

Every line goes through the ticket services: the visitor's first message opens a ticket on the
chat channel, each later line (visitor or agent) is a public message on it, so service levels
and protocols see a chat as they see mail. Agents' lines send no mail: the visitor reads them
live.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, cast

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from caredesk.accounts.capabilities import is_chat_agent, ticket_workers
from caredesk.accounts.models import AccountKind, Contact, Organization, User
from caredesk.accounts.services import requester_create
from caredesk.chat.live import AGENTS_GROUP, chat_group, publish
from caredesk.chat.models import (
    AgentPresence,
    ChatLine,
    ChatSession,
    ChatStatus,
    ChatUpload,
    EndReason,
    Side,
)
from caredesk.core import clock
from caredesk.core import text as storable
from caredesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caredesk.sla.calendar import BusinessCalendar
from caredesk.sla.models import Calendar
from caredesk.sla.selectors import business_calendar
from caredesk.tickets.models import Attachment, Channel, Message, MessageKind, Status, Ticket
from caredesk.tickets.services import Body, NewTicket, Upload, message_add, ticket_open
from caredesk.tickets.services.attachments import check_uploads
from caredesk.tickets.services.updates import ticket_update

log = logging.getLogger(__name__)

MAX_TEXT = 5_000
MAX_NAME = 200
MAX_FILES = 5
TOKEN_MAX_AGE = 24 * 3600  # a visitor's token outlives any chat
_TOKEN_SALT = "caredesk.chat.visitor"  # noqa: S105 - a signing namespace, not a secret
_FILE_SALT = "caredesk.chat.file"
SWEEP_BATCH = 200  # chats ended per sweep at most; the next minute's sweep takes the rest

# Reference chat hours when the named calendar does not exist: every day 08:00-22:00 Eastern.
REFERENCE_TIMEZONE = "America/New_York"
REFERENCE_HOURS = {day: [(time(8), time(22))] for day in range(7)}


# -- hours and availability ------------------------------------------------------------------


def chat_calendar() -> BusinessCalendar:
    """The calendar of chat hours: CAREDESK_CHAT_CALENDAR by name; empty means always open."""
    name = settings.CAREDESK_CHAT_CALENDAR
    if not name:
        return BusinessCalendar.always()
    row = Calendar.objects.filter(name=name).first()
    if row is None:
        return _reference_calendar()
    return business_calendar(row)


_reference: BusinessCalendar | None = None


def _reference_calendar() -> BusinessCalendar:
    global _reference  # noqa: PLW0603
    if _reference is None:
        _reference = BusinessCalendar(REFERENCE_TIMEZONE, REFERENCE_HOURS)
    return _reference


@dataclass(frozen=True)
class Availability:
    open: bool
    reason: str  # "" when open, "hours" outside chat hours, "agents" when nobody is available
    message: str
    opens_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "open": self.open,
            "reason": self.reason,
            "message": self.message,
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
        }


def available_agents() -> int:
    """Available people who take chats (the role decides, not the account's staff flag)."""
    return AgentPresence.objects.filter(
        available=True, user__in=ticket_workers().exclude(kind=AccountKind.SERVICE)
    ).count()


def chat_availability() -> Availability:
    """Whether a visitor can start a chat now, and if not, why (in words for the widget)."""
    now = clock.now()
    calendar = chat_calendar()
    if not calendar.is_open(now):
        return Availability(
            False,
            "hours",
            "Live chat is closed now. Leave us a message and we will answer by email.",
            calendar.next_opening(now),
        )
    if not available_agents():
        return Availability(
            False,
            "agents",
            "No one is free to chat right now. Leave us a message and we will answer by email.",
        )
    return Availability(True, "", "")


# -- tokens ---------------------------------------------------------------------------------


def visitor_token(session: ChatSession) -> str:
    """The visitor's proof that this chat is theirs (signed; the chat id alone proves nothing)."""
    return signing.dumps({"c": session.pk}, salt=_TOKEN_SALT)


def session_for_token(token: Any) -> ChatSession:
    """The chat a visitor's token names; PermissionDenied for a forged or expired token."""
    if not isinstance(token, str) or not token or len(token) > 500:
        raise PermissionDenied("This chat link is not valid. Start a new chat.")
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise PermissionDenied("This chat link is not valid or has expired.") from None
    session = ChatSession.objects.select_related("agent", "ticket").filter(pk=data.get("c")).first()
    if session is None:
        raise PermissionDenied("This chat link is not valid. Start a new chat.")
    return session


def file_token(attachment_id: int, session_id: int) -> str:
    return signing.dumps({"a": attachment_id, "c": session_id}, salt=_FILE_SALT)


def attachment_for_file_token(token: str) -> Attachment:
    """The attachment a visitor's file link names, if it belongs to that visitor's chat."""
    try:
        data = signing.loads(token, salt=_FILE_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise NotFound("No such file.") from None
    session = ChatSession.objects.filter(pk=data.get("c")).only("ticket_id").first()
    att = Attachment.objects.filter(pk=data.get("a")).select_related("message").first()
    if (
        session is None
        or att is None
        or att.ticket_id != session.ticket_id
        or (att.message is not None and att.message.kind != MessageKind.PUBLIC)
    ):
        raise NotFound("No such file.")
    return att


# -- starting and ending ---------------------------------------------------------------------


def _clean_name(name: Any, errors: dict[str, list[str]]) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        errors["name"] = ["Enter your name."]
    elif len(text) > MAX_NAME:
        errors["name"] = [f"Keep your name to {MAX_NAME} characters or fewer."]
    elif why := storable.problem(text):
        errors["name"] = [why]
    return text


def _page(page_url: Any) -> str:
    """The page the widget was on: filled in by the widget, not typed, so cleaned, not refused."""
    return storable.clean(str(page_url or ""))[:1000]


def _clean_email(email: Any, errors: dict[str, list[str]]) -> str:
    text = str(email or "").strip().lower()
    try:
        validate_email(text)
    except ValidationError:
        errors["email"] = ["Enter an email address such as name@example.org."]
    return text


def chat_start(*, name: Any, email: Any, page_url: Any = "", origin: str = "") -> ChatSession:
    """A new chat for a visitor, if chat is open; it joins the queue with its first message."""
    errors: dict[str, list[str]] = {}
    clean_name = _clean_name(name, errors)
    clean_email = _clean_email(email, errors)
    if errors:
        raise ValidationFailed("The chat could not be started.", errors=errors)
    state = chat_availability()
    if not state.open:
        raise ChatClosed(state)
    return ChatSession.objects.create(
        visitor_name=clean_name,
        visitor_email=clean_email,
        page_url=_page(page_url),
        origin=storable.clean(origin)[:200],
        created_at=clock.now(),
    )


class ChatClosed(Conflict):
    """Chat is not open now: outside hours or nobody available."""

    title = "Chat closed"

    def __init__(self, state: Availability) -> None:
        super().__init__(state.message)
        self.state = state


def chat_end(*, session_id: int, side: str, agent: User | None = None) -> ChatSession:
    """End a chat (either side); ending twice is harmless."""
    with transaction.atomic():
        session = ChatSession.objects.select_for_update(no_key=True).get(pk=session_id)
        if side == Side.AGENT and (agent is None or session.agent_id != agent.pk):
            raise PermissionDenied("Only the agent in this chat can end it.")
        if session.status != ChatStatus.ENDED:
            session.status = ChatStatus.ENDED
            session.ended_at = clock.now()
            session.ended_by = side
            session.save(update_fields=["status", "ended_at", "ended_by"])
    return session


def _unanswered_ticket(chat_token: Any, email: str) -> Ticket | None:
    """The ticket of the visitor's chat that no agent took in time, when the message form was
    offered in its place and the visitor kept the same address."""
    if not chat_token:
        return None
    try:
        session = session_for_token(chat_token)
    except PermissionDenied:
        return None  # an old or altered link: the message still arrives, as a new ticket
    ticket = session.ticket
    if (
        session.end_reason != EndReason.UNANSWERED
        or ticket is None
        or ticket.status == Status.CLOSED  # a closed ticket takes no more: a new one opens
        or session.visitor_email != email
        or session.requester_id != ticket.requester_id
    ):
        return None
    return ticket


def offline_message(
    *, name: Any, email: Any, text: Any, page_url: Any = "", chat_token: Any = None
) -> Message:
    """A message left while chat is closed: a ticket on the chat channel, answered by mail.

    Left after a chat that no agent took in time, it joins that chat's ticket instead, so the
    conversation so far and the message stay together."""
    errors: dict[str, list[str]] = {}
    clean_name = _clean_name(name, errors)
    clean_email = _clean_email(email, errors)
    body = str(text or "").strip()
    if not body:
        errors["message"] = ["Write your message."]
    elif len(body) > MAX_TEXT:
        errors["message"] = [f"Keep the message to {MAX_TEXT:,} characters or fewer."]
    elif why := storable.problem(body):
        errors["message"] = [why]
    if errors:
        raise ValidationFailed("The message could not be sent.", errors=errors)
    follow_up = _unanswered_ticket(chat_token, clean_email)
    if follow_up is not None:
        return message_add(
            ticket=follow_up,
            kind=MessageKind.PUBLIC,
            body=Body(text=body),
            actor=follow_up.requester,
        )
    with transaction.atomic():
        contact = _requester(clean_email, clean_name)
        page = _page(page_url)
        ticket = ticket_open(
            data=NewTicket(
                requester=contact,
                subject=_subject(body, clean_name),
                body=Body(text=body),
                channel=Channel.CHAT,
                tags=("chat-offline",),
                form_data={"page": page} if page else {},
            ),
            actor=contact,
        )
        message = Message.objects.filter(ticket=ticket).order_by("id").first()
    assert message is not None
    return message


# -- lines -----------------------------------------------------------------------------------


def _requester(email: str, name: str) -> Contact:
    """The contact with this address, or a new one (in the organization of its domain)."""
    contact = Contact.objects.select_related("organization").filter(email=email).first()
    if contact is not None:
        return contact
    domain = email.rsplit("@", 1)[-1]
    org = Organization.objects.filter(email_domain__iexact=domain).first()
    try:
        with transaction.atomic():
            return requester_create(email=email, name=name, organization=org)
    except IntegrityError:  # the same person started two chats at once
        return Contact.objects.get(email=email)


def _subject(text: str, name: str) -> str:
    first = " ".join(text.split())
    if not first:
        return f"Chat with {name}"
    return "Chat: " + (first if len(first) <= 80 else first[:79].rstrip() + "…")


def check_line(client_id: Any, text: Any, files: Any) -> tuple[str, str, list[int]]:
    """Validate a line as sent over the socket; field-level errors otherwise."""
    errors: dict[str, list[str]] = {}
    if (
        not isinstance(client_id, str)
        or not 1 <= len(client_id) <= 64
        or not all(c.isalnum() or c in "-_" for c in client_id)
    ):
        errors["id"] = ["Give each message an id of 1 to 64 letters, digits, - or _."]
    if text is None:
        text = ""
    if not isinstance(text, str):
        errors["text"] = ["Send the message as text."]
        text = ""
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"Keep a message to {MAX_TEXT:,} characters or fewer."]
    elif why := storable.problem(text):
        errors["text"] = [why]
    if files is None:
        files = []
    if (
        not isinstance(files, list)
        or len(files) > MAX_FILES
        or not all(isinstance(f, int) and not isinstance(f, bool) for f in files)
    ):
        errors["attachments"] = [f"Attach at most {MAX_FILES} files."]
        files = []
    if not errors and not text.strip() and not files:
        errors["text"] = ["Write a message."]
    if errors:
        raise ValidationFailed("The message was not sent.", errors=errors)
    return client_id, text.strip(), files


def _take_uploads(
    session: ChatSession, side: str, ids: list[int]
) -> tuple[tuple[Upload, ...], list[ChatUpload]]:
    if not ids:
        return (), []
    staged = list(ChatUpload.objects.filter(session=session, side=side, pk__in=ids))
    if len(staged) != len(set(ids)):
        raise ValidationFailed(
            "The message was not sent.",
            errors={"attachments": ["A file is no longer available; attach it again."]},
        )
    uploads = []
    for row in staged:
        with row.file.open("rb") as fh:
            uploads.append(Upload(row.filename, row.content_type, fh.read()))
    return tuple(uploads), staged


def _discard(staged: list[ChatUpload]) -> None:
    """Staged files are copied to the ticket; drop them once that is committed."""
    if not staged:
        return
    names = [cast(str, row.file.name) for row in staged]  # a staged upload has its file
    storage = staged[0].file.storage
    ChatUpload.objects.filter(pk__in=[row.pk for row in staged]).delete()

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


@dataclass(frozen=True)
class Said:
    line: ChatLine
    created: bool  # False: this id was sent before (a resend after reconnecting)
    opened: bool  # the line opened the chat's ticket (the chat joined the queue)


def visitor_say(*, session_id: int, client_id: str, text: str, files: list[int]) -> Said:
    """Write a visitor's line: the first opens the ticket, the others are public replies."""
    with transaction.atomic():
        session = ChatSession.objects.select_for_update(no_key=True).get(pk=session_id)
        earlier = ChatLine.objects.filter(session=session, client_id=client_id).first()
        if earlier is not None:
            return Said(earlier, created=False, opened=False)
        if session.status == ChatStatus.ENDED:
            raise Conflict("This chat has ended. Start a new chat to write again.")
        uploads, staged = _take_uploads(session, Side.VISITOR, files)
        body = Body(text=text)
        opened = session.ticket_id is None
        if opened:
            contact = _requester(session.visitor_email, session.visitor_name)
            ticket = ticket_open(
                data=NewTicket(
                    requester=contact,
                    subject=_subject(text, session.visitor_name),
                    body=body,
                    channel=Channel.CHAT,
                    uploads=uploads,
                    form_data={"page": session.page_url} if session.page_url else {},
                ),
                actor=contact,
            )
            message = (
                Message.objects.filter(ticket=ticket, author_contact=contact).order_by("id").first()
            )
            assert message is not None
            session.ticket = ticket
            session.requester = contact
            session.queued_at = clock.now()
            session.save(update_fields=["ticket", "requester", "queued_at"])
        else:
            assert session.ticket is not None
            message = message_add(
                ticket=session.ticket,
                kind=MessageKind.PUBLIC,
                body=body,
                actor=session.requester,
                uploads=uploads,
            )
        line = ChatLine.objects.create(
            session=session,
            client_id=client_id,
            side=Side.VISITOR,
            message=message,
            created_at=clock.now(),
        )
        _discard(staged)
    return Said(line, created=True, opened=opened)


def agent_say(*, session_id: int, agent: User, client_id: str, text: str, files: list[int]) -> Said:
    """Write an agent's line (no mail); the first one records the reply time against target."""
    with transaction.atomic():
        session = ChatSession.objects.select_for_update(no_key=True).get(pk=session_id)
        earlier = ChatLine.objects.filter(session=session, client_id=client_id).first()
        if earlier is not None:
            return Said(earlier, created=False, opened=False)
        if session.agent_id != agent.pk:
            raise PermissionDenied("Take this chat before writing in it.")
        if session.status != ChatStatus.ACTIVE:
            raise Conflict("This chat has ended.")
        assert session.ticket is not None and session.queued_at is not None
        uploads, staged = _take_uploads(session, Side.AGENT, files)
        message = message_add(
            ticket=session.ticket,
            kind=MessageKind.PUBLIC,
            body=Body(text=text),
            actor=agent,
            uploads=uploads,
            notify=False,
        )
        if message.kind != MessageKind.PUBLIC:  # held for approval: never said live
            raise Conflict(
                "Your replies on this ticket wait for a certified agent's approval; "
                "ask a certified colleague to take this chat."
            )
        now = clock.now()
        _first_reply(session, now)
        line = ChatLine.objects.create(
            session=session, client_id=client_id, side=Side.AGENT, message=message, created_at=now
        )
        _discard(staged)
    return Said(line, created=True, opened=False)


def _first_reply(session: ChatSession, now: datetime) -> None:
    """Record the chat's first reply from the desk against its target, once: a conditional
    update, so two replies racing (the chat and the ticket page) keep the earlier."""
    if session.first_reply_at is not None or session.queued_at is None:
        return
    seconds = (now - session.queued_at).total_seconds()
    met = seconds <= settings.CAREDESK_CHAT_FIRST_REPLY_SECONDS
    ChatSession.objects.filter(pk=session.pk, first_reply_at__isnull=True).update(
        first_reply_at=now, first_reply_seconds=seconds, first_reply_met=met
    )
    session.first_reply_at, session.first_reply_seconds, session.first_reply_met = (
        now,
        seconds,
        met,
    )


def upload_stage(*, session: ChatSession, side: str, upload: Upload) -> ChatUpload:
    """Keep a file for a line about to be sent (same limits as every attachment)."""
    if session.status == ChatStatus.ENDED:
        raise Conflict("This chat has ended.")
    check_uploads([upload], field="file")
    from django.core.files.base import ContentFile

    from caredesk.tickets.services.attachments import clean_filename, content_type_of

    row = ChatUpload(
        session=session,
        side=side,
        filename=clean_filename(upload.filename),
        content_type=content_type_of(upload),
        size=len(upload.data),
        created_at=clock.now(),
    )
    row.file.save("upload", ContentFile(upload.data), save=False)
    row.save()
    return row


# -- agents ----------------------------------------------------------------------------------


def availability_set(*, agent: User, available: bool) -> AgentPresence:
    """Available or away; becoming available counts as being seen (the chat page is open)."""
    if not is_chat_agent(agent):
        raise PermissionDenied("Only agents take chats.")
    now = clock.now()
    defaults: dict[str, Any] = {"available": available, "changed_at": now}
    if available:
        defaults["seen_at"] = now
    presence, _ = AgentPresence.objects.update_or_create(user=agent, defaults=defaults)
    return presence


def is_available(agent: User) -> bool:
    return AgentPresence.objects.filter(user=agent, available=True).exists()


def chat_accept(*, session_id: int, agent: User) -> ChatSession:
    """An available agent takes a waiting chat, within the cap; the ticket becomes theirs."""
    cap = settings.CAREDESK_CHAT_MAX_CONCURRENT
    with transaction.atomic():
        presence = AgentPresence.objects.select_for_update().filter(user=agent).first()
        if presence is None or not presence.available or not is_chat_agent(agent):
            raise Conflict("Set yourself available before taking chats.")
        active = ChatSession.objects.filter(agent=agent, status=ChatStatus.ACTIVE).count()
        if active >= cap:
            raise Conflict(
                f"You have {active} chats open, the most at once is {cap}. "
                "End one before taking another."
            )
        taken = ChatSession.objects.filter(
            pk=session_id, status=ChatStatus.WAITING, queued_at__isnull=False
        ).update(status=ChatStatus.ACTIVE, agent=agent, accepted_at=clock.now())
        if not taken:
            raise Conflict("Another agent has taken this chat, or it has ended.")
        session = ChatSession.objects.select_related("ticket").get(pk=session_id)
        assert session.ticket is not None
        if session.ticket.assignee_id != agent.pk and session.ticket.is_open:
            ticket_update(ticket=session.ticket, changes={"assignee": agent}, actor=agent)
    return session


def waiting_chats() -> list[ChatSession]:
    return list(
        ChatSession.objects.filter(status=ChatStatus.WAITING, queued_at__isnull=False)
        .select_related("ticket")
        .order_by("queued_at", "id")[:100]
    )


def active_chats(agent: User) -> list[ChatSession]:
    return list(
        ChatSession.objects.filter(agent=agent, status=ChatStatus.ACTIVE)
        .select_related("ticket")
        .order_by("accepted_at", "id")
    )


# -- what the sockets send -------------------------------------------------------------------


def lines_payload(session: ChatSession, after: int = 0, limit: int = 500) -> list[dict[str, Any]]:
    """The chat's lines after `after`, as sent to both sides (two queries)."""
    lines = list(
        ChatLine.objects.filter(session=session, pk__gt=after)
        .select_related("message__author_user")
        .order_by("id")[:limit]
    )
    return _payloads(session, lines)


def line_payload(session: ChatSession, line: ChatLine) -> dict[str, Any]:
    return _payloads(session, [line])[0]


def _payloads(session: ChatSession, lines: list[ChatLine]) -> list[dict[str, Any]]:
    files: dict[int, list[dict[str, Any]]] = {}
    for att in Attachment.objects.filter(message_id__in=[ln.message_id for ln in lines]).order_by(
        "id"
    ):
        assert att.message_id is not None
        files.setdefault(att.message_id, []).append(
            {"id": att.pk, "name": att.filename, "size": att.size}
        )
    return [
        {
            "id": ln.pk,
            "chat": session.pk,
            "client_id": ln.client_id,
            "from": ln.side,
            "name": session.visitor_name if ln.side == Side.VISITOR else _author(ln.message),
            "text": ln.message.body_text,
            "at": ln.created_at.isoformat(),
            "attachments": files.get(ln.message_id, []),
        }
        for ln in lines
    ]


def _author(message: Message) -> str:
    """An agent's line is signed by whoever wrote it (in the chat or on the ticket)."""
    author = message.author_user
    return author.get_short_name() if author is not None else "Support"


def session_payload(session: ChatSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "status": session.status,
        "reason": session.end_reason,
        "agent": session.agent.get_short_name() if session.agent else None,
        "ticket": session.ticket.ref if session.ticket_id and session.ticket else None,
    }


# -- replies written on the ticket -----------------------------------------------------------


def ticket_live_status(ticket: Ticket) -> str:
    """What the desk's composer says while the ticket's chat is going (one indexed read)."""
    if ticket.channel != Channel.CHAT:
        return ""
    session = (
        ChatSession.objects.filter(ticket=ticket)
        .exclude(status=ChatStatus.ENDED)
        .order_by("-id")
        .only("visitor_name")
        .first()
    )
    if session is None:
        return ""
    who = session.visitor_name or "the visitor"
    return (
        f"The chat with {who} is still going: a public reply appears in it at once, not by email."
    )


def ticket_reply_live(ticket: Ticket, message: Message) -> bool:
    """A public reply written on the ticket (desk, API, a protocol) while its chat is going: it
    becomes a line of the chat, sent to both sides once committed, and is not mailed.

    Registered with the ticket services; runs inside message_add's transaction. It takes no
    lock on the chat, so it never waits for a line being written in the chat itself."""
    if ticket.channel != Channel.CHAT or message.kind != MessageKind.PUBLIC:
        return False
    session = (
        ChatSession.objects.select_related("agent", "ticket")
        .filter(ticket=ticket)
        .exclude(status=ChatStatus.ENDED)
        .order_by("-id")
        .first()
    )
    if session is None:
        return False
    now = clock.now()
    if message.author_user_id is not None:  # a reply from the desk answers a waiting chat too
        _first_reply(session, now)
    line = ChatLine.objects.create(
        session=session,
        client_id=f"ticket-{message.pk}",
        side=Side.AGENT,
        message=message,
        created_at=now,
    )
    publish(chat_group(session.pk), {"type": "chat.line", "line": line_payload(session, line)})
    return True


# -- who is still there ----------------------------------------------------------------------


def visitor_seen(session_id: int) -> None:
    ChatSession.objects.filter(pk=session_id).update(visitor_seen_at=clock.now())


def agent_seen(agent: User) -> None:
    AgentPresence.objects.filter(user=agent).update(seen_at=clock.now())


def chat_sweep() -> int:
    """The minute's sweep: waiting chats that will not be answered live end on their own, and
    agents whose chat page has been closed for a while are set away. Returns how many of both."""
    return _end_abandoned() + _away_when_gone()


def _end_abandoned() -> int:
    now = clock.now()
    gone = now - timedelta(minutes=settings.CAREDESK_CHAT_VISITOR_GONE_MINUTES)
    slow = now - timedelta(minutes=settings.CAREDESK_CHAT_WAIT_MINUTES)
    left = Q(visitor_seen_at__lt=gone) | Q(visitor_seen_at__isnull=True, created_at__lt=gone)
    ids = list(
        ChatSession.objects.filter(status=ChatStatus.WAITING)
        .filter(left | Q(queued_at__lt=slow))
        .order_by("id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(_end_abandoned_one(pk, gone=gone, slow=slow) for pk in ids)


def _end_abandoned_one(session_id: int, *, gone: datetime, slow: datetime) -> int:
    with transaction.atomic():
        session = ChatSession.objects.select_for_update(no_key=True).get(pk=session_id)
        if session.status != ChatStatus.WAITING:
            return 0  # taken or ended since the sweep looked
        if (session.visitor_seen_at or session.created_at) < gone:
            reason = EndReason.LEFT
            why = (
                "the visitor left before an agent took it "
                f"(no connection for {settings.CAREDESK_CHAT_VISITOR_GONE_MINUTES} minutes)"
            )
        elif session.queued_at is not None and session.queued_at < slow:
            reason = EndReason.UNANSWERED
            why = (
                f"no agent took it within {settings.CAREDESK_CHAT_WAIT_MINUTES} minutes; "
                "the visitor was offered the message form"
            )
        else:
            return 0
        session.status = ChatStatus.ENDED
        session.ended_at = clock.now()
        session.end_reason = reason
        session.save(update_fields=["status", "ended_at", "end_reason"])
        ticket = session.ticket
        if ticket is not None and ticket.status != Status.CLOSED:
            message_add(
                ticket=ticket,
                kind=MessageKind.INTERNAL,
                body=Body(
                    text=f"Live chat ended on its own: {why}. "
                    "The conversation so far is above; answer by email."
                ),
                actor=None,
            )
        if ticket is not None:
            state = {"type": "chat.state", "chat": session_payload(session)}
            publish(chat_group(session.pk), state)
            publish(AGENTS_GROUP, {"type": "chat.queue"})
    return 1


def _away_when_gone() -> int:
    now = clock.now()
    cutoff = now - timedelta(minutes=settings.CAREDESK_CHAT_AGENT_AWAY_MINUTES)
    gone = Q(seen_at__lt=cutoff) | Q(seen_at__isnull=True, changed_at__lt=cutoff)
    count = AgentPresence.objects.filter(gone, available=True).update(
        available=False, changed_at=now
    )
    if count:
        publish(AGENTS_GROUP, {"type": "chat.queue"})
    return count
