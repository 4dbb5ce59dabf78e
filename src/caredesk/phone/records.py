"""What the phone channel keeps about people: call records, recording links and known numbers,
for governance's exports, erasures and retention (registered in PhoneConfig.ready())."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.accounts.models import Contact
from caredesk.compliance.records import (
    PersonalData,
    RecordClass,
    held_people,
    personal_data_register,
    record_class_register,
)
from caredesk.phone.models import Call, CallRecording, ContactPhone


def _ended_before(cutoff: datetime) -> QuerySet[Any]:
    return Call.objects.filter(created_at__lt=cutoff)


def _calls(contact: Contact, ticket_ids: list[int]) -> QuerySet[Call]:
    return Call.objects.filter(Q(requester=contact) | Q(ticket_id__in=ticket_ids))


def _export(contact: Contact, ticket_ids: list[int]) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in _calls(contact, ticket_ids).values(
            "id",
            "ticket_id",
            "from_number",
            "to_number",
            "direction",
            "status",
            "created_at",
            "ended_at",
            "duration_seconds",
            "recording_url",
        )
    ]


def _erase(contact: Contact, ticket_ids: list[int], name: str) -> int:
    calls = _calls(contact, ticket_ids)
    CallRecording.objects.filter(call__in=calls).delete()
    erased = calls.filter(direction="outbound-api").update(
        to_number="", recording_url=""
    ) + calls.exclude(direction="outbound-api").update(from_number="", recording_url="")
    ContactPhone.objects.filter(contact=contact).delete()
    return erased


def register() -> None:
    record_class_register(RecordClass("phone_calls", _ended_before, held_people))
    personal_data_register(PersonalData("calls", _export, _erase))
