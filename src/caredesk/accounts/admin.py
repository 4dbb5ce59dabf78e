from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from caredesk.accounts.models import (
    AccountKind,
    ApiToken,
    Contact,
    Organization,
    ServiceAccount,
    Team,
    User,
)
from caredesk.accounts.roles import ROLE_PERMISSIONS
from caredesk.accounts.scopes import SCOPES
from caredesk.accounts.services import service_account_create, token_create, token_revoke
from caredesk.accounts.signin import mfa_reset, sessions_end_all
from caredesk.compliance.admin import AuditedAdmin
from caredesk.core.access import form_errors_from
from caredesk.core.errors import DomainError


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):  # type: ignore[type-arg]
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
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "plan", "account_manager")
    list_filter = ("kind", "plan")
    search_fields = ("name", "email_domain")
    autocomplete_fields = ("account_manager",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "email", "kind", "organization")
    list_filter = ("kind", "organization")
    search_fields = ("name", "email")
    raw_id_fields = ("user",)
    exclude = ("date_of_birth",)  # health information stays out of the admin


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "tier", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members",)


class ServiceAccountAddForm(forms.ModelForm):  # type: ignore[type-arg]
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        help_text="A client's integration: it acts as that organization's administrator, no "
        "more, and its tokens are limited to it.",
    )
    role = forms.ChoiceField(
        choices=[("", "---------"), *[(r, r) for r in ROLE_PERMISSIONS]],
        required=False,
        help_text="An internal integration: it acts in this staff role.",
    )

    class Meta:
        model = ServiceAccount
        fields = ("name",)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("organization")) == bool(data.get("role")):
            raise forms.ValidationError("Give an organization or a role, not both.")
        return data


class TokenInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ApiToken
    fields = ("name", "hint", "scopes", "organization", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceAccount)
class ServiceAccountAdmin(AuditedAdmin):
    """Integrations' accounts: tokens only, never a password, a session or the desk."""

    list_display = ("name", "email", "organization", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "email")
    inlines = (TokenInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceAccount]:
        return super().get_queryset(request).filter(kind=AccountKind.SERVICE)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ServiceAccountAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("name", "organization", "role")
        return ("name", "email", "organization", "groups", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else ("email", "organization", "groups")

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else ()

    @admin.display(description="Organization")
    def organization(self, obj: User) -> str:
        contact = getattr(obj, "contact", None)
        return str(contact.organization) if contact and contact.organization else "Internal"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        made = service_account_create(
            name=form.cleaned_data["name"],
            organization=form.cleaned_data.get("organization"),
            role=form.cleaned_data.get("role") or None,
        )
        obj.pk = made.pk
        obj.refresh_from_db()


class ServiceTokenForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(kind=AccountKind.SERVICE, is_active=True).order_by("name"),
        label="Service account",
        help_text="People create their own tokens on the desk's API tokens page.",
    )
    name = forms.CharField(max_length=100)
    scopes = forms.MultipleChoiceField(
        choices=[(s.name, f"{s.name}: {s.description}") for s in SCOPES.values()],
        widget=forms.CheckboxSelectMultiple,
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        help_text="Only this organization's tickets, contacts and audit (an organization's "
        "service account is always limited to its own).",
    )
    expires_at = forms.DateTimeField(
        required=False, help_text="Empty: never (service accounts only). YYYY-MM-DD HH:MM, UTC."
    )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are listed and revoked here; new ones for service accounts show their secret
    once. Nothing else about a token changes after it is made."""

    list_display = (
        "name",
        "user",
        "hint",
        "scopes",
        "organization",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("user__kind",)
    search_fields = ("name", "user__email", "user__name")
    readonly_fields = (
        "user",
        "name",
        "hint",
        "scopes",
        "organization",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("digest",)
    actions = ("revoke",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, never deleted: the list keeps who had which token

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token_revoke(token=token)
            self.log_change(request, token, [{"changed": {"fields": ["revoked_at"]}}])
        self.message_user(request, f"Revoked {len(tokens)} token(s).", messages.SUCCESS)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise DjangoPermissionDenied
        form = ServiceTokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            created = self._create(request, form)
            if created is not None:
                return created
        context = {
            **self.admin_site.each_context(request),
            "title": "Add an API token for a service account",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/accounts/apitoken/add.html", context)

    def _create(self, request: HttpRequest, form: ServiceTokenForm) -> HttpResponse | None:
        d = form.cleaned_data
        try:
            token, secret = token_create(
                user=d["user"],
                name=d["name"],
                scopes=list(d["scopes"]),
                organization=d["organization"],
                expires_at=d["expires_at"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            return None
        self.log_addition(request, token, [{"added": {}}])
        context = {
            **self.admin_site.each_context(request),
            "title": "API token created",
            "opts": self.model._meta,
            "token": token,
            "secret": secret,
        }
        return TemplateResponse(request, "admin/accounts/apitoken/created.html", context)
