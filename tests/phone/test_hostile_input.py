"""A NUL in any field of Twilio's callbacks, on SQLite and PostgreSQL alike: the fields that are
stored are checked (400 naming the field, nothing written), the others are never read."""

from __future__ import annotations

import pytest

from caredesk.phone.models import Call, CallRecording
from caredesk.tickets.models import Ticket
from tests.phone.conftest import ACCOUNT, LINE, new_sid

STATUS_FIELDS = ["CallSid", "AccountSid", "From", "To", "CallStatus", "Direction", "CallDuration"]
RECORDING_FIELDS = ["RecordingSid", "RecordingUrl", "RecordingStatus", "RecordingDuration"]
pytestmark = pytest.mark.django_db


def status_params(sid: str, **more: str) -> dict[str, str]:
    return {
        "CallSid": sid,
        "AccountSid": ACCOUNT,
        "From": "+15550100199",
        "To": LINE,
        "CallStatus": "completed",
        "Direction": "inbound",
        "CallDuration": "0",
        **more,
    }


def nul_in(value: str) -> str:
    return value[:3] + "\x00" + value[3:]


@pytest.mark.parametrize("field", STATUS_FIELDS + ["ParentCallSid"])
def test_nul_in_a_stored_field_of_a_status_callback_is_a_400_naming_it(twilio, clock, field):
    params = status_params(new_sid(), ParentCallSid=new_sid())
    response = twilio.post({**params, field: nul_in(params[field])})
    assert response.status_code == 400, response.content
    assert f"{field}:" in response.content.decode()
    assert not Call.objects.exists() and not Ticket.objects.exists()


@pytest.mark.parametrize("field", RECORDING_FIELDS)
def test_nul_in_a_field_of_a_recording_callback_is_a_400_naming_it(twilio, clock, field):
    sid = new_sid()
    twilio.missed(sid, caller="+15550100199")
    rec = new_sid("RE")
    params = {
        "CallSid": sid,
        "AccountSid": ACCOUNT,
        "RecordingSid": rec,
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{rec}",
        "RecordingStatus": "completed",
        "RecordingDuration": "42",
    }
    response = twilio.post({**params, field: nul_in(params[field])})
    assert response.status_code == 400, response.content
    assert f"{field}:" in response.content.decode()
    assert not CallRecording.objects.exists()


@pytest.mark.parametrize("field", ["Timestamp", "CallerName", "ApiVersion", "Called\x00City"])
def test_nul_in_fields_that_are_not_kept_changes_nothing(twilio, clock, field):
    sid = new_sid()
    twilio.status(sid, "ringing", caller="+15550100199", **{field: "Mon, 02 N\x00ov 2026"})
    call = Call.objects.get(call_sid=sid)
    assert (call.from_number, call.to_number, call.status) == ("+15550100199", LINE, "ringing")
