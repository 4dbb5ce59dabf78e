"""Erasing a requester from their tickets, and deleting tickets whose retention ran out.

The two lawful exceptions to append-only: an erasure rewrites what named the person (including
their change history), and retention deletes whole tickets. Callers write the audit entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db import transaction

from caredesk.accounts.models import Contact
from caredesk.core.models import Notification
from caredesk.core.registries import Registry
from caredesk.core.storage import delete_files_on_commit
from caredesk.tickets.models import Attachment, EventKind, Message, Ticket, TicketEvent

ERASED = "[erased]"
# what higher layers keep per ticket (the reports' rows behind each figure), removed with the
# tickets retention deletes; filled in their AppConfig.ready()
tickets_deleting: Registry[Callable[[list[int]], None]] = Registry("tickets being deleted")
# Ticket fields that name or identify the person; their change events are erased with them.
PERSONAL_TICKET_FIELDS = ("subject", "patient_id", "clinician_id", "encounter_id", "device_serial")


@transaction.atomic
def requester_erase(*, contact: Contact) -> dict[str, int]:
    """Clear what identifies a requester on their tickets and everything they wrote.

    Tickets keep their status, times and levels; other people's messages stay. Attachments on
    the tickets are deleted (their files after commit). Returns counts per kind of row.
    """
    ids = list(Ticket.objects.filter(requester=contact).values_list("pk", flat=True))
    counts = {
        "tickets": Ticket.objects.filter(pk__in=ids).update(
            subject=ERASED,
            patient_id="",
            clinician_id="",
            encounter_id="",
            device_serial="",
            form_data={},
        ),
        "messages": Message.objects.filter(author_contact=contact).update(
            body_text=ERASED, body_html=f"<p>{ERASED}</p>"
        ),
    }
    TicketEvent.objects.filter(ticket_id__in=ids, field__in=PERSONAL_TICKET_FIELDS).update(
        old=ERASED, new=ERASED
    )
    # Notifications and pages quote texts that protocols filled in with the requester's name.
    Notification.objects.filter(ticket_id__in=ids).update(text=ERASED)
    quoted = TicketEvent.objects.filter(
        ticket_id__in=ids, kind__in=[EventKind.NOTIFIED, EventKind.PAGED]
    )
    for event in quoted.only("pk", "data"):
        TicketEvent.objects.filter(pk=event.pk).update(data={**event.data, "text": ERASED})
    attachments = Attachment.objects.filter(ticket_id__in=ids)
    delete_files_on_commit([str(n) for n in attachments.values_list("file", flat=True)])
    counts["attachments"] = attachments.delete()[0]
    return counts


@transaction.atomic
def tickets_delete(*, ids: list[int]) -> Counter[str]:
    """Delete tickets with their messages, attachments (files after commit) and events.

    Returns the rows deleted per model label. Raises ProtectedError if another record still
    needs one of them.
    """
    names = Attachment.objects.filter(ticket_id__in=ids).values_list("file", flat=True)
    delete_files_on_commit([str(n) for n in names])
    for forget in tickets_deleting:
        forget(ids)
    return Counter(Ticket.objects.filter(pk__in=ids).delete()[1])
