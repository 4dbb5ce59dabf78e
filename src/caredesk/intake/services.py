"""Mail into tickets. The raw message is committed first; then, in one transaction with the
ticket change, it opens a ticket, joins the conversation it answers, or is recorded as a
duplicate, automatic mail (never answered: no mail loops) or quarantined with its reason.

One message never stops the intake: whatever goes wrong with it (text the database refuses, a
fault in the code) quarantines that message, kept raw, and the next one is handled. Only a
database that cannot be reached leaves a message `received`, to be taken again."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError, connection, transaction
from django.db.models import QuerySet

from caredesk.accounts.models import Contact, Organization, User
from caredesk.accounts.services import requester_for_email
from caredesk.core import clock, confcache
from caredesk.core import text as storable
from caredesk.core.errors import DomainError
from caredesk.core.filetypes import program_kind
from caredesk.intake.acknowledge import acknowledge
from caredesk.intake.mail import MailError, ParsedMail, parse
from caredesk.intake.models import InboundMail, MailStatus
from caredesk.tickets.models import Channel, Mailbox, Message, MessageKind, Status, Ticket
from caredesk.tickets.pure import pk_from_ref, read_reply_token
from caredesk.tickets.services import Body, NewTicket, Upload, message_add, tickets_open
from caredesk.tickets.services.attachments import clean_filename
from caredesk.tickets.services.ccs import MAX_CCS, ccs_add_quietly
from caredesk.tickets.services.followers import follower_add
from caredesk.tickets.services.mailboxes import mailbox_for
from caredesk.tickets.services.merge import final_ticket

log = logging.getLogger(__name__)
DONE = (MailStatus.CREATED, MailStatus.APPENDED, MailStatus.IGNORED)


@dataclass(frozen=True)
class Outcome:
    status: str
    ticket: str | None  # the reference, e.g. CD-1042
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "ticket": self.ticket, "reason": self.reason}


def mail_receive(*, raw: bytes, source: str = "pipe") -> InboundMail:
    """Keep a received message exactly as it came (committed on its own, before any parsing).

    The same message from the same source still waiting to be handled (its handling was cut
    short: the database went away, the process stopped) is not kept twice: that copy is
    returned, and handled now."""
    sha256 = hashlib.sha256(raw).hexdigest()
    source = storable.clean(source)[:200]  # a file name from the command line may hold anything
    waiting = InboundMail.objects.filter(
        sha256=sha256, source=source, size=len(raw), status=MailStatus.RECEIVED
    ).first()
    if waiting is not None:
        return waiting
    with transaction.atomic():
        return InboundMail.objects.create(
            raw=raw, size=len(raw), sha256=sha256, source=source, received_at=clock.now()
        )


def mail_ingest(*, raw: bytes, source: str = "pipe") -> Outcome:
    """Receive and process one message; every outcome is reported. It raises only when the
    database cannot be reached (the message, if it was kept, waits as `received`)."""
    return mail_process(mail=mail_receive(raw=raw, source=source))


def mail_process(*, mail: InboundMail) -> Outcome:
    """Turn a stored message into a ticket change (again, after a fix, for quarantined mail)."""
    mail.attempts += 1
    limit = settings.CAREDESK_MAX_MAIL_BYTES
    if mail.size > limit:
        return _finish(mail, MailStatus.QUARANTINED, f"larger than {limit // (1024 * 1024)} MB")
    try:
        return _handle(mail)
    except (OperationalError, InterfaceError):
        raise  # the database is away: the message stays received and is taken again
    except (DataError, UnicodeError) as exc:
        return _quarantine_fault(mail, exc, "holds text the database cannot store")
    except Exception as exc:  # noqa: BLE001 - one message must never stop the intake
        return _quarantine_fault(mail, exc, "could not be processed")


def _handle(mail: InboundMail) -> Outcome:
    try:
        parsed = parse(bytes(mail.raw))  # no database: outside the transaction below
    except MailError as exc:
        return _finish(mail, MailStatus.QUARANTINED, str(exc))
    with transaction.atomic():  # what fails is undone, so the mail can be quarantined after
        handled = _handled_meanwhile(mail)
        if handled is not None:
            return handled
        return _store(mail, parsed)


def _handled_meanwhile(mail: InboundMail) -> Outcome | None:
    """The outcome another process recorded for this very message since it was loaded, or None.

    Two workers polling one mailbox can both take the copy kept from an interrupted poll; the
    row's lock makes the second wait for the first, which must not then be overwritten (as a
    duplicate of itself). SQLite's write transactions already run one at a time."""
    row = (
        InboundMail.objects.select_for_update()
        .filter(pk=mail.pk)
        .values_list("status", "reason", "ticket_id")
        .first()
    )
    if row is None or row[0] == mail.status:
        return None
    status, reason, ticket_id = row
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
    return Outcome(status=status, ticket=ticket.ref if ticket else None, reason=reason)


