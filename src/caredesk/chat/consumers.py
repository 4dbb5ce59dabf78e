"""The chat's websockets: one for visitors (the widget), one for agents (the desk).

Frames are JSON objects with a `type`. Every frame is checked (JSON, type, sizes, fields) and a
bad one is answered with an `error` frame naming what was wrong; the socket stays open. A line
carries the sender's own `id`: the server answers `ack` with that id once the line is written,
and a line sent again with the same id (after a reconnect) is acknowledged, not written twice.
`hello`/`watch` with `after` (the last line id seen) replays what was missed.

Sockets record when they were last heard from (at most once a minute; both pages send `ping`
every 25 seconds, and a closing socket records its last moment): the minute's sweep ends waiting
chats whose visitor has gone and sets away agents whose chat page has been closed.

Database work runs in database_sync_to_async; frames between sockets go through the channel
layer (in-process when embedded, Redis in the scale-out mode).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from caredesk.accounts.capabilities import is_chat_agent
from caredesk.accounts.sessions import session_alive
from caredesk.chat import services
from caredesk.chat.live import AGENTS_GROUP, chat_group, desk_group, remember_loop
from caredesk.chat.models import ChatSession, ChatStatus, Side
from caredesk.chat.origins import header, same_origin, scope_client_ip, widget_origin
from caredesk.core import clock, ratelimit
from caredesk.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed

log = logging.getLogger(__name__)

MAX_FRAME = 64 * 1024
TYPING_EVERY = 1.0  # seconds: typing frames passed on at most this often per socket
SEEN_EVERY = 60  # seconds: a socket records that it is still there at most this often
CLOSE_FORBIDDEN = 4403
CLOSE_SIGNED_OUT = 4401  # the agent's session ended (sign-out, inactivity, time limit)
SESSION_CHECK_EVERY = 20  # seconds: an agent's session is re-read at most this often


def _code(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return "invalid"
    if isinstance(exc, PermissionDenied):
        return "forbidden"
    if isinstance(exc, services.ChatClosed):
        return "closed"
    if isinstance(exc, Conflict):
        return "conflict"
    return "bad_request"


class _ChatSocket(AsyncWebsocketConsumer):
    """Frame parsing, dispatch and error answers shared by both sides."""

    handlers: dict[str, str] = {}

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.error("bad_frame", "Send text frames holding JSON objects.")
            return
        if len(text_data) > MAX_FRAME:
            await self.error("too_large", f"Keep a frame under {MAX_FRAME // 1024} KB.")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.error("bad_frame", "This frame is not valid JSON.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.error("bad_frame", 'Send a JSON object with a "type".')
            return
        name = self.handlers.get(frame["type"])
        line_id = frame.get("id") if isinstance(frame.get("id"), str) else None
        if name is None:
            await self.error("unknown_type", f"Unknown frame type {frame['type'][:40]!r}.")
            return
        handler: Callable[[dict[str, Any]], Awaitable[None]] = getattr(self, name)
        try:
            await handler(frame)
            await self._heard()
        except DomainError as exc:
            await self.error(_code(exc), exc.detail, errors=exc.errors, id=line_id)
        except Exception:
            log.exception("chat frame %s failed", frame["type"])  # no content in the log
            await self.error(
                "server", "Something went wrong; this was not saved. Try again.", id=line_id
            )

    async def _heard(self, *, now: bool = False) -> None:
        """Record that this socket's person is still there (throttled unless `now`)."""
        at = clock.now()
        last = getattr(self, "_heard_at", None)
        if not now and last is not None and (at - last).total_seconds() < SEEN_EVERY:
            return
        if await self.record_seen():
            self._heard_at = at

    async def record_seen(self) -> bool:
        return False

    async def error(self, code: str, message: str, **extra: Any) -> None:
        frame = {"type": "error", "code": code, "message": message}
        frame.update({k: v for k, v in extra.items() if v not in (None, {})})
        await self.send_json(frame)

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame))

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    def _typing_allowed(self, state: bool) -> bool:
        if not state:
            return True
        now = time.monotonic()
        if now - getattr(self, "_typed_at", 0.0) < TYPING_EVERY:
            return False
        self._typed_at = now
        return True


def _after(frame: dict[str, Any]) -> int:
    after = frame.get("after", 0)
    if after is None:
        return 0
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise ValidationFailed("Bad frame.", errors={"after": ["Give the last line id seen."]})
    return after


