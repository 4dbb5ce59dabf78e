"""What governance needs to know about complaint files: their retention class (kept
CAREDESK_COMPLAINT_RETENTION_DAYS after closure, legal holds apply) and their encrypted
columns for key rotation (registered in ComplaintsConfig.ready())."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from caredesk.complaints.models import VERSION_SEALED, Complaint, ComplaintVersion
from caredesk.compliance.records import RecordClass, held_via_ticket, record_class_register
from caredesk.tickets.services.keys import Sealed, sealed_register

RECORD_CLASS = "complaint_files"


def _ended_before(cutoff: datetime) -> QuerySet[Any]:
    return Complaint.objects.filter(status="closed", closed_at__lt=cutoff)


def register() -> None:
    record_class_register(
        RecordClass(
            RECORD_CLASS,
            _ended_before,
            held_via_ticket,
            default_days=settings.CAREDESK_COMPLAINT_RETENTION_DAYS,
        )
    )
    sealed_register(Sealed("complaint files", Complaint, VERSION_SEALED))
    sealed_register(Sealed("complaint versions", ComplaintVersion, VERSION_SEALED))
