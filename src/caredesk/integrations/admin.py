import json
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from caredesk.core.admin import REPLAY_PERMISSION, replay_selected
from caredesk.core.admin_mixins import EvidenceAdmin, ReadOnlyAdmin
from caredesk.core.models import OutboxItem, OutboxKind
from caredesk.integrations.models import TrackerIssue, WebhookDelivery, WebhookEndpoint
from caredesk.tickets.admin import TicketVisibleAdmin


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "url", "active", "business_associate", "failures")
    list_filter = ("active", "business_associate")
    readonly_fields = ("failures", "disabled_reason", "created_at")
    prepopulated_fields = {"slug": ("name",)}
    # an address typed without a scheme means https (Django 6's default, chosen now)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(EvidenceAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The delivery log: every event sent, its attempts, the last answer and the next attempt."""

    list_display = (
        "message_id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "endpoint")
    # what a business associate's endpoint was sent (the subject, the requester) is health
    # information: the log shows the event's facts and names the withheld fields
    readonly_fields = [
        *(f.name for f in WebhookDelivery._meta.fields if f.name != "payload"),
        "payload_shown",
    ]
    exclude = ("payload",)
    actions = ["replay"]

    @admin.display(description="Payload (health information withheld)")
    def payload_shown(self, obj: WebhookDelivery) -> str:
        return json.dumps(withheld(obj.payload), indent=2, sort_keys=True)

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REPLAY_PERMISSION)

    @admin.action(
        permissions=["replay"], description="Replay the selected given-up deliveries (audited)"
    )
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        deliveries = list(queryset.values_list("id", flat=True))
        items = OutboxItem.objects.filter(kind=OutboxKind.WEBHOOK, payload__delivery__in=deliveries)
        replay_selected(request, list(items.values_list("id", flat=True)))


@admin.register(TrackerIssue)
class TrackerIssueAdmin(ReadOnlyAdmin, TicketVisibleAdmin):
    list_display = ("key", "project", "ticket", "status", "updated_at")
    readonly_fields = [f.name for f in TrackerIssue._meta.fields]


CONTENT_FIELDS = ("subject", "requester")


def withheld(payload: Any) -> Any:
    """The payload with the content a business associate receives replaced by a marker."""
    if not isinstance(payload, dict):
        return payload
    data = payload.get("data")
    if not isinstance(data, dict):
        return payload
    shown = {k: ("(withheld)" if k in CONTENT_FIELDS else v) for k, v in data.items()}
    return {**payload, "data": shown}
