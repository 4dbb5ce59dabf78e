"""Admin: the product catalogue (classes with their warranty, models). Assets are registered on
the desk, by CSV import or through the API, each change an event."""

from __future__ import annotations

from django.contrib import admin

from caredesk.devices.models import ProductClass, ProductModel


@admin.register(ProductClass)
class ProductClassAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "warranty_months")


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "sku", "product_class", "active")
    list_filter = ("product_class", "active")
    search_fields = ("name", "sku")
