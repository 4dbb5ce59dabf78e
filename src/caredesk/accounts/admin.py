from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from caredesk.accounts.models import ApiToken, Contact, Organization, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("name",)
    list_display = ("email", "name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "groups", "teams")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "name", "password", "timezone")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "password1", "password2", "is_staff"),
            },
        ),
    )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "plan", "account_manager")
    list_filter = ("kind", "plan")
    search_fields = ("name", "email_domain")
    autocomplete_fields = ("account_manager",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "kind", "organization")
    list_filter = ("kind", "organization")
    search_fields = ("name", "email")
    raw_id_fields = ("user",)
    exclude = ("date_of_birth",)  # health information stays out of the admin


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "hint", "created_at", "last_used_at")
