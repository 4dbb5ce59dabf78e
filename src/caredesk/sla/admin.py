"""SLA configuration in the admin; saving a policy or calendar re-applies it to open tickets."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from caredesk.core.admin_mixins import StorableJSONAdmin
from caredesk.sla.models import Calendar, SlaPolicy, SlaTarget
from caredesk.sla.services import around_the_clock_id


def _recompute_after_commit() -> None:
    from caredesk.sla.tasks import sla_recompute_task

    transaction.on_commit(sla_recompute_task)


class SlaTargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SlaTarget
    extra = 0
    fields = ("priority", "metric", "minutes", "calendar")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(StorableJSONAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "position", "active", "plans", "channels", "priorities")
    list_editable = ("position", "active")
    filter_horizontal = ("organizations", "categories")
    inlines = [SlaTargetInline]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        initial.setdefault("clinical_calendar", around_the_clock_id())
        return initial

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _recompute_after_commit()

    def delete_model(self, request: HttpRequest, obj: SlaPolicy) -> None:
        super().delete_model(request, obj)
        _recompute_after_commit()


@admin.register(Calendar)
class CalendarAdmin(StorableJSONAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "timezone", "always_open", "holiday_country")

    def save_model(self, request: HttpRequest, obj: Calendar, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _recompute_after_commit()
