"""Reading a received mail (no database): headers decoded, the reply without its quoted history
and signature, sanitized HTML, attachments typed by their content, and whether it is automatic
mail that must never open a ticket or be answered. Every text it returns can be stored: a NUL
character or an unpaired surrogate in a mail is noise, and is dropped (see core/text.py)."""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default as default_policy
from email.utils import getaddresses, parseaddr

from caredesk.core import text as storable
from caredesk.core.filetypes import sniff
from caredesk.core.html import html_to_text, sanitize

MAX_PARTS = 100
MAX_ATTACHMENTS = 20
MAX_ADDRESS = 254  # the longest address SMTP carries (RFC 5321), and what a contact keeps
MAX_MESSAGE_ID = 500  # what the stored message keeps; a longer one cannot thread a reply

# Lines where quoted history starts (the reply is what comes before).
_QUOTE_STARTS = [
    re.compile(r"^\s*#+-? ?Reply above this line ?-?#+\s*$", re.IGNORECASE),
    re.compile(r"^\s*On\b.{0,200}\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le\b.{0,200}\ba écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am\b.{0,200}\bschrieb\b.{0,100}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{20,}\s*$"),
    re.compile(r"^\s*From:\s.+$"),
]
_WROTE_TAIL = re.compile(r"\bwrote:\s*$", re.IGNORECASE)
_SIGNATURE = re.compile(r"^-- ?$")
_SENT_FROM = re.compile(r"^\s*Sent from my \w+", re.IGNORECASE)
_ROBOT_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|bounces?)(\+.*)?@", re.IGNORECASE
)


_DELIVERY_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To")


class MailError(ValueError):
    """The message cannot be read; it goes to quarantine with this reason."""


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str  # as sniffed from the content, not as declared
    data: bytes
    inline: bool = False


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    subject: str
    sender_name: str
    sender: str  # the address, lower case
    recipients: list[str]
    text: str  # the new part of the message: no quoted history, no signature
    full_text: str
    html: str  # sanitized, empty when the message had no HTML
    attachments: list[Part] = field(default_factory=list)
    automatic: str = ""  # why it is automatic mail (auto-reply, bounce, bulk), or ""
    # the addresses the mail was delivered to (Delivered-To, X-Original-To, Envelope-To): the
    # mailbox it arrived on, even when the requester wrote to us in Bcc
    delivered_to: list[str] = field(default_factory=list)


# Characters no Message-ID or address holds: blanks, control characters, angle brackets, and
# unpaired surrogates. A Message-ID with one is no ID at all.
_FOREIGN = r"\s\x00-\x1f\x7f<>\ud800-\udfff"
_MESSAGE_ID = re.compile(f"<[^{_FOREIGN}]+>")
_NOT_IN_ADDRESS = re.compile(f"[{_FOREIGN}]")


def _ids(value: str | None) -> list[str]:
    return [i for i in _MESSAGE_ID.findall(value or "") if len(i) <= MAX_MESSAGE_ID]


