"""SMS and voice pages through Twilio's REST API (the outbox's handlers for their kinds).

`POST {base}/2010-04-01/Accounts/{sid}/Messages.json` (To, From, Body) sends a text and
`.../Calls.json` (To, From, Twiml) places a call; both with HTTP basic auth (account SID, auth
token), both answer 201 with the new resource's `sid`. The text carries the page's code, the
team and the acknowledgement link; the call reads the code out. Nothing about a patient.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
from typing import Any
from urllib.parse import urlencode, urlsplit
from xml.sax.saxutils import escape

from django.conf import settings

from caredesk.core.outbox import DeliveryFailed, NotConfigured, Outcome, PermanentFailure, Settled
from caredesk.oncall.models import Channel, Page, PageNotification, PageState
from caredesk.oncall.services import ack_link

log = logging.getLogger(__name__)
TIMEOUT = 10.0


def _post(resource: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    base = settings.CAREDESK_TWILIO_API_BASE.rstrip("/")
    sid = settings.CAREDESK_TWILIO_ACCOUNT_SID
    url = urlsplit(f"{base}/2010-04-01/Accounts/{sid}/{resource}.json")
    if url.scheme not in ("http", "https") or not url.hostname:
        raise PermanentFailure("CAREDESK_TWILIO_API_BASE is not an http(s) URL")
    conn_class = (
        http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_class(url.hostname, url.port, timeout=TIMEOUT)
    auth = base64.b64encode(f"{sid}:{settings.CAREDESK_TWILIO_AUTH_TOKEN}".encode()).decode()
    headers = {
        "Authorization": f"Basic {auth}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    try:
        conn.request("POST", url.path, body=urlencode(form), headers=headers)
        response = conn.getresponse()
        raw = response.read(65536)
    except OSError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return response.status, data if isinstance(data, dict) else {}


def _send(payload: dict[str, Any], resource: str) -> int | None:
    n = (
        PageNotification.objects.select_related("page", "page__team", "user")
        .filter(pk=payload["notification"])
        .first()
    )
    if n is None:
        raise PermanentFailure("the page no longer exists")
    if n.provider_id:
        return None  # sent by an attempt whose outcome was lost
    page = n.page
    if page.state not in (PageState.TRIGGERED,):
        PageNotification.objects.filter(pk=n.pk).update(error=f"not sent: page {page.state}")
        return None
    if not (settings.CAREDESK_TWILIO_ACCOUNT_SID and settings.CAREDESK_TWILIO_FROM_NUMBER):
        raise NotConfigured("Twilio is not configured (CAREDESK_TWILIO_ACCOUNT_SID)")
    form = {"To": n.to, "From": settings.CAREDESK_TWILIO_FROM_NUMBER}
    if resource == "Messages":
        form["Body"] = (
            f"CareDesk page {page.code} ({page.team.name}): {page.text} "
            f"Reply ACK or {page.code} to acknowledge, or open {ack_link(page, n.user)}"
        )
    else:
        spoken = " ".join(page.code)
        say = (
            f"This is a CareDesk page for {page.team.name}. Page code {spoken}. "
            "Reply ACK to the text message or open the link to acknowledge."
        )
        form["Twiml"] = f'<Response><Say>{escape(say)}</Say><Pause length="1"/>' + (
            f"<Say>{escape(say)}</Say></Response>"
        )
    status, data = _post(resource, form)
    if 200 <= status < 300:
        sid = str(data.get("sid") or "")[:64]
        PageNotification.objects.filter(pk=n.pk).update(provider_id=sid or "?")
        return status
    error = f"Twilio answered {status}: {str(data.get('message') or '')[:200]}"
    if 400 <= status < 500 and status != 429:
        raise PermanentFailure(error, code=status)
    raise DeliveryFailed(error, code=status)


def sms_send(payload: dict[str, Any]) -> int | None:
    return _send(payload, "Messages")


def voice_send(payload: dict[str, Any]) -> int | None:
    return _send(payload, "Calls")


def settled(payload: dict[str, Any], outcome: Settled) -> None:
    """Record the notification's fate with its outbox item; the page's first SMS or call
    accepted by Twilio sets its time to page."""
    n = PageNotification.objects.filter(pk=payload["notification"]).first()
    if n is None:
        return
    if outcome.outcome == Outcome.SENT and n.provider_id:
        PageNotification.objects.filter(pk=n.pk).update(sent_at=outcome.at, error="")
        Page.objects.filter(pk=n.page_id, first_sent_at__isnull=True).update(
            first_sent_at=outcome.at
        )
    elif outcome.outcome in (Outcome.RETRYING, Outcome.FAILED):
        PageNotification.objects.filter(pk=n.pk).update(error=outcome.error[:500])
    if n.channel == Channel.SMS and outcome.outcome == Outcome.FAILED:
        log.warning("SMS page notification %s given up", n.pk)