def _store(mail: InboundMail, parsed: ParsedMail) -> Outcome:
    mail.message_id, mail.sender = parsed.message_id[:500], parsed.sender[:320]
    mail.subject = parsed.subject[:300]
    if parsed.automatic:
        return _finish(mail, MailStatus.IGNORED, parsed.automatic)
    try:
        with transaction.atomic():
            # One message handed over twice at once (a mail server's retry, two workers polling
            # one mailbox) must become one ticket: the check and the ticket share a transaction
            # that holds the Message-ID's lock, so the second waits and then sees the first.
            if parsed.message_id:
                _lock_message_id(parsed.message_id)
                if _seen(parsed.message_id, mail):
                    reason = f"{parsed.message_id} was received before"
                    return _finish(mail, MailStatus.DUPLICATE, reason)
            return _into_ticket(mail, parsed)
    except DomainError as exc:  # refused by the ticket services (e.g. an attachment type)
        reason = exc.detail + "".join(f" {k}: {' '.join(v)}" for k, v in exc.errors.items())
        return _finish(mail, MailStatus.QUARANTINED, reason)


def _quarantine_fault(mail: InboundMail, exc: Exception, what: str) -> Outcome:
    """The last line: quarantine a message whose handling failed, with values that can be
    stored whatever the message held. The log names the fault, never the content."""
    log.error("mail %s %s: %s", mail.pk, what, type(exc).__name__)
    mail.message_id = storable.clean(mail.message_id)
    mail.sender, mail.subject = storable.clean(mail.sender), storable.clean(mail.subject)
    return _finish(mail, MailStatus.QUARANTINED, f"{what} ({type(exc).__name__})")


def _by_message_ids(ids: list[str]) -> QuerySet[Message]:
    """Messages stored with one of these Message-IDs. The index on the column leaves out
    messages without one, and SQLite uses such a partial index only when the query repeats
    its condition word for word, hence the exclude (without it every mail scans the table)."""
    return Message.objects.filter(email_message_id__in=ids).exclude(email_message_id="")


MAIL_LOCK_CLASS = 0x43444D4C  # "CDML": advisory locks on Message-IDs (PostgreSQL)


