"""Data-subject requests: give a requester their own personal data (GDPR Art. 15), or erase
them.

The export is the subject's own data, so it is unmasked; it is produced only by the privacy
role (accounts/capabilities.py `may_export_personal_data`), for a recorded reason, and it holds
nothing of anyone else: no internal notes, no other requester's words, no staff names (a reply
says it came from support), no clinician identifiers."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from caredesk.accounts.capabilities import may_export_personal_data
from caredesk.accounts.models import Contact, User
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.records import personal_data
from caredesk.core import clock
from caredesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from caredesk.core.models import OutboxItem, OutboxKind
from caredesk.governance.models import SubjectRequest, SubjectRequestKind
from caredesk.governance.pure import pseudonym
from caredesk.governance.selectors import holds_on_contact
from caredesk.governance.services.reviews import account_lock_out
from caredesk.tickets.models import Attachment, Message, MessageKind, Ticket
from caredesk.tickets.services.erasure import requester_erase


def _dump(rows: Any) -> bytes:
    return json.dumps(rows, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


def _tickets(contact: Contact) -> list[Ticket]:
    return list(Ticket.objects.filter(requester=contact).select_related("category").order_by("id"))


def _contact_facts(contact: Contact) -> dict[str, Any]:
    user = contact.user
    return {
        "id": contact.pk,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "kind": contact.kind,
        "organization": contact.organization.name if contact.organization else None,
        "created_at": contact.created_at,
        "phone_numbers": list(contact.phone_numbers.values_list("number", flat=True)),
        "portal_account": (
            None
            if user is None
            else {"email": user.email, "joined": user.date_joined, "last_sign_in": user.last_login}
        ),
    }


def _ticket_facts(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.pk,
        "reference": t.ref,
        "subject": t.subject,
        "status": t.status,
        "level": t.priority,
        "channel": t.channel,
        "request_type": t.category.name if t.category else None,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "closed_at": t.closed_at,
        # the subject's own identifiers, unmasked; a clinician's identifier is not theirs
        "patient_id": t.patient_id,
        "encounter_id": t.encounter_id,
        "device_serial": t.device_serial,
        "os": t.os,
        "browser": t.browser,
        "network": t.network,
        "form_answers": t.form_data,
    }


def _messages(contact: Contact, ticket_ids: list[int]) -> list[dict[str, Any]]:
    """The conversation the subject could read on their tickets: their own words and the
    desk's public replies; never internal notes, never what others wrote elsewhere."""
    rows = (
        Message.objects.filter(kind=MessageKind.PUBLIC)
        .filter(Q(ticket_id__in=ticket_ids) | Q(author_contact=contact))
        .order_by("ticket_id", "created_at", "id")
        .values("id", "ticket_id", "author_contact_id", "author_user_id", "body_text", "created_at")
    )
    out = []
    for row in rows:
        mine = row["author_contact_id"] == contact.pk
        desk = row["author_contact_id"] is None and row["author_user_id"] is not None
        if not mine and (not desk or row["ticket_id"] not in ticket_ids):
            continue  # another requester's words (a colleague writing on the same ticket)
        kept = {k: v for k, v in row.items() if k not in ("author_contact_id", "author_user_id")}
        out.append({**kept, "from": "you" if mine else "support"})
    return out


def _access_summary(contact: Contact, ticket_ids: list[int]) -> list[dict[str, Any]]:
    """Who accessed the subject's data, by role and kind of access, per day (no staff names:
    recipients by category, Art. 15(1)(c))."""
    about = (
        Q(object_type="contact", object_id=str(contact.pk))
        | Q(ticket_id__in=ticket_ids)
        | Q(object_type="ticket", object_id__in=[str(pk) for pk in ticket_ids])
    )
    seen: dict[tuple[str, str, str], int] = {}
    for at, role, action in AuditEntry.objects.filter(about).values_list(
        "at", "actor_role", "action"
    ):
        key = (at.date().isoformat(), role or "system", action)
        seen[key] = seen.get(key, 0) + 1
    return [
        {"date": d, "role": r, "access": a, "times": n} for (d, r, a), n in sorted(seen.items())
    ]


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    counts: dict[str, int]


def _zip_attachments(archive: zipfile.ZipFile, contact: Contact) -> list[dict[str, Any]]:
    """The files the subject sent (never a note's attachment, never someone else's)."""
    listed = []
    sent = Attachment.objects.filter(
        message__author_contact=contact, message__kind=MessageKind.PUBLIC
    )
    for att in sent.order_by("id"):
        path = f"attachments/{att.pk}-{att.filename}"
        try:
            with att.file.open("rb") as handle:
                archive.writestr(path, handle.read())
        except OSError:
            path = ""  # the stored file is gone; the listing still says it existed
        listed.append(
            {
                "id": att.pk,
                "ticket_id": att.ticket_id,
                "message_id": att.message_id,
                "filename": att.filename,
                "content_type": att.content_type,
                "size": att.size,
                "created_at": att.created_at,
                "file": path,
            }
        )
    return listed


