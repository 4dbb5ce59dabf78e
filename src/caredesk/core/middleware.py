"""Security headers on every response, request IDs, text every database can store, and the
signed-in person's timezone."""

from __future__ import annotations

import contextlib
import re
import uuid
import zoneinfo
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.shortcuts import render
from django.utils import timezone

from caredesk.core import text

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


API_PREFIX = "/api/"  # the API reads its own parameters (422 naming them: api/parser.py)


class StorableTextMiddleware:
    """Keep NUL characters, which PostgreSQL refuses in text, out of what every request carries.

    Headers lose them (the User-Agent the audit keeps, for one): there they are noise. A cookie
    holding one (a quoted cookie may write it as `\\000`) is dropped, as if never sent: no
    session key has one. A query parameter holding one (`?q=%00`, which servers pass on) is
    refused with 400 naming it, before a search or filter sends it to the database. Bodies are
    the forms' and the channels' to check, field by field. Runs before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, value in list(request.META.items()):
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                request.META[key] = text.clean(value)
                for cached in ("headers", "COOKIES"):  # read from META once, then kept
                    request.__dict__.pop(cached, None)
        cookies = request.COOKIES
        for name in [n for n, v in cookies.items() if text.problem(n) or text.problem(v)]:
            del cookies[name]
        if not request.path_info.startswith(API_PREFIX):
            refused = _refused_parameters(request)
            if refused:
                return render(request, "400.html", {"refused": refused}, status=400)
        return self.get_response(request)


def storable_cookie_header(value: bytes) -> bytes:
    """A Cookie header without the cookies that hold a NUL once read (`a="x\\000y"`), each other
    cookie kept as it was sent."""
    kept = [
        chunk
        for chunk in value.split(b";")
        if not any(
            text.problem(k) or text.problem(v)
            for k, v in parse_cookie(chunk.decode("latin-1")).items()
        )
    ]
    return b";".join(kept)


class StorableCookiesASGI:
    """The same for websockets, whose session cookie Channels reads itself (no view middleware
    runs for a socket): wraps the websocket application in asgi.py."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = [
            (name, storable_cookie_header(value) if name == b"cookie" else value)
            for name, value in scope.get("headers", [])
        ]
        return await self.inner({**scope, "headers": headers}, receive, send)


def _refused_parameters(request: HttpRequest) -> list[tuple[str, str]]:
    """(name, why) for each query parameter whose name or values cannot be stored."""
    refused = []
    for name, values in request.GET.lists():
        why = text.problem(name) or next(filter(None, map(text.problem, values)), None)
        if why:
            refused.append((text.clean(name), why))
    return refused


class UserTimezoneMiddleware:
    """Show dates in the signed-in person's timezone (stored on their account)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = getattr(request.user, "timezone", "") if request.user.is_authenticated else ""
        timezone.deactivate()
        # An unknown zone falls back to UTC rather than failing the page.
        with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
            if name:
                timezone.activate(zoneinfo.ZoneInfo(name))
        return self.get_response(request)


REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The request being served on this thread or task, for writers deep below the views (the audit).
_current_request: ContextVar[HttpRequest | None] = ContextVar("caredesk_request", default=None)


def current_request() -> HttpRequest | None:
    """The request being served here, or None in a job or a command."""
    return _current_request.get()


def request_id_from(incoming: str | None) -> str:
    """Keep a caller's request ID when it is safe to log and store; otherwise make a new one."""
    if incoming and _SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give every request an ID (a proxy's `X-Request-ID` when safe), and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
