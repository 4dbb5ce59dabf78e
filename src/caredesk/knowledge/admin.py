"""Admin: the help centre's categories. Articles are written on the desk (Knowledge), where
their reviews, versions and events are kept by the knowledge services."""

from __future__ import annotations

from django.contrib import admin

from caredesk.knowledge.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
