"""The queue as a spreadsheet: the tickets the current filters list, as CSV.

Only people allowed to export (`tickets.export_ticket`: supervisors) may; the file carries no
structured health information (patient, clinician and encounter IDs, form answers), and every
ticket in it is written to the access audit before the file leaves.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from caredesk.compliance import access as audit
from caredesk.compliance.csvsafe import csv_lines
from caredesk.core import clock
from caredesk.core.access import agent_required
from caredesk.desk.views import _filters, _user
from caredesk.tickets import selectors
from caredesk.tickets.models import Ticket

HEADER = (
    "Ticket",
    "Subject",
    "Status",
    "Level",
    "Channel",
    "Requester",
    "Requester email",
    "Organization",
    "Team",
    "Assignee",
    "Created (UTC)",
    "Updated (UTC)",
    "First response (UTC)",
    "SLA due (UTC)",
)
# the ticket's fields the file holds, as the audit names them
FIELDS = ("subject", "status", "priority", "channel", "requester", "team", "assignee", "times")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def _row(ticket: Ticket) -> tuple[object, ...]:
    return (
        ticket.ref,
        ticket.subject,
        ticket.get_status_display(),
        ticket.priority,
        ticket.get_channel_display(),
        ticket.requester.name,
        ticket.requester.email,
        ticket.organization.name if ticket.organization else "",
        ticket.team.name if ticket.team else "",
        ticket.assignee.name if ticket.assignee else "",
        _when(ticket.created_at),
        _when(ticket.updated_at),
        _when(ticket.first_response_at),
        _when(ticket.sla_due_at),
    )


@agent_required
def queue_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user = _user(request)
    if not user.has_perm("tickets.export_ticket"):
        raise PermissionDenied
    limit = settings.CAREDESK_EXPORT_MAX_ROWS
    tickets = selectors.ticket_export(user=user, filters=_filters(request), limit=limit)
    if len(tickets) > limit:
        return HttpResponse(
            f"More than {limit:,} tickets match these filters; narrow them (a team, a status, "
            "a level) and export again.",
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    audit.tickets_exported(request=request, tickets=tickets, fields=FIELDS)
    response = StreamingHttpResponse(
        csv_lines(HEADER, (_row(t) for t in tickets)), content_type="text/csv; charset=utf-8"
    )
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