def _visitor_urls(line: dict[str, Any]) -> dict[str, Any]:
    files = [
        {**f, "url": "/chat/files/" + services.file_token(f["id"], line["chat"])}
        for f in line["attachments"]
    ]
    return {**line, "attachments": files}


def _agent_urls(line: dict[str, Any]) -> dict[str, Any]:
    files = [{**f, "url": f"/api/v1/attachments/{f['id']}/download"} for f in line["attachments"]]
    return {**line, "attachments": files}


# -- database calls --------------------------------------------------------------------------


@database_sync_to_async
def _visitor_hello(
    token: Any, after: int, ip: str
) -> tuple[int, dict[str, Any], list[dict[str, Any]]] | int:
    """The chat and the lines after `after`; the seconds to wait when over the rate limit."""
    verdict = ratelimit.hit("chat-hello", ip, limit=settings.CAREDESK_RATE_CHAT, window=60)
    if not verdict.allowed:
        return verdict.retry_after
    session = services.session_for_token(token)
    return (
        session.pk,
        services.session_payload(session),
        services.lines_payload(session, after),
    )


@database_sync_to_async
def _visitor_seen(session_id: int) -> None:
    services.visitor_seen(session_id)


@database_sync_to_async
def _agent_seen(agent: Any) -> None:
    services.agent_seen(agent)


@database_sync_to_async
def _visitor_say(
    session_id: int, client_id: str, text: str, files: list[int], ip: str
) -> tuple[services.Said | None, dict[str, Any] | int]:
    """Count the line against the rate limit, then write it; (None, retry_after) when over."""
    verdict = ratelimit.hit("chat", ip, limit=settings.CAREDESK_RATE_CHAT, window=60)
    if not verdict.allowed:
        return None, verdict.retry_after
    said = services.visitor_say(session_id=session_id, client_id=client_id, text=text, files=files)
    session = ChatSession.objects.select_related("agent").get(pk=session_id)
    return said, services.line_payload(session, said.line)


@database_sync_to_async
def _agent_say(
    session_id: int, agent: Any, client_id: str, text: str, files: list[int]
) -> tuple[services.Said, dict[str, Any]]:
    said = services.agent_say(
        session_id=session_id, agent=agent, client_id=client_id, text=text, files=files
    )
    session = ChatSession.objects.select_related("agent").get(pk=session_id)
    return said, services.line_payload(session, said.line)


@database_sync_to_async
def _end(session_id: int, side: str, agent: Any = None) -> dict[str, Any]:
    services.chat_end(session_id=session_id, side=side, agent=agent)
    session = ChatSession.objects.select_related("agent", "ticket").get(pk=session_id)
    return services.session_payload(session)


