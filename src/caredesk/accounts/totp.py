"""Time-based one-time codes (RFC 6238) and recovery codes; plain functions, no Django.

Codes are six digits over 30-second steps with SHA-1, which every authenticator app reads.
A code is accepted one step early or late (clock drift) and only for a step later than the
last one used, so a code seen over someone's shoulder cannot be used again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlencode

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    """A new shared secret: 160 random bits in base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def _totp(secret: str) -> TOTP:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    return TOTP(key, DIGITS, SHA1(), STEP_SECONDS)  # noqa: S303 - RFC 6238's default, as apps use


def step_at(timestamp: float) -> int:
    """The 30-second step an instant (seconds since the epoch) falls in."""
    return int(timestamp // STEP_SECONDS)


def code_at(secret: str, timestamp: float) -> str:
    """The code an authenticator app shows at this instant."""
    return _totp(secret).generate(step_at(timestamp) * STEP_SECONDS).decode()


def matching_step(secret: str, code: str, *, timestamp: float, last_step: int) -> int | None:
    """The step a typed code belongs to (within the allowed drift), or None.

    A step at or before `last_step` (already used) never matches.
    """
    typed = "".join(code.split())
    if len(typed) != DIGITS or not typed.isdigit():
        return None
    totp = _totp(secret)
    now = step_at(timestamp)
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        expected = totp.generate(step * STEP_SECONDS).decode()
        if hmac.compare_digest(expected, typed) and step > last_step:
            found = step
    return found


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// address a QR code carries for authenticator apps."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": 30})
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Single-use recovery codes written as xxxxx-xxxxx (about 49 random bits each)."""
    out = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        out.append(f"{raw[:5]}-{raw[5:]}")
    return out


def looks_like_recovery_code(typed: str) -> bool:
    return len(normalize_recovery_code(typed)) == 10


def normalize_recovery_code(typed: str) -> str:
    """Forgive case, spaces and dashes in a typed recovery code."""
    return "".join(ch for ch in typed.lower() if ch.isalnum())


def recovery_digest(typed: str) -> str:
    """What is stored of a recovery code: the SHA-256 of its normalized form.

    The codes are random and long, so a fast digest cannot be reversed by guessing.
    """
    return hashlib.sha256(normalize_recovery_code(typed).encode()).hexdigest()
