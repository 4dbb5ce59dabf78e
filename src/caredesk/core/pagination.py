"""Keyset cursors: opaque, tamper-tolerant tokens holding the last row's sort key."""

from __future__ import annotations

import base64
import json
from datetime import datetime


class BadCursor(ValueError):
    """The cursor could not be decoded."""


def encode_cursor(value: str | int | datetime | None, pk: int) -> str:
    """Return an opaque cursor for the row with sort value `value` and id `pk`."""
    raw = value.isoformat() if isinstance(value, datetime) else value
    payload = json.dumps([raw, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str | int | None, int]:
    """Return (sort value, id) from a cursor; raise BadCursor if it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise BadCursor("cursor is not valid") from exc
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise BadCursor("cursor is not valid")
    if value is not None and not isinstance(value, str | int):
        raise BadCursor("cursor is not valid")
    if isinstance(value, bool):
        raise BadCursor("cursor is not valid")
    return value, pk