@database_sync_to_async
def _agent_chats(agent: Any) -> tuple[list[int], bool]:
    services.agent_seen(agent)
    ids = list(
        ChatSession.objects.filter(agent=agent, status=ChatStatus.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    return ids, services.is_available(agent)


@database_sync_to_async
def _watch(agent: Any, chat_id: Any, after: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    session = (
        ChatSession.objects.select_related("agent", "ticket")
        .filter(pk=chat_id if isinstance(chat_id, int) else 0)
        .first()
    )
    if session is None or session.agent_id != agent.pk:
        raise PermissionDenied("This chat is not one of yours.")
    return services.session_payload(session), services.lines_payload(session, after)


@database_sync_to_async
def _accept(agent: Any, chat_id: int) -> dict[str, Any]:
    session = services.chat_accept(session_id=chat_id, agent=agent)
    session = ChatSession.objects.select_related("agent", "ticket").get(pk=session.pk)
    return services.session_payload(session)


def _chat_id(frame: dict[str, Any]) -> int:
    chat = frame.get("chat")
    if not isinstance(chat, int) or isinstance(chat, bool) or chat <= 0:
        raise ValidationFailed("Bad frame.", errors={"chat": ["Name the chat by its id."]})
    return chat


def _state(frame: dict[str, Any]) -> bool:
    state = frame.get("state")
    if not isinstance(state, bool):
        raise ValidationFailed("Bad frame.", errors={"state": ["Send true or false."]})
    return state


# -- visitors --------------------------------------------------------------------------------


class VisitorConsumer(_ChatSocket):
    """The widget's socket. Origin: CAREDESK_CHAT_ORIGINS or the desk; identity: the token."""

    handlers = {
        "hello": "on_hello",
        "message": "on_message",
        "typing": "on_typing",
        "end": "on_end",
        "ping": "on_ping",
    }

    async def connect(self) -> None:
        self.session_id: int | None = None
        headers = self.scope.get("headers", [])
        if not widget_origin(header(headers, b"origin"), header(headers, b"host")):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        remember_loop()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.session_id is not None:
            await self.channel_layer.group_discard(chat_group(self.session_id), self.channel_name)
            await self._heard(now=True)  # gone from now on, unless the visitor comes back

    async def record_seen(self) -> bool:
        if self.session_id is None:
            return False
        await _visitor_seen(self.session_id)
        return True

    def _chat(self) -> int:
        if self.session_id is None:
            raise Conflict("Send hello with your chat token first.")
        return self.session_id

    async def on_hello(self, frame: dict[str, Any]) -> None:
        after = _after(frame)
        hello = await _visitor_hello(frame.get("token"), after, scope_client_ip(self.scope))
        if isinstance(hello, int):
            await self.error(
                "rate_limited",
                "Too many connections from your network. Connecting again shortly.",
                retry_after=hello,
            )
            return
        session_id, chat, lines = hello
        if self.session_id not in (None, session_id):
            raise Conflict("This connection already belongs to another chat.")
        if self.session_id is None:
            self.session_id = session_id
            await self.channel_layer.group_add(chat_group(session_id), self.channel_name)
        await self.send_json(
            {"type": "welcome", "chat": chat, "lines": [_visitor_urls(ln) for ln in lines]}
        )

    async def on_message(self, frame: dict[str, Any]) -> None:
        chat_id = self._chat()
        client_id, text, files = services.check_line(
            frame.get("id"), frame.get("text"), frame.get("attachments")
        )
        said, result = await _visitor_say(
            chat_id, client_id, text, files, scope_client_ip(self.scope)
        )
        if said is None:
            await self.error(
                "rate_limited",
                "You are sending messages too quickly. This one will be sent again shortly.",
                id=client_id,
                retry_after=result,
            )
            return
        assert isinstance(result, dict)
        await self.send_json({"type": "ack", "id": client_id, "line": _visitor_urls(result)})
        if said.created:
            await self.channel_layer.group_send(
                chat_group(chat_id),
                {"type": "chat.line", "line": result, "sender": self.channel_name},
            )
        if said.opened:
            await self.channel_layer.group_send(AGENTS_GROUP, {"type": "chat.queue"})

    async def on_typing(self, frame: dict[str, Any]) -> None:
        chat_id = self._chat()
        state = _state(frame)
        if self._typing_allowed(state):
            await self.channel_layer.group_send(
                chat_group(chat_id),
                {"type": "chat.typing", "chat": chat_id, "from": Side.VISITOR, "state": state},
            )

    async def on_end(self, frame: dict[str, Any]) -> None:
        chat_id = self._chat()
        chat = await _end(chat_id, Side.VISITOR)
        await self.channel_layer.group_send(
            chat_group(chat_id), {"type": "chat.state", "chat": chat}
        )
        await self.channel_layer.group_send(AGENTS_GROUP, {"type": "chat.queue"})

    # events from the channel layer

    async def chat_line(self, event: dict[str, Any]) -> None:
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "message", "line": _visitor_urls(event["line"])})

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["from"] == Side.AGENT:
            await self.send_json({"type": "typing", "state": event["state"]})

    async def chat_state(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "state", "chat": event["chat"]})

    async def chat_queue(self, event: dict[str, Any]) -> None:
        """Only agents listen for queue changes."""


# -- agents ----------------------------------------------------------------------------------