REASON_MIN = 15


def subject_export(
    *, contact: Contact, actor: User, reason: str, request: HttpRequest | None = None
) -> Export:
    """The subject's own personal data, as JSON files in a ZIP: for the privacy role only, for
    a reason that is recorded with the request and in the audit chain."""
    if not may_export_personal_data(actor):
        raise PermissionDenied("Only the privacy role produces a data subject's export.")
    reason = " ".join(str(reason or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationFailed(
            "Say why the export is needed.",
            errors={"reason": [f"Write at least {REASON_MIN} characters, e.g. the request's ref."]},
        )
    tickets = _tickets(contact)
    ids = [t.pk for t in tickets]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files = {
            "contact.json": _contact_facts(contact),
            "tickets.json": [_ticket_facts(t) for t in tickets],
            "messages.json": list(_messages(contact, ids)),
            # what the channels hold (chats, calls, received mail): they say what that is
            **{f"{part.name}.json": part.export(contact, ids) for part in personal_data},
        }
        files["access.json"] = _access_summary(contact, ids)
        files["attachments.json"] = _zip_attachments(archive, contact)
        for name, rows in files.items():
            archive.writestr(name, _dump(rows))
    counts = {name.removesuffix(".json"): _count(rows) for name, rows in files.items()}
    with transaction.atomic():
        _done(contact, SubjectRequestKind.EXPORT, counts, actor, request, reason=reason[:1000])
    stamp = clock.now().strftime("%Y%m%d")
    return Export(f"personal-data-{contact.pk}-{stamp}.zip", buffer.getvalue(), counts)


def _count(rows: Any) -> int:
    return len(rows) if isinstance(rows, list) else 1


def _erase_account(user: User, name: str, token: str) -> None:
    user.email = f"erased-{user.pk}-{token}@erased.invalid"
    user.name = name
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "name", "first_name", "last_name", "is_active", "password"])
    account_lock_out(user)


def _erase_channels(contact: Contact, ids: list[int], name: str) -> dict[str, int]:
    """What the channels hold (chats, calls, received mail, known numbers): each erases its
    own; then the copies of mail sent to the requester."""
    counts = {part.name: part.erase(contact, ids, name) for part in personal_data}
    if contact.email:
        OutboxItem.objects.filter(
            kind=OutboxKind.EMAIL, payload__to__icontains=contact.email
        ).delete()
    return counts


@transaction.atomic
def subject_erase(
    *, contact: Contact, actor: User, request: HttpRequest | None = None
) -> SubjectRequest:
    """Pseudonymise a requester and erase what they wrote and sent; refused under a legal hold.

    Tickets stay (with their status, times and levels) so reports still add up; the audit chain
    holds no names, so it verifies unchanged.
    """
    if holds_on_contact(contact).exists():
        raise Conflict(
            "A legal hold covers this requester; release it before erasing.",
            errors={"contact": ["Under legal hold."]},
        )
    token = secrets.token_hex(4)
    name = pseudonym(token)
    ids = [t.pk for t in _tickets(contact)]
    counts = requester_erase(contact=contact) | _erase_channels(contact, ids, name)
    if contact.user is not None:
        _erase_account(contact.user, name, token)
    Contact.objects.filter(pk=contact.pk).update(name=name, email=None, phone="")
    contact.refresh_from_db()
    return _done(contact, SubjectRequestKind.ERASE, counts, actor, request)


def _done(
    contact: Contact,
    kind: SubjectRequestKind,
    counts: dict[str, int],
    actor: User,
    request: HttpRequest | None,
    *,
    reason: str = "",
) -> SubjectRequest:
    """Keep the request in the list and in the audit (counts and names of parts, no content)."""
    done = SubjectRequest.objects.create(
        contact=contact, kind=kind, actor=actor, at=clock.now(), counts=counts, reason=reason
    )
    record(
        action=(
            AuditAction.SUBJECT_EXPORTED
            if kind == SubjectRequestKind.EXPORT
            else AuditAction.SUBJECT_ERASED
        ),
        actor=actor,
        request=request,
        object_type="contact",
        object_id=contact.pk,
        organization_id=contact.organization_id,
        fields=sorted(counts),
        reason=reason,
    )
    return done
