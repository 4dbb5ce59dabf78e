"""What intake keeps about people: received mail (and its quarantine), for governance's exports,
erasures and retention (registered in IntakeConfig.ready())."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.accounts.models import Contact
from caredesk.compliance.records import (
    Holds,
    PersonalData,
    RecordClass,
    held_via_ticket,
    personal_data_register,
    record_class_register,
)
from caredesk.intake.models import InboundMail, MailStatus
from caredesk.tickets.services.erasure import ERASED


def _held_mail(holds: Holds) -> Q:
    emails = Contact.objects.filter(
        Q(pk__in=holds.contacts) | Q(organization_id__in=holds.organizations), email__isnull=False
    ).values_list("email", flat=True)
    return held_via_ticket(holds) | Q(sender__in=list(emails))


def _ended(*, quarantine: bool) -> Callable[[datetime], QuerySet[Any]]:
    def ended_before(cutoff: datetime) -> QuerySet[Any]:
        old = InboundMail.objects.filter(received_at__lt=cutoff)
        quarantined = Q(status=MailStatus.QUARANTINED)
        return old.filter(quarantined if quarantine else ~quarantined)

    return ended_before


def _mail_q(contact: Contact, ticket_ids: list[int]) -> Q:
    q = Q(ticket_id__in=ticket_ids)
    if contact.email:
        q |= Q(sender__iexact=contact.email)
    return q


def _export(contact: Contact, ticket_ids: list[int]) -> list[dict[str, Any]]:
    mail = InboundMail.objects.filter(_mail_q(contact, ticket_ids))
    return [
        dict(row)
        for row in mail.values("id", "ticket_id", "sender", "subject", "status", "received_at")
    ]


def _erase(contact: Contact, ticket_ids: list[int], name: str) -> int:
    return InboundMail.objects.filter(_mail_q(contact, ticket_ids)).update(
        raw=b"", sender="", subject=ERASED
    )


def register() -> None:
    record_class_register(RecordClass("received_mail", _ended(quarantine=False), _held_mail))
    record_class_register(RecordClass("quarantine", _ended(quarantine=True), _held_mail))
    personal_data_register(PersonalData("received_mail", _export, _erase))
