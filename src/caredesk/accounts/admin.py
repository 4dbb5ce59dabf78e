from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from caredesk.accounts.models import ApiToken, Contact, Organization, Team, User
from caredesk.accounts.signin import mfa_reset, sessions_end_all
from caredesk.compliance.admin import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):  # type: ignore[misc]
    ordering = ("name",)
    list_display = ("email", "name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "groups", "teams")
    search_fields = ("email", "name")
    actions = ("reset_second_factor", "end_sessions")
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

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[User], service: Any, message: str
    ) -> None:
        """Call a per-person service with the administrator as the actor, then say so."""
        actor: User = request.user  # type: ignore[assignment]
        people = list(queryset)
        for person in people:
            service(user=person, actor=actor)
        self.message_user(request, message.format(count=len(people)), messages.SUCCESS)

    @admin.action(description="Reset two-step sign-in (lost phone)", permissions=["change"])
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._apply(
            request,
            queryset,
            mfa_reset,
            "Two-step sign-in reset for {count} person(s); they are signed out and set it up "
            "again at their next sign-in.",
        )

    @admin.action(description="Sign out everywhere", permissions=["change"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._apply(
            request, queryset, sessions_end_all, "Signed out everywhere: {count} person(s)."
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
