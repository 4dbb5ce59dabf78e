from django.contrib import admin

from caredesk.core.admin_mixins import EvidenceAdmin, ReadOnlyAdmin
from caredesk.rules.models import Macro, Policy, PolicyVersion


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "kind", "active")
    list_filter = ("kind", "active")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only here: policies are edited (validated and versioned) in the desk's editor."""

    list_display = ("name", "slug", "active", "position", "version", "updated_at", "updated_by")
    readonly_fields = [f.name for f in Policy._meta.fields]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(EvidenceAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("policy", "number", "author", "note", "created_at")
    readonly_fields = [f.name for f in PolicyVersion._meta.fields]