class AgentConsumer(_ChatSocket):
    """The desk's socket: signed-in agents only, from the desk's own pages only."""

    handlers = {
        "watch": "on_watch",
        "accept": "on_accept",
        "message": "on_message",
        "typing": "on_typing",
        "end": "on_end",
        "ping": "on_ping",
    }

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.joined: set[int] = set()
        headers = self.scope.get("headers", [])
        if (
            self.user is None
            or not self.user.is_authenticated
            or not same_origin(header(headers, b"origin"), header(headers, b"host"))
            or not await database_sync_to_async(is_chat_agent)(self.user)
        ):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if not await self._session_alive():
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        remember_loop()
        await self.accept()
        await self.channel_layer.group_add(AGENTS_GROUP, self.channel_name)
        self.desk_group = desk_group(self.user.pk)
        await self.channel_layer.group_add(self.desk_group, self.channel_name)
        chats, available = await _agent_chats(self.user)
        self._heard_at = clock.now()  # _agent_chats recorded it
        for chat_id in chats:
            await self._join(chat_id)
        await self.send_json({"type": "hello", "chats": chats, "available": available})

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(AGENTS_GROUP, self.channel_name)
        if hasattr(self, "desk_group"):  # only sockets that were let in
            await self.channel_layer.group_discard(self.desk_group, self.channel_name)
        for chat_id in getattr(self, "joined", ()):
            await self.channel_layer.group_discard(chat_group(chat_id), self.channel_name)
        if hasattr(self, "_heard_at"):  # only sockets that were let in
            await self._heard(now=True)

    async def record_seen(self) -> bool:
        await _agent_seen(self.user)
        return True

    async def desk_notice(self, event: dict[str, Any]) -> None:
        """A page or an urgent notification for this person, shown at once."""
        notice = event["notice"]
        await self.send_json(
            {
                "type": "notice",
                "text": notice["text"],
                "url": notice["url"],
                "urgent": notice["urgent"],
            }
        )

    async def _session_alive(self) -> bool:
        if self.user is None:  # connect() lets no socket without a user this far
            return False
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        self._session_checked = clock.now()
        return bool(await database_sync_to_async(session_alive)(key, self.user.pk))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Frames are not activity; a session that ended elsewhere closes the socket.
        checked = getattr(self, "_session_checked", None)
        due = checked is None or (clock.now() - checked).total_seconds() >= SESSION_CHECK_EVERY
        if due and not await self._session_alive():
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    async def _join(self, chat_id: int) -> None:
        if chat_id not in self.joined:
            self.joined.add(chat_id)
            await self.channel_layer.group_add(chat_group(chat_id), self.channel_name)

    async def on_watch(self, frame: dict[str, Any]) -> None:
        chat_id = _chat_id(frame)
        chat, lines = await _watch(self.user, chat_id, _after(frame))
        await self._join(chat_id)
        await self.send_json(
            {
                "type": "history",
                "chat": chat,
                "lines": [_agent_urls(ln) for ln in lines],
            }
        )

    async def on_accept(self, frame: dict[str, Any]) -> None:
        chat_id = _chat_id(frame)
        chat = await _accept(self.user, chat_id)
        await self._join(chat_id)
        await self.send_json({"type": "accepted", "chat": chat})
        await self.channel_layer.group_send(
            chat_group(chat_id), {"type": "chat.state", "chat": chat}
        )
        await self.channel_layer.group_send(AGENTS_GROUP, {"type": "chat.queue"})

    async def on_message(self, frame: dict[str, Any]) -> None:
        chat_id = _chat_id(frame)
        client_id, text, files = services.check_line(
            frame.get("id"), frame.get("text"), frame.get("attachments")
        )
        said, line = await _agent_say(chat_id, self.user, client_id, text, files)
        await self.send_json({"type": "ack", "id": client_id, "line": _agent_urls(line)})
        if said.created:
            await self.channel_layer.group_send(
                chat_group(chat_id),
                {"type": "chat.line", "line": line, "sender": self.channel_name},
            )

    async def on_typing(self, frame: dict[str, Any]) -> None:
        chat_id = _chat_id(frame)
        state = _state(frame)
        if chat_id not in self.joined:
            raise PermissionDenied("This chat is not one of yours.")
        if self._typing_allowed(state):
            await self.channel_layer.group_send(
                chat_group(chat_id),
                {"type": "chat.typing", "chat": chat_id, "from": Side.AGENT, "state": state},
            )

    async def on_end(self, frame: dict[str, Any]) -> None:
        chat_id = _chat_id(frame)
        chat = await _end(chat_id, Side.AGENT, self.user)
        await self.channel_layer.group_send(
            chat_group(chat_id), {"type": "chat.state", "chat": chat}
        )
        await self.channel_layer.group_send(AGENTS_GROUP, {"type": "chat.queue"})

    # events from the channel layer

    async def chat_line(self, event: dict[str, Any]) -> None:
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "message", "line": _agent_urls(event["line"])})

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["from"] == Side.VISITOR:
            await self.send_json({"type": "typing", "chat": event["chat"], "state": event["state"]})

    async def chat_state(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "state", "chat": event["chat"]})

    async def chat_queue(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "queue"})
