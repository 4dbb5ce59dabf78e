"""Polling mailboxes over IMAP. A message is marked done in the mailbox only after it has been
stored and its ticket committed, so a crash in between means it is read again (and then
recognised as a duplicate, or handled from the copy already kept), never lost. A message that
cannot be handled is quarantined and flagged like any other; only when the database cannot be
reached is it left for the next poll, and the messages after it are still tried."""

from __future__ import annotations

import contextlib
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.db import DatabaseError
from imapclient import IMAPClient

from caredesk.intake.services import Outcome, mail_ingest

log = logging.getLogger(__name__)
DONE_FLAG = b"$CareDeskDone"
BATCH = 50


@dataclass(frozen=True)
class Mailbox:
    """imaps://user:password@host:993/INBOX (imap:// for plain IMAP, +starttls to upgrade)."""

    host: str
    port: int
    user: str
    password: str
    folder: str
    tls: str  # "ssl", "starttls" or "none"
    move_to: str = ""  # a folder to move handled mail to, instead of flagging it

    @classmethod
    def from_url(cls, url: str, move_to: str = "") -> Mailbox:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("imap", "imaps", "imap+starttls") or not parts.hostname:
            raise ValueError("use imaps://user:password@host:993/INBOX or imap://…")
        tls = {"imaps": "ssl", "imap+starttls": "starttls"}.get(scheme, "none")
        return cls(
            host=parts.hostname,
            port=parts.port or (993 if tls == "ssl" else 143),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            tls=tls,
            move_to=move_to,
        )

    @property
    def label(self) -> str:  # no password in logs or in the stored source
        return f"imap:{self.user}@{self.host}/{self.folder}"


def _connect(box: Mailbox) -> IMAPClient:
    context = ssl.create_default_context()
    client = IMAPClient(
        box.host, port=box.port, ssl=box.tls == "ssl", ssl_context=context, timeout=30
    )
    if box.tls == "starttls":
        client.starttls(context)
    client.login(box.user, box.password)
    return client


def poll(box: Mailbox, *, limit: int = 500) -> list[Outcome]:
    """Ingest the mailbox's new messages; returns what became of each."""
    outcomes: list[Outcome] = []
    client = _connect(box)
    try:
        client.select_folder(box.folder)
        uids = client.search(["NOT", "DELETED", "NOT", "KEYWORD", DONE_FLAG.decode()])[:limit]
        for start in range(0, len(uids), BATCH):
            chunk = uids[start : start + BATCH]
            fetched = client.fetch(chunk, ["BODY.PEEK[]"])  # PEEK: not marked read yet
            for uid in chunk:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if raw is None:
                    continue
                try:
                    outcome = mail_ingest(raw=bytes(raw), source=box.label)
                except DatabaseError as exc:  # kept as received if it was stored: taken again
                    log.warning("mailbox %s: a message waits: %s", box.label, type(exc).__name__)
                    continue
                outcomes.append(outcome)
                _done(client, box, uid)  # only now: the mail and its ticket are committed
    finally:
        with contextlib.suppress(OSError, ssl.SSLError):  # the server may already have gone
            client.logout()
    return outcomes


def _done(client: IMAPClient, box: Mailbox, uid: int) -> None:
    if box.move_to:
        client.move([uid], box.move_to)
    else:
        client.add_flags([uid], [b"\\Seen", DONE_FLAG])


def poll_all(urls: list[str], move_to: str = "") -> int:
    """Poll every configured mailbox; one that fails is logged and tried again next time."""
    count = 0
    for url in urls:
        try:
            box = Mailbox.from_url(url, move_to=move_to)
        except ValueError as exc:
            log.error("mailbox setting is not valid: %s", exc)
            continue
        try:
            count += len(poll(box))
        except (OSError, ssl.SSLError, IMAPClient.Error) as exc:
            log.warning("mailbox %s could not be polled: %s", box.label, type(exc).__name__)
    return count
