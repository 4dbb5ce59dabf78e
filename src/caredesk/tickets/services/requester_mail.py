"""Mail to the requester: threaded on the conversation, with a reply address that finds the
ticket again. Queued in the outbox inside the caller's transaction."""

from __future__ import annotations

from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from caredesk.core.models import OutboxKind
from caredesk.core.outbox import outbox_add
from caredesk.tickets.models import Mailbox, Message, Ticket
from caredesk.tickets.pure import build_reply_token
from caredesk.tickets.services.mailboxes import mailbox_of, sender


def notify_requester(ticket: Ticket, message: Message, *, mail: bool = True) -> None:
    """Mail a public reply to the requester, threaded so their answer finds this ticket."""
    if not mail:
        return
    context = {"ticket": ticket, "message": message, "base_url": settings.CAREDESK_BASE_URL}
    mail_requester(
        ticket,
        subject=f"[{ticket.ref}] {ticket.subject}",
        body=render_to_string("mail/agent_reply.txt", context),
        message=message,
    )


def mail_requester(
    ticket: Ticket,
    *,
    subject: str,
    body: str,
    message: Message | None = None,
    auto: str = "auto-generated",
) -> None:
    """Queue mail to the requester: threaded on the conversation so far, from the mailbox the
    ticket arrived on (else the organization's own sender, else the default mailbox), with its
    signature and a Reply-To on the same address that leads back to this ticket."""
    if not ticket.requester.email:
        return
    org = ticket.organization
    own_sender = org is not None and bool(org.mail_from)
    mailbox = mailbox_of(ticket, fall_back=not own_sender)
    if mailbox is not None and mailbox.signature:
        body = f"{body.rstrip()}\n\n-- \n{mailbox.signature}\n"
    tag = f"cd{ticket.pk}.{message.pk}" if message else f"cd{ticket.pk}.ack"
    message_id = make_msgid(idstring=tag, domain=mail_domain())
    earlier = Message.objects.filter(ticket=ticket).exclude(email_message_id="")
    if message is not None:
        earlier = earlier.exclude(pk=message.pk)
    refs = list(earlier.order_by("-id").values_list("email_message_id", flat=True)[:10])
    headers = {"Message-ID": message_id, "Auto-Submitted": auto}
    if refs:
        headers["In-Reply-To"] = refs[0]
        headers["References"] = " ".join(reversed(refs))
    reply_to = reply_address(ticket, mailbox)
    if reply_to:
        headers["Reply-To"] = reply_to
    if message is not None:
        Message.objects.filter(pk=message.pk).update(email_message_id=message_id)
    payload: dict[str, Any] = {
        "to": [ticket.requester.email],
        "subject": subject,
        "body": body,
        "headers": headers,
    }
    if mailbox is not None:
        payload["from"] = sender(mailbox)
    elif org is not None and org.mail_from:
        payload["from"] = org.mail_from
    outbox_add(kind=OutboxKind.EMAIL, payload=payload)


def mail_domain() -> str:
    """The domain of the Message-IDs CareDesk writes (its own host name)."""
    return urlsplit(settings.CAREDESK_BASE_URL).hostname or "caredesk.local"


def reply_address(ticket: Ticket, mailbox: Mailbox | None = None) -> str:
    """support+t1042-<signature>@domain: a reply to it finds the ticket whatever the subject
    (on the ticket's mailbox when it has one, so the answer comes back to the same brand)."""
    org = ticket.organization
    address = (
        (mailbox.address if mailbox is not None else "")
        or (org.mail_reply_to if org is not None else "")
        or settings.CAREDESK_REPLY_ADDRESS
    )
    if not address or "@" not in address:
        return ""
    local, domain = address.rsplit("@", 1)
    return f"{local}+{build_reply_token(settings.SECRET_KEY.encode(), ticket.pk)}@{domain}"
