"""The Twilio webhook: status and recording callbacks, signed by Twilio, answered with TwiML."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from caredesk.core.errors import DomainError
from caredesk.core.twilio_hooks import EMPTY_TWIML, door, refuse, signed_params
from caredesk.phone.services import call_event, read_event

WHAT = "call events"


@csrf_exempt
def twilio_webhook(request: HttpRequest) -> HttpResponse:
    """Twilio's status and recording callbacks for voice calls."""
    refusal = door(request, scope="phone", what=WHAT)
    if refusal is not None:
        return refusal
    params = signed_params(request, what="a call event")
    if isinstance(params, HttpResponse):
        return params
    try:
        call_event(event=read_event(dict(params)))
    except DomainError as exc:
        return refuse(exc.status, exc.detail)
    return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")
