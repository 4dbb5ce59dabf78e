"""Twilio as the tests play it: form posts signed with the account's auth token."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from caredesk.core.twilio import signature

TOKEN = "phone-test-auth-token-5d41402abc4b2a76"
BASE = "https://support.caredesk.example"
PATH = "/hooks/phone/twilio/"
ACCOUNT = "AC" + "0" * 32
FORM = "application/x-www-form-urlencoded"
LINE = "+18005550142"  # the desk's everyday number
URGENT_LINE = "+18005550199"  # the 24/7 clinical line
_sids = itertools.count(1)


def new_sid(prefix: str = "CA") -> str:
    return f"{prefix}{next(_sids):032x}"


@pytest.fixture
def twilio(settings):  # type: ignore[no-untyped-def]
    return configure(settings)


def configure(settings: Any) -> Twilio:
    """Telephony on, with the test token, the public URL and the urgent line."""
    settings.CAREDESK_TWILIO_AUTH_TOKEN = TOKEN
    settings.CAREDESK_BASE_URL = BASE
    settings.CAREDESK_PHONE_URGENT_NUMBERS = ["+1 (800) 555-0199"]
    settings.CAREDESK_PHONE_ANSWER_TARGET_SECONDS = 30
    settings.CAREDESK_PHONE_COUNTRY_CODE = "1"
    return Twilio(Client())


@dataclass
class Twilio:
    client: Client

    def post(
        self,
        params: dict[str, Any],
        *,
        signed: bool = True,
        url: str = BASE + PATH,
        token: str = TOKEN,
        path: str = PATH,
        **extra: Any,
    ) -> Any:
        data = {k: str(v) for k, v in params.items()}
        headers = dict(extra)
        if signed:
            headers["HTTP_X_TWILIO_SIGNATURE"] = signature(token, url, sorted(data.items()))
        return self.client.post(path, urlencode(data), content_type=FORM, **headers)

    def status(self, sid: str, status: str, *, caller: str, line: str = LINE, **more: Any) -> Any:
        params = {
            "CallSid": sid,
            "AccountSid": ACCOUNT,
            "From": caller,
            "To": line,
            "CallStatus": status,
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            **more,
        }
        response = self.post(params)
        assert response.status_code == 200, response.content
        return response

    def recording(self, sid: str, *, rec: str | None = None, seconds: int = 42, **more: Any) -> Any:
        rec = rec or new_sid("RE")
        params = {
            "CallSid": sid,
            "AccountSid": ACCOUNT,
            "RecordingSid": rec,
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{rec}",
            "RecordingDuration": seconds,
            "RecordingStatus": "completed",
            "RecordingChannels": "1",
            "RecordingSource": "RecordVerb",
            **more,
        }
        response = self.post(params)
        assert response.status_code == 200, response.content
        return response

    def missed(self, sid: str, *, caller: str, line: str = LINE, wait: Any = None) -> None:
        """A call that rings and ends unanswered (the caller may leave a voicemail)."""
        self.status(sid, "ringing", caller=caller, line=line)
        if wait is not None:
            wait()
        self.status(sid, "completed", caller=caller, line=line, CallDuration=0)
