"""Security headers on every response, request IDs, and the signed-in person's timezone."""

from __future__ import annotations

import contextlib
import re
import uuid
import zoneinfo
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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
