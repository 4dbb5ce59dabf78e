"""The door of every webhook Twilio calls (the phone channel's call events, the on-call SMS
replies): switched off without an auth token, POST only, rate limited, a form, signed.

Each refusal is plain text saying what to fix; the signature is checked with `core/twilio.py`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse

from caredesk.core.ratelimit import client_ip, hit_request
from caredesk.core.twilio import signature_valid

log = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
FORM = "application/x-www-form-urlencoded"


def refuse(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def public_url(request: HttpRequest) -> str:
    """The URL Twilio is expected to have called: CAREDESK_BASE_URL, this path, the query."""
    query = request.META.get("QUERY_STRING", "")
    base = settings.CAREDESK_BASE_URL.rstrip("/")
    return f"{base}{request.path_info}" + (f"?{query}" if query else "")


def signed_urls(request: HttpRequest) -> list[str]:
    """CAREDESK_BASE_URL first; then the URL as this request names it (scheme from the proxy
    when CAREDESK_BEHIND_PROXY is set, host from the Host header)."""
    return list(dict.fromkeys([public_url(request), request.build_absolute_uri()]))


def door(request: HttpRequest, *, scope: str, what: str) -> HttpResponse | None:
    """Refuse what is not a Twilio request before reading it: the webhook switched off,
    another method, too many requests, another format. `what` names the requests ("call
    events") in the answers."""
    if not settings.CAREDESK_TWILIO_AUTH_TOKEN:
        return refuse(404, "Telephony is not configured: CAREDESK_TWILIO_AUTH_TOKEN is not set.")
    if request.method != "POST":
        response = refuse(405, f"Twilio posts {what} here; use POST.")
        response["Allow"] = "POST"
        return response
    verdict = hit_request(request, scope, limit=settings.CAREDESK_RATE_WEBHOOK)
    if not verdict.allowed:
        response = refuse(
            429,
            f"Too many {what} from this address; try again in {verdict.retry_after} seconds.",
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if request.content_type not in (FORM, ""):  # no type: an empty form
        return refuse(415, f"Send {what} as a form ({FORM}), as Twilio does.")
    return None


def signed_params(request: HttpRequest, *, what: str) -> list[tuple[str, str]] | HttpResponse:
    """The form's fields, when Twilio's signature covers them; otherwise the refusal."""
    try:
        params = [(name, value) for name, values in request.POST.lists() for value in values]
    except RequestDataTooBig:
        return refuse(413, f"The request body is too large for {what}.")
    except SuspiciousOperation:
        return refuse(400, "The form could not be read (too many fields).")
    given = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
    if not given:
        return refuse(403, "Refused: the X-Twilio-Signature header is missing.")
    token = settings.CAREDESK_TWILIO_AUTH_TOKEN
    if not signature_valid(token, signed_urls(request), params, given):
        log.warning("twilio webhook: signature mismatch from %s", client_ip(request))
        return refuse(
            403,
            "Refused: the X-Twilio-Signature does not match. Check CAREDESK_TWILIO_AUTH_TOKEN "
            f"and that Twilio calls exactly {public_url(request)}",
        )
    return params