def _lock_message_id(message_id: str) -> None:
    """Hold this Message-ID until the transaction ends. On PostgreSQL an advisory lock on its
    hash (two 32-bit keys, apart from the single-key locks used elsewhere); SQLite's write
    transactions (IMMEDIATE) already run one at a time."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(message_id.encode()).digest()
    key = int.from_bytes(digest[:4], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [MAIL_LOCK_CLASS, key])


def _seen(message_id: str, mail: InboundMail) -> bool:
    """Whether this Message-ID was taken before, by earlier mail or as a stored message.

    Every mail asks this, so it is one plain statement on two indexes (the ORM's version of
    the same query took fifty times as long to build as to run)."""
    done = ", ".join(["%s"] * len(DONE))
    sql = (
        f"SELECT EXISTS(SELECT 1 FROM {InboundMail._meta.db_table} WHERE message_id = %s"  # noqa: S608
        f" AND status IN ({done}) AND id <> %s)"
        f" OR EXISTS(SELECT 1 FROM {Message._meta.db_table} WHERE email_message_id = %s"
        # the partial index's own condition, word for word, so SQLite uses it
        " AND NOT (email_message_id = ''))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [message_id, *DONE, mail.pk, message_id])
        row = cursor.fetchone()
    return bool(row[0])


_PROCESSING_FIELDS = (
    "status",
    "reason",
    "ticket",
    "ticket_message",
    "processed_at",
    "attempts",
    "message_id",
    "sender",
    "subject",
)


def _finish(
    mail: InboundMail,
    status: str,
    reason: str = "",
    ticket: Ticket | None = None,
    message: Message | None = None,
) -> Outcome:
    mail.status, mail.reason = status, reason[:500]
    mail.ticket, mail.ticket_message = ticket, message
    mail.processed_at = clock.now()
    # the raw message was written once when it arrived; it is never rewritten
    mail.save(update_fields=[*_PROCESSING_FIELDS])
    if status == MailStatus.QUARANTINED:
        # the reason may quote the mail (an attachment's name): it stays with the mail
        log.warning("mail %s quarantined; the reason is on its page", mail.pk)
    return Outcome(status=status, ticket=ticket.ref if ticket else None, reason=mail.reason)


def _requester(parsed: ParsedMail) -> Contact:
    return requester_for_email(email=parsed.sender, name=parsed.sender_name)


_REF = re.compile(r"\[([A-Za-z]+-\d+)\]")


def _thread(parsed: ParsedMail, contact: Contact) -> Ticket | None:
    """The ticket this mail answers: a signed reply address, our Message-IDs it refers to, or
    the reference in its subject when it comes from that ticket's requester."""
    ticket = _answered(parsed, contact)
    # a merged ticket's conversation continues on the ticket it was merged into
    return final_ticket(ticket) if ticket is not None else None


def _answered(parsed: ParsedMail, contact: Contact) -> Ticket | None:
    token_ticket = read_reply_token(settings.SECRET_KEY.encode(), parsed.recipients)
    if token_ticket:
        return Ticket.objects.filter(pk=token_ticket).first()
    ids = [*parsed.in_reply_to, *parsed.references]
    if ids:
        found = _by_message_ids(ids).select_related("ticket").order_by("-id").first()
        if found is not None:
            return found.ticket
    for ref in _REF.findall(parsed.subject):
        pk = pk_from_ref(ref)
        ticket = Ticket.objects.filter(pk=pk).first() if pk else None
        if ticket is not None and ticket.merged_into_id is not None:
            ticket = final_ticket(ticket) if ticket.requester_id == contact.pk else None
        # a reference alone proves nothing: only the ticket's own requester may add to it
        if ticket is not None and ticket.requester_id == contact.pk:
            return ticket
    return None


OWN = "own_addresses"


def own_addresses() -> set[str]:
    """The desk's own mailboxes: never put in copy of a ticket. The mailboxes' and the
    organizations' addresses are kept per process (a stamp read per mail, reloaded when a
    mailbox or an organization's mail addresses change); the settings are read each time."""
    found = {
        settings.DEFAULT_FROM_EMAIL,
        settings.CAREDESK_REPLY_ADDRESS,
        *settings.CAREDESK_OWN_ADDRESSES,
    }
    return _clean(found) | confcache.cached(OWN, _stored_addresses)


def _clean(found: set[str]) -> set[str]:
    return {a.strip().lower() for a in found if a and "@" in a}


def _stored_addresses() -> frozenset[str]:
    found = set(Mailbox.objects.values_list("address", flat=True))
    for reply_to, sender in Organization.objects.values_list("mail_reply_to", "mail_from"):
        found.add(reply_to)
        found.add(parseaddr(sender)[1])
    return frozenset(_clean(found))


