from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from caredesk.core.admin_mixins import EvidenceAdmin, ReadOnlyAdmin
from caredesk.rules.models import Macro, Policy, PolicyVersion


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The shared macros (the protocols name them by slug); personal macros are their owners'
    alone and kept on the desk's macros screen."""

    list_display = ("name", "slug", "kind", "active", "usage_count", "last_used_at")
    list_filter = ("kind", "active")
    prepopulated_fields = {"slug": ("name",)}
    exclude = ("owner",)
    readonly_fields = ("usage_count", "last_used_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Macro]:
        return super().get_queryset(request).filter(owner__isnull=True)


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only here: policies are edited (validated and versioned) in the desk's editor."""

    list_display = ("name", "slug", "active", "position", "version", "updated_at", "updated_by")
    readonly_fields = [f.name for f in Policy._meta.fields]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(EvidenceAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("policy", "number", "author", "note", "created_at")
    readonly_fields = [f.name for f in PolicyVersion._meta.fields]
