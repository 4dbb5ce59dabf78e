"""Showing a complainant: only to people who may see the ticket's health information, and
every time written to the access audit (the screens and the API alike)."""

from __future__ import annotations

from django.http import HttpRequest

from caredesk.accounts.models import User
from caredesk.complaints.models import Complaint
from caredesk.complaints.services import PHI
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction
from caredesk.tickets.selectors import phi_shown


def complainant_shown(*, request: HttpRequest, user: User, complaint: Complaint) -> bool:
    """Whether `user` sees the complainant unmasked; if so (and there is one), audit it."""
    shown = phi_shown(user, complaint.ticket)
    if shown and (complaint.complainant_name or complaint.complainant_contact):
        record(
            action=AuditAction.COMPLAINT_VIEWED,
            request=request,
            object_type="complaint",
            object_id=complaint.pk,
            ticket_id=complaint.ticket_id,
            organization_id=complaint.ticket.organization_id,
            fields=list(PHI),
        )
    return shown
