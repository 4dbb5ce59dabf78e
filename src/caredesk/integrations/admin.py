from django.contrib import admin

from caredesk.core.admin_mixins import ReadOnlyAdmin
from caredesk.integrations.models import TrackerIssue, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "url", "active", "business_associate", "failures")
    list_filter = ("active", "business_associate")
    readonly_fields = ("failures", "disabled_reason", "created_at")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The delivery log: every event sent, its attempts and the last answer."""

    list_display = (
        "message_id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
    )
    list_filter = ("status", "endpoint")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]


@admin.register(TrackerIssue)
class TrackerIssueAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "project", "ticket", "status", "updated_at")
    readonly_fields = [f.name for f in TrackerIssue._meta.fields]
