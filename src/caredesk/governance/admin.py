"""Admin: retention rules are edited here; legal holds are placed and released here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from caredesk.core.admin_mixins import EvidenceAdmin
from caredesk.core.errors import DomainError
from caredesk.governance.models import AccessReview, LegalHold, RetentionRule, SubjectRequest
from caredesk.governance.services.holds import hold_place, hold_release


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("record_class", "keep_days", "active")
    list_editable = ("keep_days", "active")
    fields = ("record_class", "keep_days", "active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # turn a rule off instead: a missing rule falls back to its default


class LegalHoldForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LegalHold
        fields = ("organization", "contact", "ticket", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [k for k in ("organization", "contact", "ticket") if data.get(k)]
        if self.instance.pk is None and len(chosen) != 1:
            raise ValidationError("Choose exactly one: an organization, a requester or a ticket.")
        return data


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = LegalHoldForm
    list_display = ("__str__", "reason", "placed_by", "placed_at", "released_at")
    list_filter = ("released_at",)
    raw_id_fields = ("organization", "contact", "ticket")
    actions = ["release"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("organization", "contact", "ticket", "reason")
        return (
            "organization",
            "contact",
            "ticket",
            "reason",
            "placed_by",
            "placed_at",
            "released_by",
            "released_at",
            "release_reason",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a hold is released, never deleted: its history is evidence

    def save_model(self, request: HttpRequest, obj: LegalHold, form: Any, change: bool) -> None:
        if change:
            return
        try:
            placed = hold_place(
                reason=obj.reason,
                actor=request.user,  # type: ignore[arg-type]
                organization=obj.organization,
                contact=obj.contact,
                ticket=obj.ticket,
                request=request,
            )
        except DomainError as exc:
            raise ValidationError(exc.detail) from exc
        obj.pk = placed.pk
        obj.placed_at = placed.placed_at

    @admin.action(description="Release the selected holds", permissions=["change"])
    def release(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> None:
        released = 0
        for hold in queryset.filter(released_at__isnull=True):
            try:
                hold_release(hold=hold, actor=request.user, request=request)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
            else:
                released += 1
        self.message_user(request, f"{released} hold(s) released.")


@admin.register(AccessReview)
class AccessReviewAdmin(EvidenceAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("account", "roles", "reviewer", "signed_at")
    list_filter = ("signed_at",)


@admin.register(SubjectRequest)
class SubjectRequestAdmin(EvidenceAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("contact", "kind", "actor", "at")
    list_filter = ("kind",)
