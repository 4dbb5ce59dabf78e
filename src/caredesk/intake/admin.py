from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from caredesk.core.admin_mixins import ReadOnlyAdmin
from caredesk.intake.models import InboundMail, MailStatus, VideoFailure
from caredesk.intake.services import mail_process
from caredesk.tickets.admin import TicketVisibleAdmin


@admin.register(InboundMail)
class InboundMailAdmin(ReadOnlyAdmin, TicketVisibleAdmin):
    """Every received mail; quarantined ones can be processed again once the cause is fixed."""

    list_display = ("received_at", "sender", "subject", "status", "reason", "ticket", "attempts")
    list_filter = ("status", "source")
    search_fields = ("sender", "subject", "message_id")
    exclude = ("raw",)
    readonly_fields = [f.name for f in InboundMail._meta.fields if f.name != "raw"]
    actions = ["process_again"]

    @admin.action(description="Process the selected quarantined mail again")
    def process_again(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for mail in queryset.filter(status=MailStatus.QUARANTINED):
            outcome = mail_process(mail=mail)
            done += outcome.status != MailStatus.QUARANTINED
        self.message_user(
            request, f"{done} mail processed; the rest stays in quarantine.", messages.INFO
        )


@admin.register(VideoFailure)
class VideoFailureAdmin(ReadOnlyAdmin, TicketVisibleAdmin):
    """Which ticket holds each reported video session; reports of one session share a ticket."""

    # The session ID is health information: it stays on the desk, not in the admin.
    list_display = ("ticket", "organization", "reports", "last_reported_at")
    list_filter = ("organization",)
    exclude = ("session_id", "session_id_index")
    list_select_related = ("organization", "ticket")
