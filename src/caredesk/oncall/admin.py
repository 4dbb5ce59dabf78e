"""Admin: schedules and their layers (rotations and participants), escalation policies and
their steps, paging numbers. Pages are the desk's (the On call screen), not the admin's."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from caredesk.core import clock
from caredesk.oncall.models import (
    EscalationPolicy,
    EscalationStep,
    Layer,
    LayerMember,
    Override,
    PagingContact,
    Schedule,
)


class LayerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Layer
    extra = 0
    show_change_link = True
    fields = ("name", "level", "kind", "shift_hours", "handoff_time", "start_date")


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "team", "timezone")
    fields = ("team", "name", "timezone")
    inlines = [LayerInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


class LayerMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LayerMember
    extra = 1
    fields = ("position", "user")
    raw_id_fields = ("user",)


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "level", "kind", "handoff_time", "start_date")
    fields = (
        "schedule",
        "name",
        "level",
        "kind",
        "shift_hours",
        "handoff_time",
        "start_date",
        "restrict_from",
        "restrict_to",
    )
    inlines = [LayerMemberInline]


@admin.register(Override)
class OverrideAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("schedule", "user", "start", "end", "reason")
    fields = ("schedule", "user", "start", "end", "reason")
    raw_id_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.created_at is None:
            obj.created_at = clock.now()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class StepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EscalationStep
    extra = 1
    fields = ("position", "target", "schedule", "person", "wait_minutes")
    raw_id_fields = ("person",)


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "team", "is_default", "repeat")
    fields = ("team", "name", "is_default", "repeat")
    inlines = [StepInline]


@admin.register(PagingContact)
class PagingContactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "phone", "sms", "voice")
    fields = ("user", "phone", "sms", "voice")
    raw_id_fields = ("user",)