_MAIL_FIELDS = ("mail_reply_to", "mail_from")


def _org_addresses(org: Organization) -> tuple[Any, ...]:
    """The organization's mail addresses as loaded (None for a deferred field: never loaded
    here, which would cost a query per row)."""
    return tuple(org.__dict__.get(name) for name in _MAIL_FIELDS)


def watch_own_addresses() -> None:
    """Drop the kept addresses when a mailbox is saved or deleted, or an organization's mail
    addresses change (an organization saved with the same addresses costs nothing)."""
    from django.db.models.signals import post_delete, post_init, post_save

    def loaded(sender: Any, instance: Organization, **_kw: Any) -> None:
        instance._own_loaded = _org_addresses(instance)  # type: ignore[attr-defined]

    def saved(
        sender: Any, instance: Organization, created: bool, update_fields: Any = None, **_kw: Any
    ) -> None:
        if update_fields is not None and not set(_MAIL_FIELDS) & set(update_fields):
            return
        now = _org_addresses(instance)
        before = (None, None) if created else getattr(instance, "_own_loaded", (None, None))
        if created and not any(now):
            return  # a new organization without its own mail addresses
        if now != before or None in now:
            confcache.bump(OWN)
        instance._own_loaded = now  # type: ignore[attr-defined]

    def deleted(sender: Any, instance: Organization, **_kw: Any) -> None:
        if any(_org_addresses(instance)) or None in _org_addresses(instance):
            confcache.bump(OWN)

    uid = "intake:own_addresses"
    post_init.connect(loaded, sender=Organization, weak=False, dispatch_uid=uid + ":init")
    post_save.connect(saved, sender=Organization, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(deleted, sender=Organization, weak=False, dispatch_uid=uid + ":delete")
    confcache.bump_on_change(OWN, Mailbox)


def _is_own(address: str, own: set[str]) -> bool:
    """One of our mailboxes, also with a +tag (a ticket's signed reply address)."""
    local, _at, domain = address.partition("@")
    return address in own or f"{local.split('+', 1)[0]}@{domain}" in own


def _others(parsed: ParsedMail, *leave_out: str) -> list[tuple[str, str]]:
    """The To and Cc people who are not our mailboxes, the sender or `leave_out`."""
    own = own_addresses()
    skip = {parsed.sender, *(a.lower() for a in leave_out if a)}
    people: dict[str, str] = {}
    for address, name in parsed.named_recipients:
        if address in skip or address in people or _is_own(address, own):
            continue
        people[address] = name
        if len(people) >= MAX_CCS:
            break
    return list(people.items())


@dataclass(frozen=True)
class Sender:
    """Who a new mail's ticket is for: the requester, and the account manager who wrote for
    them (who then follows the ticket instead of being its requester)."""

    requester: Contact
    manager: User | None = None


def _for_client(parsed: ParsedMail) -> Sender | None:
    """An account manager writing to support with their client in copy: the client (a contact
    of an organization they manage, named in To or Cc) is the requester."""
    manager = User.objects.filter(email__iexact=parsed.sender, is_active=True).first()
    if manager is None or not manager.is_agent:
        return None
    managed = Organization.objects.filter(account_manager=manager)
    addresses = [a for a, _n in parsed.named_recipients if a != parsed.sender]
    client = (
        Contact.objects.select_related("organization")
        .filter(organization__in=managed, email__in=addresses)
        .first()
        if addresses
        else None
    )
    return Sender(requester=client, manager=manager) if client is not None else None


def _uploads(parsed: ParsedMail) -> tuple[tuple[Upload, ...], str]:
    """The attachments to store, and a line for the stored message naming attached programs,
    which are never stored (the message as received, with them, stays in the received mail)."""
    kept: list[Upload] = []
    left_out: list[str] = []
    for a in parsed.attachments:
        kind = program_kind(a.data)
        if kind:
            left_out.append(f"{clean_filename(a.filename)} ({kind})")
        else:
            kept.append(Upload(a.filename, a.content_type, a.data, sniffed=True))
    if not left_out:
        return tuple(kept), ""
    names = ", ".join(left_out)
    return tuple(
        kept
    ), f"\n\n[Not attached, because programs and scripts are not accepted: {names}]"


def _arrived_on(mail: InboundMail, parsed: ParsedMail) -> Mailbox | None:
    """The mailbox the mail was sent to: the address it was delivered to, else the first of
    its recipients that is one of ours, else the IMAP account it was read from."""
    polled = mail.source.removeprefix("imap:").split("/", 1)[0].rsplit("@", 1)[0]
    account = [polled] if mail.source.startswith("imap:") and "@" in polled else []
    return mailbox_for([*parsed.delivered_to, *parsed.recipients, *account])


def _into_ticket(mail: InboundMail, parsed: ParsedMail) -> Outcome:
    for_client = _for_client(parsed)
    if for_client is not None:
        ticket = _thread(parsed, for_client.requester)
        if ticket is None or ticket.status == Status.CLOSED:
            return _open(mail, parsed, for_client, ticket)
    contact = _requester(parsed)
    return _join_or_open(mail, parsed, contact, _thread(parsed, contact))


def _join_or_open(
    mail: InboundMail, parsed: ParsedMail, contact: Contact, ticket: Ticket | None
) -> Outcome:
    uploads, removed = _uploads(parsed)
    body = Body(
        text=(parsed.text or parsed.full_text) + removed, email_message_id=parsed.message_id
    )
    if ticket is not None and ticket.status != Status.CLOSED:
        message = message_add(
            ticket=ticket,
            kind=MessageKind.PUBLIC,
            body=body,
            actor=contact,
            uploads=uploads,
        )
        ccs_add_quietly(ticket=ticket, people=_others(parsed), actor=contact)
        return _finish(mail, MailStatus.APPENDED, "", ticket=ticket, message=message)
    return _open(mail, parsed, Sender(requester=contact), ticket)


def _open(mail: InboundMail, parsed: ParsedMail, sender: Sender, ticket: Ticket | None) -> Outcome:
    """A new ticket from this mail (`ticket`: the closed one it follows up, if any)."""
    contact = sender.requester
    author: Contact | User = sender.manager or contact
    uploads, removed = _uploads(parsed)
    body = Body(
        text=(parsed.text or parsed.full_text) + removed, email_message_id=parsed.message_id
    )
    subject = _REF.sub("", parsed.subject).strip() or "(no subject)"
    subject = re.sub(r"^((re|fwd?|aw|wg)\s*:\s*)+", "", subject, flags=re.IGNORECASE) or subject
    (opened,) = tickets_open(
        items=[
            NewTicket(
                requester=contact,
                subject=subject,
                body=Body(
                    text=parsed.full_text + removed if ticket is None else body.text,
                    email_message_id=parsed.message_id,
                ),
                channel=Channel.EMAIL,
                uploads=uploads,
                received_via=_arrived_on(mail, parsed),
            )
        ],
        actor=author,
    )
    if sender.manager is not None:
        follower_add(ticket=opened.ticket, follower=sender.manager, actor=sender.manager)
    copied = ccs_add_quietly(
        ticket=opened.ticket, people=_others(parsed, contact.email or ""), actor=author
    )
    first = opened.message
    # the people in copy learn the reference too, so their answers find the ticket
    acknowledge(opened, parsed.text or parsed.full_text, cc=[c.email for c in copied])
    reason = f"follow-up to closed {ticket.ref}" if ticket is not None else ""
    return _finish(mail, MailStatus.CREATED, reason, ticket=opened.ticket, message=first)


def quarantine() -> Any:
    """Mail waiting for an administrator (newest first)."""
    return InboundMail.objects.filter(status=MailStatus.QUARANTINED).order_by("-id")
