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
SURVEY_EXPIRED = "This link has expired: surveys can be answered for a limited time."


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


def signed_rating_url(
    prefix: str, token: str, score: int | None, *, expires: datetime, salt: str
) -> str:
    """A one-click rating link under `prefix` (a path ending in "/"): the token, the score and
    the expiry, signed under `salt`."""
    signed = signing.dumps(
        {"t": token, "s": score, "e": int(expires.timestamp())}, salt=salt, compress=True
    )
    return _url(f"{prefix}{signed}/")


def rate_link(token: str, score: int | None, *, expires: datetime) -> str:
    return signed_rating_url("/feedback/rate/", token, score, expires=expires, salt=RATE_SALT)


def stop_link(token: str, *, expires: datetime) -> str:
    signed = signing.dumps({"t": token, "e": int(expires.timestamp())}, salt=STOP_SALT)
    return _url(f"/feedback/stop/{signed}/")


def expiry(days: int) -> datetime:
    return clock.now() + timedelta(days=days)


def _read(signed: str, salt: str, *, expired: str = SURVEY_EXPIRED) -> dict[str, object]:
    try:
        data = signing.loads(signed, salt=salt)
    except signing.BadSignature:
        raise LinkRefused("This link is not valid. Copy the whole link from the mail.") from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise LinkRefused("This link is not valid.")
    expires = data.get("e")
    if not isinstance(expires, int) or clock.now().timestamp() > expires:
        raise LinkExpired(expired)
    return data


def rating_read(signed: str, salt: str, *, expired: str = SURVEY_EXPIRED) -> Rating:
    """The token and score of a link made by `signed_rating_url`; LinkRefused (400) when
    tampered, LinkExpired (410) when late."""
    data = _read(signed, salt, expired=expired)
    score = data.get("s")
    if score is not None and not isinstance(score, int):
        raise LinkRefused("This link is not valid.")
    return Rating(token=str(data["t"]), score=score)


def rate_read(signed: str) -> Rating:
    return rating_read(signed, RATE_SALT)


def stop_read(signed: str) -> str:
    return str(_read(signed, STOP_SALT)["t"])
