"""The status page's front door in each web process: the hot public pages (the board and the
Atom feed) answered from memory, before Django, while their cache version stands.

Django renders a page once and keeps it in the shared cache (`status.cached`); this keeps the
last answer Django gave for each hot path (status, headers, body, so the security headers are
Django's own) together with the cache version it was made under. The version is read from the
shared cache at most once every `RECHECK_SECONDS`, so a change reaches every process within
that time; an entry is also dropped after `KEEP_SECONDS`, and then Django answers again (from
its cache, without a query). Only plain anonymous-looking answers are kept: a 200 that sets no
cookie, to a GET or HEAD without a query string. Everything else goes straight to Django.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from caredesk.incidents import status

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HOT_PATHS = frozenset({"/status/", "/status/feed.atom"})
RECHECK_SECONDS = 1.0
KEEP_SECONDS = 10.0
_PER_REQUEST = {b"x-request-id", b"set-cookie", b"date", b"server"}


@dataclass(frozen=True)
class _Kept:
    version: str
    until: float
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


class StatusPageFront:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.kept: dict[str, _Kept] = {}
        self.version = ""
        self.checked = float("-inf")

    def _current_version(self, now: float) -> str:
        if now - self.checked >= RECHECK_SECONDS:
            self.version, self.checked = status.version(), now
        return self.version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") not in ("GET", "HEAD")
            or path not in HOT_PATHS
            or scope.get("query_string")
        ):
            await self.app(scope, receive, send)
            return
        now = time.monotonic()
        version = self._current_version(now)
        kept = self.kept.get(path)
        if kept is not None and kept.version == version and now < kept.until:
            await self._answer(scope, send, kept)
            return
        await self._through(scope, receive, send, path=path, version=version, now=now)

    async def _answer(self, scope: Scope, send: Send, kept: _Kept) -> None:
        match = dict(scope.get("headers") or []).get(b"if-none-match")
        if match is not None and kept.etag and kept.etag in match:
            headers = [(k, v) for k, v in kept.headers if k not in (b"content-length",)]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": kept.headers})
        body = b"" if scope.get("method") == "HEAD" else kept.body
        await send({"type": "http.response.body", "body": body})

    async def _through(
        self, scope: Scope, receive: Receive, send: Send, *, path: str, version: str, now: float
    ) -> None:
        """Let Django answer, and keep a copy of a plain 200 to a GET."""
        start: Message = {}
        chunks: list[bytes] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, watch)
        raw = [(bytes(k).lower(), bytes(v)) for k, v in start.get("headers", [])]
        if start.get("status") != 200 or scope.get("method") != "GET":
            return
        if any(k == b"set-cookie" for k, _v in raw):
            return
        headers = [(k, v) for k, v in raw if k not in _PER_REQUEST]
        etag = next((v for k, v in headers if k == b"etag"), b"")
        self.kept[path] = _Kept(version, now + KEEP_SECONDS, headers, b"".join(chunks), etag)
