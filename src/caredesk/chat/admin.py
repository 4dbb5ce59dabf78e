from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from caredesk.chat.models import AgentPresence, ChatSession
from caredesk.core import clock
from caredesk.core.admin_mixins import ReadOnlyAdmin
from caredesk.tickets.admin import TicketVisibleAdmin


@admin.register(ChatSession)
class ChatSessionAdmin(ReadOnlyAdmin, TicketVisibleAdmin):
    """Every chat with its times: the first reply is measured against the chat target."""

    list_display = (
        "created_at",
        "visitor_name",
        "status",
        "end_reason",
        "agent",
        "ticket",
        "first_reply_seconds",
        "first_reply_met",
    )
    list_filter = ("status", "end_reason", "first_reply_met")
    search_fields = ("visitor_name", "visitor_email")
    readonly_fields = [f.name for f in ChatSession._meta.fields]
    list_select_related = ("agent", "ticket")


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who takes chats now; agents switch this themselves on the Live chat page."""

    list_display = ("user", "available", "changed_at", "seen_at")
    list_filter = ("available",)
    list_select_related = ("user",)
    readonly_fields = ("changed_at", "seen_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.changed_at = clock.now()
        if obj.available:  # the agent has the time set away to open the chat page
            obj.seen_at = obj.changed_at
        super().save_model(request, obj, form, change)
