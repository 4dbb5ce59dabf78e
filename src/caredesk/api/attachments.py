"""Attachment downloads, only for people who may see the ticket."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest

from caredesk.accounts.capabilities import reads_internal_notes
from caredesk.accounts.models import User
from caredesk.compliance import access as audit
from caredesk.core.errors import NotFound
from caredesk.tickets import selectors
from caredesk.tickets.models import Attachment, MessageKind


def attachment_response(request: HttpRequest, user: User, attachment_id: int) -> FileResponse:
    """Return the file as a download, or raise NotFound if the user may not see it."""
    att = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if att is None:
        raise NotFound("No such attachment.")
    ticket = selectors.ticket_get(user=user, pk=att.ticket_id)
    if (
        not reads_internal_notes(user)
        and att.message is not None
        and att.message.kind != MessageKind.PUBLIC
    ):
        raise NotFound("No such attachment.")
    audit.attachment_downloaded(request=request, attachment=att, ticket=ticket)
    response = FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.filename,
        content_type=att.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
