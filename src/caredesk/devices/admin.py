"""Admin: the product catalogue (classes with their warranty, models), the spare parts
catalogue and the stock locations. Assets are registered on the desk, by CSV import or through
the API, each change an event; stock changes only through the desk's and the API's stock
forms, each a movement."""

from __future__ import annotations

from django.contrib import admin

from caredesk.devices.models import Part, ProductClass, ProductModel, StockLocation


@admin.register(ProductClass)
class ProductClassAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "warranty_months")


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "sku", "product_class", "active")
    list_filter = ("product_class", "active")
    search_fields = ("name", "sku")


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("number", "name", "critical", "lead_time_days", "floor_days", "ceiling_days")
    list_filter = ("critical", "active")
    search_fields = ("number", "name")
    filter_horizontal = ("product_models",)


@admin.register(StockLocation)
class StockLocationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "repair_default", "active")
