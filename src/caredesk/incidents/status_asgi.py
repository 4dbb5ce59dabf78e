"""The status page's front door in each web process: the hot public pages (the board and the
Atom feed) answered from memory, before Django, while their cache version stands.

Django renders a page once and keeps it in the shared cache (`status.cached`); this keeps the
last answer Django gave for each hot path (status, headers, body, so the security headers are
Django's own) together with the cache version it was made under. The version is read from the
shared cache at most once every `RECHECK_SECONDS`, so a change reaches every process within
that time; an entry is also dropped after `KEEP_SECONDS`, and then Django answers again (from
its cache, without a query). Only plain anonymous-looking answers are kept: a 200 that sets no
cookie, to a GET or HEAD without a query string. Everything else goes straight to Django.
A conditional request that finds nothing kept asks Django for the whole page, keeps it, and
is answered from it (a 304 when its validator matches).
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
        """Let Django answer the full page (the request's conditions left out, so a 304 never
        stands in for the page), keep a plain 200, and answer the request from it."""
        plain = {
            **scope,
            "method": "GET",
            "headers": [
                (k, v)
                for k, v in scope.get("headers") or []
                if k not in (b"if-none-match", b"if-modified-since")
            ],
        }
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(plain, receive, keep)
        start = next((m for m in messages if m["type"] == "http.response.start"), {})
        raw = [(bytes(k).lower(), bytes(v)) for k, v in start.get("headers", [])]
        if start.get("status") != 200 or any(k == b"set-cookie" for k, _v in raw):
            for message in messages:  # not a page to keep: pass Django's answer on as it was
                await send(message)
            return
        headers = [(k, v) for k, v in raw if k not in _PER_REQUEST]
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        etag = next((v for k, v in headers if k == b"etag"), b"")
        kept = _Kept(version, now + KEEP_SECONDS, headers, body, etag)
        self.kept[path] = kept
        await self._answer(scope, send, kept)
