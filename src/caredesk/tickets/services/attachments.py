"""Attachment checks and storage: size and type limits, random storage names."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile

from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.core.filetypes import SIGNATURES, program_kind, sniff
from caredesk.tickets.models import Attachment, Message, Ticket

VERIFIABLE = frozenset(SIGNATURES.values())
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\\ud800-\udfff]+")  # and no half characters


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes
    sniffed: bool = False  # the type was read from the content (mail): the name says nothing


def clean_filename(name: str) -> str:
    """Return a display-safe file name (no paths, no control characters)."""
    base = _UNSAFE_NAME.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" .")
    return (base or "attachment")[:200]


def content_type_of(up: Upload) -> str:
    """The type the content really is. A name or a declared type is believed only for text
    that decodes as such; binary types are read from the first bytes, whatever the name says."""
    ctype = (up.content_type or "").split(";")[0].strip().lower()
    if up.sniffed:
        return ctype or "application/octet-stream"
    if not ctype or ctype == "application/octet-stream":
        ctype = mimetypes.guess_type(clean_filename(up.filename))[0] or ""
    found = sniff(up.data, ctype)
    if found in VERIFIABLE:  # the first bytes prove it
        return found
    if ctype in VERIFIABLE:  # claims a type its first bytes would show, and they do not
        return "application/octet-stream"
    if not ctype or ctype.startswith("text/") or ctype == "application/json":
        return found  # text that decodes as such, else bytes
    return ctype  # a type the content cannot confirm: the list of accepted types decides


def check_uploads(uploads: list[Upload], field: str = "attachments") -> None:
    """Raise ValidationFailed naming every upload over the limits."""
    errors: list[str] = []
    allowed = set(settings.CAREDESK_ATTACHMENT_TYPES)
    for up in uploads:
        name = clean_filename(up.filename)
        ctype = content_type_of(up)
        kind = program_kind(up.data)
        if kind:
            errors.append(f"{name} is {kind}. Programs and scripts are not accepted.")
        elif len(up.data) > settings.CAREDESK_MAX_ATTACHMENT_BYTES:
            limit_mb = settings.CAREDESK_MAX_ATTACHMENT_BYTES // (1024 * 1024)
            errors.append(f"{name} is larger than {limit_mb} MB.")
        elif ctype not in allowed:
            errors.append(f"{name}: files of type {ctype} are not accepted.")
    if errors:
        raise ValidationFailed("An attachment was refused.", errors={field: errors})


def store_uploads(
    ticket: Ticket, message: Message | None, uploads: list[Upload]
) -> list[Attachment]:
    saved = []
    for up in uploads:
        name = clean_filename(up.filename)
        ctype = content_type_of(up)
        att = Attachment(
            ticket=ticket,
            message=message,
            filename=name,
            content_type=ctype,
            size=len(up.data),
            created_at=clock.now(),
        )
        att.file.save(name, ContentFile(up.data), save=False)
        att.save()
        saved.append(att)
    return saved
