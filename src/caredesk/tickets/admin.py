"""Configuration lives in the admin: request types and their forms. Tickets are read-only here
because only the ticket services may write them (every change needs its event), and the admin
shows a person exactly the tickets the desk shows them (tickets/selectors.py), never more, with
health information left out."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from caredesk.compliance import access as audit
from caredesk.tickets.models import RequestField, RequestType, Tag, Ticket
from caredesk.tickets.selectors import tickets_visible, visibility_filter


def visible_through_ticket(
    qs: QuerySet[Any], request: HttpRequest, field: str = "ticket"
) -> QuerySet[Any]:
    """Rows about a ticket, limited to the tickets the desk shows this person; rows about no
    ticket (yet) only for those who see every ticket."""
    user: Any = request.user
    if visibility_filter(user) is None:
        return qs
    return qs.filter(**{f"{field}__in": tickets_visible(user).values("pk")})


class TicketVisibleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin of rows that hold a ticket's content (chats, calls, mail, tracker issues):
    list, search, change and history answer only for tickets the person may see on the desk."""

    ticket_field = "ticket"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return visible_through_ticket(super().get_queryset(request), request, self.ticket_field)


class RequestFieldInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RequestField
    extra = 1
    fields = (
        "position",
        "key",
        "label",
        "kind",
        "required",
        "phi",
        "help_text",
        "choices",
        "maps_to",
    )


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "default_level", "default_team", "portal_visible", "active", "position")
    list_editable = ("position", "active")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [RequestFieldInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ("name",)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "subject", "status", "priority", "team", "assignee", "updated_at")
    list_filter = ("status", "priority", "team")
    search_fields = ("subject",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        # the desk's rule: a Tier 2 agent finds here only what the queue shows them
        visible = visibility_filter(request.user)  # type: ignore[arg-type]
        qs = super().get_queryset(request)
        return qs if visible is None else qs.filter(visible)

    # Health information is for the desk (masked, or unmasked by role), never the admin.
    exclude = (
        "patient_id",
        "clinician_id",
        "encounter_id",
        "patient_id_index",
        "clinician_id_index",
        "encounter_id_index",
        "form_data",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        ticket = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and isinstance(ticket, Ticket):
            audit.ticket_viewed(request=request, ticket=ticket)
        return response
