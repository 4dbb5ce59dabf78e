"""Signed survey links: they carry the survey's random token, the score and the instant they
expire, signed with the project's secret; never a ticket's subject, a name or anything about
health. Expiry is read on the project's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing

from caredesk.core import clock
from caredesk.core.errors import DomainError

RATE_SALT = "caredesk.feedback.rate"
STOP_SALT = "caredesk.feedback.stop"


class LinkRefused(DomainError):
    status = 400
    title = "Link not valid"


class LinkExpired(DomainError):
    status = 410
    title = "Link expired"


@dataclass(frozen=True)
class Rating:
    token: str
    score: int | None  # None: the page without a preselected score


def _url(path: str) -> str:
    return f"{settings.CAREDESK_BASE_URL.rstrip('/')}{path}"


def rate_link(token: str, score: int | None, *, expires: datetime) -> str:
    signed = signing.dumps(
        {"t": token, "s": score, "e": int(expires.timestamp())}, salt=RATE_SALT, compress=True
    )
    return _url(f"/feedback/rate/{signed}/")


def stop_link(token: str, *, expires: datetime) -> str:
    signed = signing.dumps({"t": token, "e": int(expires.timestamp())}, salt=STOP_SALT)
    return _url(f"/feedback/stop/{signed}/")


def expiry(days: int) -> datetime:
    return clock.now() + timedelta(days=days)


def _read(signed: str, salt: str) -> dict[str, object]:
    try:
        data = signing.loads(signed, salt=salt)
    except signing.BadSignature:
        raise LinkRefused("This link is not valid. Copy the whole link from the mail.") from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise LinkRefused("This link is not valid.")
    expires = data.get("e")
    if not isinstance(expires, int) or clock.now().timestamp() > expires:
        raise LinkExpired("This link has expired: surveys can be answered for a limited time.")
    return data


def rate_read(signed: str) -> Rating:
    data = _read(signed, RATE_SALT)
    score = data.get("s")
    if score is not None and not isinstance(score, int):
        raise LinkRefused("This link is not valid.")
    return Rating(token=str(data["t"]), score=score)


def stop_read(signed: str) -> str:
    return str(_read(signed, STOP_SALT)["t"])
