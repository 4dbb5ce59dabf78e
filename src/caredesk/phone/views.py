"""The Twilio webhook: status and recording callbacks, signed by Twilio, answered with TwiML."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from caredesk.core.errors import DomainError
from caredesk.core.ratelimit import client_ip, hit_request
from caredesk.phone.services import call_event, read_event
from caredesk.phone.twilio import signature_valid

log = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
FORM = "application/x-www-form-urlencoded"


def _refuse(status: int, text: str) -> HttpResponse:
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


def _door(request: HttpRequest) -> HttpResponse | None:
    """Refuse what is not a call event before reading it: the webhook switched off, another
    method, too many requests, another format."""
    if not settings.CAREDESK_TWILIO_AUTH_TOKEN:
        return _refuse(404, "Telephony is not configured: CAREDESK_TWILIO_AUTH_TOKEN is not set.")
    if request.method != "POST":
        response = _refuse(405, "Twilio posts call events here; use POST.")
        response["Allow"] = "POST"
        return response
    verdict = hit_request(request, "phone", limit=settings.CAREDESK_RATE_WEBHOOK)
    if not verdict.allowed:
        response = _refuse(
            429,
            f"Too many call events from this address; try again in {verdict.retry_after} seconds.",
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if request.content_type not in (FORM, ""):  # no type: an empty form
        return _refuse(415, f"Send call events as a form ({FORM}), as Twilio does.")
    return None


def _signed_params(request: HttpRequest) -> list[tuple[str, str]] | HttpResponse:
    """The form's fields, when Twilio's signature covers them; otherwise the refusal."""
    try:
        params = [(name, value) for name, values in request.POST.lists() for value in values]
    except RequestDataTooBig:
        return _refuse(413, "The request body is too large for a call event.")
    except SuspiciousOperation:
        return _refuse(400, "The form could not be read (too many fields).")
    given = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
    if not given:
        return _refuse(403, "Refused: the X-Twilio-Signature header is missing.")
    token = settings.CAREDESK_TWILIO_AUTH_TOKEN
    if not signature_valid(token, signed_urls(request), params, given):
        log.warning("phone webhook: signature mismatch from %s", client_ip(request))
        return _refuse(
            403,
            "Refused: the X-Twilio-Signature does not match. Check CAREDESK_TWILIO_AUTH_TOKEN "
            f"and that Twilio calls exactly {public_url(request)}",
        )
    return params


@csrf_exempt
def twilio_webhook(request: HttpRequest) -> HttpResponse:
    """Twilio's status and recording callbacks for voice calls."""
    refusal = _door(request)
    if refusal is not None:
        return refusal
    params = _signed_params(request)
    if isinstance(params, HttpResponse):
        return params
    try:
        call_event(event=read_event(dict(params)))
    except DomainError as exc:
        return _refuse(exc.status, exc.detail)
    return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")
