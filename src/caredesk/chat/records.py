"""What live chat keeps about people: chat sessions and their uploads, for governance's
exports, erasures and retention (registered in ChatConfig.ready())."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.accounts.models import Contact
from caredesk.chat.models import ChatSession, ChatStatus, ChatUpload
from caredesk.compliance.records import (
    PersonalData,
    RecordClass,
    held_people,
    personal_data_register,
    record_class_register,
)
from caredesk.core.storage import delete_files_on_commit


def _ended_before(cutoff: datetime) -> QuerySet[Any]:
    old = ChatSession.objects.filter(status=ChatStatus.ENDED, created_at__lt=cutoff)
    return old.filter(Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True))


def _before_delete(ids: list[int]) -> None:
    names = ChatUpload.objects.filter(session_id__in=ids).values_list("file", flat=True)
    delete_files_on_commit([str(n) for n in names])


def _sessions(contact: Contact, ticket_ids: list[int]) -> QuerySet[ChatSession]:
    return ChatSession.objects.filter(Q(requester=contact) | Q(ticket_id__in=ticket_ids))


def _export(contact: Contact, ticket_ids: list[int]) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in _sessions(contact, ticket_ids).values(
            "id", "ticket_id", "visitor_name", "visitor_email", "status", "created_at", "ended_at"
        )
    ]


def _erase(contact: Contact, ticket_ids: list[int], name: str) -> int:
    chats = _sessions(contact, ticket_ids)
    uploads = ChatUpload.objects.filter(session__in=chats)
    delete_files_on_commit([str(n) for n in uploads.values_list("file", flat=True)])
    uploads.delete()
    return chats.update(visitor_name=name, visitor_email="erased@erased.invalid", page_url="")


def register() -> None:
    record_class_register(RecordClass("chat_sessions", _ended_before, held_people, _before_delete))
    personal_data_register(PersonalData("chats", _export, _erase))
