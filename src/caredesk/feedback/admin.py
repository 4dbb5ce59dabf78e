"""Admin: the feedback settings (one row; administrators change it, nobody adds or deletes)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from caredesk.feedback.forms import SettingsForm
from caredesk.feedback.models import FeedbackSettings


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = SettingsForm
    filter_horizontal = ("csat_request_types",)
    fieldsets = (
        (
            "Satisfaction survey (CSAT)",
            {"fields": ("csat_enabled", "csat_delay_hours", "csat_channels", "csat_request_types")},
        ),
        ("Links", {"fields": ("link_days", "change_days")}),
        ("Recommendation survey (NPS)", {"fields": ("nps_enabled", "nps_sample_size")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
