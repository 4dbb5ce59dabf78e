"""Twilio's request signature and telephone numbers in E.164 form (no Django, no Twilio SDK).

Twilio signs each webhook request: base64 of the HMAC-SHA1, keyed with the account's auth
token, of the full URL it requested followed by every POST parameter's name and value, in
parameter-name order (a name sent several times: its values in order).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"https": 443, "http": 80}

# What Twilio puts in From when the caller's number is withheld or unknown.
WITHHELD = frozenset({"+266696687", "+86282452253", "+8656696", "+7378742833", "+2562533"})

_EXTENSION = re.compile(r"(?i)(?:;?\s*ext\.?\s*=?|x|#)")
_LETTERS = re.compile(r"[A-Za-z@]")
_NOT_DIGIT = re.compile(r"\D")


def signature(token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The X-Twilio-Signature value Twilio sends for a form POST of `params` to `url`."""
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    data = url + "".join(
        name + value for name in sorted(grouped) for value in sorted(set(grouped[name]))
    )
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def url_variants(url: str) -> list[str]:
    """The URL as given, and with the default port added or the port removed.

    Twilio may sign the URL with or without an explicit port; its own libraries accept both.
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return [url]
    host = parts.netloc
    if port is not None:
        host = host[: host.rfind(":")]
    variants = [url, urlunsplit(parts._replace(netloc=host))]
    default = DEFAULT_PORTS.get(parts.scheme)
    if port is None and default is not None:
        variants.append(urlunsplit(parts._replace(netloc=f"{host}:{default}")))
    return list(dict.fromkeys(variants))


def signature_valid(
    token: str, urls: Iterable[str], params: list[tuple[str, str]], given: str
) -> bool:
    """True when `given` is Twilio's signature of the request at one of `urls` (compared in
    constant time)."""
    if not token or not given:
        return False
    given_bytes = given.strip().encode("utf-8", "replace")
    found = False
    for url in urls:
        for variant in url_variants(url):
            expected = signature(token, variant, params).encode()
            found |= hmac.compare_digest(expected, given_bytes)
    return found


def e164(raw: str, country_code: str = "1") -> str | None:
    """The number in E.164 form (`+15550100199`), or None when it is not a dialable number.

    Spaces, dots, dashes, brackets, a `tel:` prefix and an extension are dropped. A number
    written without `+` or `00` is national: one trunk `0` is removed and `country_code` put in
    front (for `1`, eleven digits starting with 1 already carry it). Withheld numbers, SIP
    addresses and client names are not numbers.
    """
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    text = _EXTENSION.split(text, maxsplit=1)[0].strip()
    if not text or _LETTERS.search(text):
        return None
    digits = _NOT_DIGIT.sub("", text)
    if not digits:
        return None
    if text.startswith("+"):
        full = digits
    elif digits.startswith("00"):
        full = digits[2:]
    elif country_code == "1" and len(digits) == 11 and digits.startswith("1"):
        full = digits
    else:
        full = country_code + digits.removeprefix("0")
    number = "+" + full
    if not 7 <= len(full) <= 15 or full.startswith("0") or number in WITHHELD:
        return None
    return number
