"""The signature Twilio sends and the number forms calls are matched by (no database)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from caredesk.core.twilio import e164, signature, signature_valid, url_variants

# Twilio's own published example: this token, URL and these parameters give this signature.
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}


def test_the_signature_is_twilios_for_its_published_example():
    assert signature("12345", TWILIO_URL, TWILIO_PARAMS.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_a_name_sent_twice_signs_its_values_in_order():
    params = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert signature("12345", TWILIO_URL, params) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_the_signature_is_the_hmac_of_url_and_sorted_fields():
    """Computed here by hand, field by field, without the signer's sorting."""
    url = "https://support.caredesk.example/hooks/phone/twilio/"
    params = {"To": "+18005550199", "CallSid": "CAabc", "From": "+15550100199"}
    data = url + "CallSidCAabc" + "From+15550100199" + "To+18005550199"
    expected = base64.b64encode(
        hmac.new(b"secret-token", data.encode(), hashlib.sha1).digest()
    ).decode()
    assert signature("secret-token", url, params.items()) == expected
    assert signature_valid("secret-token", [url], list(params.items()), expected)
    assert not signature_valid("other-token", [url], list(params.items()), expected)
    changed = {**params, "From": "+15550100198"}
    assert not signature_valid("secret-token", [url], list(changed.items()), expected)


def test_a_port_in_the_url_may_be_signed_or_not():
    # Twilio's library examples: the signature of the URL with port 443, and one with 1234
    assert signature_valid(
        "12345", [TWILIO_URL], list(TWILIO_PARAMS.items()), "kvajT1Ptam85bY51eRf/AJRuM3w="
    )
    with_port = TWILIO_URL.replace(".com", ".com:1234")
    assert signature_valid(
        "12345", [with_port], list(TWILIO_PARAMS.items()), "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )
    assert url_variants("http://h.example/p?q=1") == [
        "http://h.example/p?q=1",
        "http://h.example:80/p?q=1",
    ]
    assert url_variants("http://[::1]:8000/p") == ["http://[::1]:8000/p", "http://[::1]/p"]


def test_an_empty_or_foreign_signature_is_never_valid():
    params = list(TWILIO_PARAMS.items())
    assert not signature_valid("12345", [TWILIO_URL], params, "")
    assert not signature_valid("", [TWILIO_URL], params, signature("", TWILIO_URL, params))
    assert not signature_valid("12345", [TWILIO_URL], params, "ü" * 28)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("+15550100199", "+15550100199"),
        ("+1 (555) 010-0199", "+15550100199"),
        ("(555) 010-0199", "+15550100199"),
        ("555.010.0199", "+15550100199"),
        ("1-555-010-0199", "+15550100199"),
        ("001 555 010 0199", "+15550100199"),
        ("tel:+1-555-010-0199;ext=12", "+15550100199"),
        ("+1 555 010 0199 x 7", "+15550100199"),
        ("+44 20 7946 0958", "+442079460958"),
        ("anonymous", None),
        ("client:amara", None),
        ("sip:desk@pbx.example", None),
        ("+266696687", None),  # Twilio's withheld caller
        ("", None),
        ("12", None),
        ("+1234567890123456", None),
    ],
)
def test_numbers_are_read_in_e164(written, expected):
    assert e164(written, "1") == expected


def test_a_national_number_takes_the_default_country_and_drops_its_trunk_zero():
    assert e164("020 7946 0958", "44") == "+442079460958"
    assert e164("0044 20 7946 0958", "1") == "+442079460958"