def reply_part(text: str) -> str:
    """The new text of a reply: cut at quoted history or the signature, trailing quotes dropped."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _SIGNATURE.match(line) or _SENT_FROM.match(line):
            break
        if any(p.match(line) for p in _QUOTE_STARTS):
            if line.lstrip().startswith("From:") and i and lines[i - 1].strip():
                kept.append(line)  # a "From:" inside a paragraph is not a quoted header
                continue
            break
        # "On <date>, <name>" / "<address> wrote:" broken over two lines
        if (
            i + 1 < len(lines)
            and line.strip().startswith("On ")
            and _WROTE_TAIL.search(lines[i + 1])
        ):
            break
        kept.append(line)
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    return "\n".join(kept).strip()


def _automatic(msg: Message, sender: str) -> str:
    """Why a message is automatic mail (auto-reply, bounce, list, robot), or ""."""
    auto = str(msg.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(msg.get("Precedence", "")).strip().lower()
    suppress = str(msg.get("X-Auto-Response-Suppress", "")).lower()
    checks = [
        (auto not in ("", "no"), f"Auto-Submitted: {auto}"),
        (precedence in ("bulk", "junk", "list", "auto_reply"), f"Precedence: {precedence}"),
        (bool(msg.get("X-Autoreply") or msg.get("X-Autorespond")), "auto-reply header"),
        (any(v in suppress for v in ("all", "oof", "autoreply")), "X-Auto-Response-Suppress"),
        (bool(msg.get("List-Id") or msg.get("List-Unsubscribe")), "mailing list"),
        (bool(_ROBOT_SENDERS.match(sender)), f"sent by {sender}"),
        (msg.get_content_type() == "multipart/report", "delivery report"),
    ]
    return next((why for hit, why in checks if hit), "")


def _text_of(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeDecodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("latin-1", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _walk(msg: Message) -> tuple[str, str, list[Part]]:
    text_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[Part] = []
    for count, part in enumerate(msg.walk()):
        if count > MAX_PARTS:
            raise MailError(f"more than {MAX_PARTS} parts")
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        ctype = part.get_content_type()
        filename = part.get_filename()
        if disposition == "attachment" or filename or not ctype.startswith("text/"):
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes) or not data:
                continue
            name = storable.clean(filename or "attachment").strip()[:200] or "attachment"
            attachments.append(Part(name, sniff(data, ctype), data, inline=disposition == "inline"))
            if len(attachments) > MAX_ATTACHMENTS:
                raise MailError(f"more than {MAX_ATTACHMENTS} attachments")
            continue
        if ctype == "text/html":
            html_parts.append(_text_of(part))
        elif ctype == "text/plain":
            text_parts.append(_text_of(part))
    return "\n".join(text_parts), "\n".join(html_parts), attachments


def parse(raw: bytes) -> ParsedMail:
    """Read a raw RFC 5322 message; raise MailError when it cannot be used."""
    if not raw.strip():
        raise MailError("empty message")
    try:
        msg = email.message_from_bytes(raw, policy=default_policy)
    except Exception as exc:  # noqa: BLE001 - the parser can raise anything on hostile input
        raise MailError(f"unreadable message ({type(exc).__name__})") from None
    if msg.defects and not msg.keys():
        raise MailError("no headers")
    try:
        name, address = parseaddr(str(msg.get("From", "")))
        subject = " ".join(str(msg.get("Subject", "")).split())
        recipients = [
            a.lower()
            for _n, a in getaddresses(
                [str(v) for v in msg.get_all("To", []) + msg.get_all("Cc", [])]
            )
            if a
        ]
        delivered_to = [
            a.lower()
            for _n, a in getaddresses(
                [str(v) for h in _DELIVERY_HEADERS for v in msg.get_all(h, [])]
            )
            if a and len(a) <= MAX_ADDRESS and not _NOT_IN_ADDRESS.search(a)
        ]
    except Exception as exc:  # noqa: BLE001 - malformed headers of every kind
        raise MailError(f"unreadable headers ({type(exc).__name__})") from None
    address = address.strip().lower()
    if not address or "@" not in address:
        raise MailError("no sender address")
    if len(address) > MAX_ADDRESS or _NOT_IN_ADDRESS.search(address):
        raise MailError("the sender address is not valid")
    text, html, attachments = _walk(msg)
    text, html = storable.clean(text), storable.clean(html)
    safe_html = sanitize(html) if html.strip() else ""
    if not text.strip() and safe_html:
        text = html_to_text(safe_html)
    message_ids = _ids(str(msg.get("Message-ID", "")))
    return ParsedMail(
        message_id=message_ids[0] if message_ids else "",
        in_reply_to=_ids(str(msg.get("In-Reply-To", ""))),
        references=_ids(str(msg.get("References", ""))),
        subject=storable.clean(subject)[:300],
        sender_name=storable.clean(name).strip()[:200],
        sender=address,
        recipients=recipients,
        text=reply_part(text),
        full_text=text.strip(),
        html=safe_html,
        attachments=attachments,
        automatic=storable.clean(_automatic(msg, address)),
        delivered_to=delivered_to,
    )
