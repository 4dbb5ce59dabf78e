"""Pure ticket vocabulary (no Django): urgency levels, references and signed reply addresses."""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
from dataclasses import dataclass

REF_OFFSET = 1000


@dataclass(frozen=True)
class LevelInfo:
    short: str
    definition: str
    advice: str
    call_now: bool


_LEVELS: dict[int, LevelInfo] = {
    1: LevelInfo(
        short="Critical",
        definition=(
            "Critical functions have stopped working and there is no workaround: "
            "some or all users cannot message or use the web or app."
        ),
        advice="Call support now instead of submitting a ticket.",
        call_now=True,
    ),
    2: LevelInfo(
        short="High",
        definition=(
            "Service is degraded, or some or all users have trouble messaging or using the "
            "web or app, with a high impact on patient care."
        ),
        advice="Call support now instead of submitting a ticket.",
        call_now=True,
    ),
    3: LevelInfo(
        short="Normal",
        definition=(
            "The issue affects a single user's ability to message or use the web or app, "
            "or the request is urgent."
        ),
        advice="You may call support, or submit this form.",
        call_now=False,
    ),
    4: LevelInfo(
        short="Low",
        definition=(
            "A task users could do themselves through self-administration, or a non-urgent "
            "change on the admin side of the service."
        ),
        advice="Submit this form through the portal.",
        call_now=False,
    ),
}


class Level(enum.IntEnum):
    L1 = 1
    L2 = 2
    L3 = 3
    L4 = 4

    @property
    def info(self) -> LevelInfo:
        return _LEVELS[self.value]

    @property
    def short(self) -> str:
        return _LEVELS[self.value].short

    @property
    def label(self) -> str:
        return f"Level {self.value} · {self.short}"


def ref_for(prefix: str, pk: int | None) -> str:
    """Return the human reference of a ticket id, e.g. CD-1042."""
    if pk is None:
        return f"{prefix}-new"
    return f"{prefix}-{pk + REF_OFFSET}"


_REF_RE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9]{0,9}-)?(\d{1,12})\s*$")


def pk_from_ref(text: str) -> int | None:
    """Return the ticket id a reference like 'CD-1042' or '1042' names, or None."""
    m = _REF_RE.match(text)
    if not m:
        return None
    pk = int(m.group(1)) - REF_OFFSET
    return pk if pk > 0 else None


MASK = "••••"
MASK_LABEL = "hidden (PHI)"


def masked(value: str) -> str:
    """How hidden health information shows: dots and, for longer values, the last two
    characters (enough to tell two tickets apart, not to learn the value)."""
    text = value.strip()
    return f"{MASK} {text[-2:]}" if len(text) > 4 else MASK


def build_reply_token(secret: bytes, ticket_id: int) -> str:
    """A token for a reply address (support+t1042-9f3a…@): the ticket, signed."""
    mac = hmac.new(secret, f"t{ticket_id}".encode(), hashlib.sha256).hexdigest()[:12]
    return f"t{ticket_id}-{mac}"


def read_reply_token(secret: bytes, recipients: list[str]) -> int | None:
    """The ticket a signed reply address names, if one of the recipients is one."""
    for address in recipients:
        local = address.split("@", 1)[0]
        match = re.search(r"\+t(\d+)-([0-9a-f]{12})$", local)
        if match:
            ticket_id = int(match.group(1))
            if hmac.compare_digest(
                build_reply_token(secret, ticket_id), f"t{ticket_id}-{match.group(2)}"
            ):
                return ticket_id
    return None
