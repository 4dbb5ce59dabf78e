"""The PHI crypto core (no database): values and files sealed with AES-256-GCM and key IDs."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core import phi_crypto as pc
from caredesk.core.phi_crypto import PhiDecryptError, PhiKeyError

K1 = base64.b64encode(b"1" * 32).decode()
K2 = base64.b64encode(b"2" * 32).decode()
IDX = base64.b64encode(b"i" * 32).decode()
AAD = "tickets.Ticket.patient_id"


def ring(text: str = f"k1={K1},index={IDX}") -> pc.KeyRing:
    return pc.keyring_from(pc.parse_entries(text))


@given(st.text(max_size=200))
def test_any_text_round_trips_and_never_shows_in_the_stored_form(text):
    token = pc.encrypt(ring(), text, AAD)
    assert pc.decrypt(ring(), token, AAD) == text
    assert token.startswith("phi1:k1:")
    if len(text) >= 4:
        assert text not in token


def test_each_encryption_uses_a_fresh_nonce():
    tokens = {pc.encrypt(ring(), "PT-555-0101", AAD) for _ in range(50)}
    assert len(tokens) == 50


def test_a_changed_byte_fails_with_a_clear_error():
    token = pc.encrypt(ring(), "PT-555-0101", AAD)
    body = bytearray(base64.urlsafe_b64decode(token.split(":")[2] + "=="))
    body[-1] ^= 1
    changed = "phi1:k1:" + base64.urlsafe_b64encode(bytes(body)).decode().rstrip("=")
    with pytest.raises(PhiDecryptError, match="changed"):
        pc.decrypt(ring(), changed, AAD)


def test_a_value_moved_to_another_field_does_not_decrypt():
    token = pc.encrypt(ring(), "PT-555-0101", AAD)
    with pytest.raises(PhiDecryptError):
        pc.decrypt(ring(), token, "tickets.Ticket.clinician_id")


def test_values_written_under_an_old_key_still_read_after_a_new_key_is_added():
    old = pc.encrypt(ring(f"k1={K1},index={IDX}"), "PT-1", AAD)
    both = ring(f"k2={K2},k1={K1},index={IDX}")
    assert both.active_id == "k2"
    assert pc.decrypt(both, old, AAD) == "PT-1"
    assert pc.key_id_of(pc.encrypt(both, "PT-1", AAD)) == "k2"


def test_a_value_whose_key_is_gone_names_the_missing_key():
    token = pc.encrypt(ring(f"k1={K1},index={IDX}"), "PT-1", AAD)
    with pytest.raises(PhiDecryptError, match="'k1' is not configured"):
        pc.decrypt(ring(f"k2={K2},index={IDX}"), token, AAD)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No PHI encryption key"),
        (f"index={IDX}", "No PHI encryption key"),
        (f"k1={K1}", "blind-index key"),
        ("k1=not-base64!", "not valid base64"),
        (f"k1={base64.b64encode(b'short').decode()},index={IDX}", "32 bytes"),
        (f"k1={K1},k1={K2},index={IDX}", "given twice"),
        (f"{K1},index={IDX}", "id=base64"),
    ],
)
def test_missing_or_malformed_keys_are_refused_with_a_clear_message(text, message):
    with pytest.raises(PhiKeyError, match=message):
        ring(text)


def test_key_file_lines_and_comments_are_read_like_the_environment_list():
    text = f"# keys\nk2={K2}\n\nk1={K1}\nindex={IDX}\n"
    assert ring(text).ids == ["k2", "k1"]


def test_files_round_trip_with_their_key_id_in_the_header():
    data = b"%PDF-1.7 scan of a referral" * 100
    sealed = pc.encrypt_file(ring(), data, "attachment")
    assert pc.is_encrypted_file(sealed) and pc.file_key_id(sealed) == "k1"
    assert b"referral" not in sealed
    assert pc.decrypt_file(ring(), sealed, "attachment") == data
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(PhiDecryptError):
        pc.decrypt_file(ring(), tampered, "attachment")


def test_blind_index_ignores_case_and_spaces_but_not_the_field_or_the_key():
    one = pc.blind_index(ring(), "pt-555-0101", AAD)
    assert one == pc.blind_index(ring(), "  PT-555-0101 ", AAD)
    assert one != pc.blind_index(ring(), "PT-555-0102", AAD)
    assert one != pc.blind_index(ring(), "PT-555-0101", "tickets.Ticket.clinician_id")
    other = ring(f"k1={K1},index={K2}")
    assert one != pc.blind_index(other, "PT-555-0101", AAD)
    assert pc.blind_index(ring(), "   ", AAD) == ""


def test_generated_keys_are_accepted():
    assert ring(f"k9={pc.generate_key()},index={pc.generate_key()}").active_id == "k9"
