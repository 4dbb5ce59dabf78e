"""The webhook's door: who may post, what is refused and how (a clear sentence, never a 5xx)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from caredesk.core.twilio import signature
from caredesk.phone.models import Call
from tests.factories import PASSWORD, AgentFactory, login_verified, requester_with_login
from tests.phone.conftest import ACCOUNT, BASE, FORM, LINE, PATH, TOKEN, new_sid

pytestmark = pytest.mark.django_db


def status_params(**more):
    return {
        "CallSid": new_sid(),
        "AccountSid": ACCOUNT,
        "From": "+15550100199",
        "To": LINE,
        "CallStatus": "ringing",
        **more,
    }


def test_a_signed_event_is_answered_with_empty_twiml(twilio, clock):
    response = twilio.post(status_params())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response/>")
    assert Call.objects.get().status == "ringing"


def test_the_path_without_its_trailing_slash_works_too(twilio, clock):
    url = BASE + PATH.rstrip("/")
    response = twilio.post(status_params(), url=url, path=PATH.rstrip("/"))
    assert response.status_code == 200


def test_an_unsigned_event_is_refused(twilio, clock):
    response = twilio.post(status_params(), signed=False)
    assert response.status_code == 403
    assert "X-Twilio-Signature header is missing" in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "how",
    [
        {"token": "someone-elses-token"},
        {"url": "https://elsewhere.example" + PATH},  # signed for another endpoint
    ],
)
def test_a_wrong_signature_is_refused_and_says_what_to_check(twilio, clock, how):
    response = twilio.post(status_params(), **how)
    assert response.status_code == 403
    text = response.content.decode()
    assert "does not match" in text and "CAREDESK_TWILIO_AUTH_TOKEN" in text
    assert BASE + PATH in text
    assert not Call.objects.exists()


def test_a_field_changed_after_signing_is_refused(twilio, clock):
    params = status_params()
    sig = signature(TOKEN, BASE + PATH, params.items())
    params["From"] = "+15550100100"
    response = twilio.client.post(
        PATH, urlencode(params), content_type=FORM, HTTP_X_TWILIO_SIGNATURE=sig
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "requester", "agent"])
def test_signing_in_gives_no_way_around_the_signature(twilio, clock, who):
    client = Client()
    if who == "requester":
        client.login(email=requester_with_login().email, password=PASSWORD)
    elif who == "agent":
        login_verified(client, AgentFactory())
    response = client.post(PATH, urlencode(status_params()), content_type=FORM)
    assert response.status_code == 403
    assert not Call.objects.exists()


def test_the_request_url_counts_when_the_base_url_is_not_the_public_one(twilio, clock, settings):
    """Behind a proxy that keeps the Host header, Twilio's URL is the request's own."""
    settings.CAREDESK_BASE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["desk.clinic.example"]
    response = twilio.post(
        status_params(), url="http://desk.clinic.example" + PATH, HTTP_HOST="desk.clinic.example"
    )
    assert response.status_code == 200


def test_without_an_auth_token_telephony_is_off(twilio, clock, settings):
    settings.CAREDESK_TWILIO_AUTH_TOKEN = ""
    response = twilio.post(status_params())
    assert response.status_code == 404
    assert "Telephony is not configured" in response.content.decode()


def test_only_post_is_accepted(twilio):
    response = twilio.client.get(PATH)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "use POST" in response.content.decode()


def test_json_is_refused_with_the_format_twilio_uses(twilio, clock):
    response = twilio.client.post(
        PATH, "{}", content_type="application/json", HTTP_X_TWILIO_SIGNATURE="x"
    )
    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.content.decode()


def test_missing_fields_are_named(twilio, clock):
    response = twilio.post({"CallSid": new_sid(), "CallStatus": "ringing"})
    assert response.status_code == 400
    text = response.content.decode()
    assert text.startswith("Missing fields: AccountSid, From, To.")
    response = twilio.post({"CallSid": new_sid(), "AccountSid": ACCOUNT, "RecordingSid": "RE1"})
    assert response.status_code == 400
    assert response.content.decode().startswith("Missing fields: RecordingUrl.")
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("CallStatus", "answered-by-magic"),
        ("CallSid", "CA 123"),
        ("CallDuration", "ten"),
        ("From", "+1555\x000100199"),
        ("To", "9" * 65),
    ],
)
def test_invalid_fields_are_named(twilio, clock, field, value):
    response = twilio.post(status_params(**{field: value}))
    assert response.status_code == 400
    assert f"{field}:" in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example/r", "not a link"])
def test_a_recording_link_must_be_a_web_link(twilio, clock, url):
    params = {
        "CallSid": new_sid(),
        "AccountSid": ACCOUNT,
        "RecordingSid": "RE1",
        "RecordingUrl": url,
    }
    response = twilio.post(params)
    assert response.status_code == 400
    assert "RecordingUrl:" in response.content.decode()


def test_too_many_events_from_one_address_wait_for_the_next_minute(twilio, clock, settings):
    settings.CAREDESK_RATE_WEBHOOK = 3
    codes = [twilio.post(status_params()).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = twilio.post(status_params())
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "try again in 60 seconds" in refused.content.decode()
    clock.advance(seconds=60)
    assert twilio.post(status_params()).status_code == 200
    assert Call.objects.count() == 4


def test_an_event_costs_a_fixed_number_of_queries(twilio, clock, django_assert_max_num_queries):
    twilio.post(status_params())  # warm the settings and content types
    with django_assert_max_num_queries(8):
        twilio.post(status_params(CallSid=new_sid()))
    sid = new_sid()
    twilio.post(status_params(CallSid=sid))
    with django_assert_max_num_queries(6):
        twilio.post(status_params(CallSid=sid, CallStatus="in-progress"))


TWILIO_NAMES = [
    "CallSid",
    "AccountSid",
    "From",
    "To",
    "CallStatus",
    "Direction",
    "CallDuration",
    "Timestamp",
    "RecordingSid",
    "RecordingUrl",
    "RecordingStatus",
    "RecordingDuration",
    "SequenceNumber",
]
field_values = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "queued",
            "ringing",
            "in-progress",
            "completed",
            "no-answer",
            "CA1",
            "+15550100199",
            "https://api.twilio.com/r/RE1",
            "-1",
            "0",
            "99999999999",
            "Mon, 02 Nov 2026 14:00:05 +0000",
        ]
    ),
)


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(TWILIO_NAMES), st.text(min_size=1, max_size=20)),
        field_values,
        max_size=14,
    )
)
def test_any_signed_form_is_answered_without_a_server_error(twilio, clock, params):
    response = twilio.post(params)
    assert response.status_code in (200, 400), response.content
    assert response.content
