"""Problem details (RFC 9457): the JSON body of every API error, whichever layer answers it."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse

MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    errors: dict[str, list[str]] | None = None,
    *,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A problem details response; `extra` adds extension members (e.g. the missing `scope`)."""
    body: dict[str, Any] = {
        **(extra or {}),
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type=MEDIA_TYPE)
