"""The code arithmetic of two-step sign-in: RFC 6238 vectors, drift, replay, recovery codes."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

from caredesk.accounts import totp

# RFC 6238 appendix B, SHA-1, with the 20-byte key "12345678901234567890" (last six digits)
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "287082"),
    (1111111109, "081804"),
    (1111111111, "050471"),
    (1234567890, "005924"),
    (2000000000, "279037"),
]


def test_codes_match_the_rfc_test_vectors():
    for timestamp, code in RFC_VECTORS:
        assert totp.code_at(RFC_SECRET, timestamp) == code


def test_a_code_is_accepted_one_step_early_or_late_but_not_two():
    now = 1_800_000_000.0
    step = totp.step_at(now)
    for offset in (-1, 0, 1):
        code = totp.code_at(RFC_SECRET, now + offset * 30)
        assert totp.matching_step(RFC_SECRET, code, timestamp=now, last_step=0) == step + offset
    for offset in (-2, 2):
        code = totp.code_at(RFC_SECRET, now + offset * 30)
        assert totp.matching_step(RFC_SECRET, code, timestamp=now, last_step=0) is None


def test_a_used_step_and_earlier_ones_are_refused():
    now = 1_800_000_000.0
    step = totp.step_at(now)
    code = totp.code_at(RFC_SECRET, now)
    assert totp.matching_step(RFC_SECRET, code, timestamp=now, last_step=step) is None
    earlier = totp.code_at(RFC_SECRET, now - 30)
    assert totp.matching_step(RFC_SECRET, earlier, timestamp=now, last_step=step) is None
    later = totp.code_at(RFC_SECRET, now + 30)
    assert totp.matching_step(RFC_SECRET, later, timestamp=now, last_step=step) == step + 1


def test_spaces_are_forgiven_and_anything_but_six_digits_is_refused():
    now = 1_800_000_000.0
    code = totp.code_at(RFC_SECRET, now)
    spaced = f"{code[:3]} {code[3:]}"
    assert totp.matching_step(RFC_SECRET, spaced, timestamp=now, last_step=0) is not None
    for typed in ("", "12345", "1234567", "abcdef", code + "0"):
        assert totp.matching_step(RFC_SECRET, typed, timestamp=now, last_step=0) is None


def test_new_secrets_are_random_base32_of_160_bits():
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second
    assert len(base64.b32decode(first)) == 20


def test_the_setup_address_names_the_desk_and_the_account():
    uri = totp.provisioning_uri(
        "JBSWY3DPEHPK3PXP", account="ines@caredesk.example", issuer="CareDesk"
    )
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parsed.path == "/CareDesk%3Aines%40caredesk.example"
    query = parse_qs(parsed.query)
    assert query["secret"] == ["JBSWY3DPEHPK3PXP"] and query["issuer"] == ["CareDesk"]


def test_recovery_codes_are_ten_distinct_and_typed_loosely():
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    code = codes[0]
    assert totp.looks_like_recovery_code(code)
    assert totp.recovery_digest(code.upper().replace("-", " ")) == totp.recovery_digest(code)
    assert totp.recovery_digest(code) != code and len(totp.recovery_digest(code)) == 64
    assert not totp.looks_like_recovery_code("123456")
