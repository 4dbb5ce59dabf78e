"""Which web pages may talk to the chat: the widget's sites for visitors, the desk for agents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from caredesk.core.forwarded import scope_client_address


def normal(origin: str) -> str:
    """scheme://host[:port] in lower case, without a trailing slash."""
    return origin.strip().rstrip("/").lower()


def same_origin(origin: str, host: str) -> bool:
    """The page came from the host it is talking to (or from a trusted desk origin)."""
    if not origin:
        return False
    parts = urlsplit(normal(origin))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    trusted = {normal(o) for o in settings.CSRF_TRUSTED_ORIGINS}
    return parts.netloc == host.strip().lower() or normal(origin) in trusted


def widget_origin(origin: str, host: str) -> bool:
    """A page that may embed the widget: listed in CAREDESK_CHAT_ORIGINS, or the desk itself."""
    if not origin:
        return False
    return normal(origin) in {normal(o) for o in settings.CAREDESK_CHAT_ORIGINS} or same_origin(
        origin, host
    )


def header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def scope_client_ip(scope: Mapping[str, Any]) -> str:
    """The caller's address for a socket, as caredesk.core.ratelimit.client_ip reads requests."""
    return scope_client_address(scope) or "unknown"
