"""Twilio's requests over real HTTP: a running server on 127.0.0.1, an HTTP client, signed
form posts to the public URL the server is configured with."""

from __future__ import annotations

import httpx
import pytest

from caredesk.core.twilio import signature
from caredesk.phone.models import Call
from caredesk.tickets.models import Ticket
from tests.factories import ContactFactory
from tests.phone.conftest import ACCOUNT, LINE, PATH, TOKEN, new_sid

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hook(twilio, live_server, settings):  # type: ignore[no-untyped-def]
    settings.CAREDESK_BASE_URL = live_server.url
    url = live_server.url + PATH
    with httpx.Client(timeout=10) as http:

        def post(params: dict[str, str], *, sign: bool = True) -> httpx.Response:
            headers = {"X-Twilio-Signature": signature(TOKEN, url, params.items())} if sign else {}
            return http.post(url, data=params, headers=headers)

        yield post


def test_a_call_reported_over_http_becomes_a_voicemail_ticket(hook, clock):
    contact = ContactFactory(name="Lena Brandt", phone="+1 555 010 0155")
    sid = new_sid()
    base = {"CallSid": sid, "AccountSid": ACCOUNT, "From": "+15550100155", "To": LINE}
    assert hook({**base, "CallStatus": "ringing", "Direction": "inbound"}).status_code == 200
    clock.advance(seconds=50)
    done = hook({**base, "CallStatus": "no-answer", "CallDuration": "0"})
    assert done.status_code == 200
    assert done.headers["content-type"].startswith("text/xml")
    assert done.text.endswith("<Response/>")
    recording = {
        "CallSid": sid,
        "AccountSid": ACCOUNT,
        "RecordingSid": new_sid("RE"),
        "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1",
        "RecordingStatus": "completed",
        "RecordingDuration": "12",
    }
    assert hook(recording).status_code == 200
    assert hook(recording).status_code == 200  # Twilio's retry
    call = Call.objects.get(call_sid=sid)
    assert call.status == "no-answer" and call.answered_at is None
    ticket = Ticket.objects.get()
    assert ticket.requester == contact and call.ticket == ticket
    assert ticket.messages.filter(body_html__contains=recording["RecordingUrl"]).count() == 1


def test_an_unsigned_post_over_http_is_refused_with_a_sentence(hook, clock):
    response = hook({"CallSid": new_sid(), "CallStatus": "ringing"}, sign=False)
    assert response.status_code == 403
    assert response.text == "Refused: the X-Twilio-Signature header is missing."
    assert not Call.objects.exists()
