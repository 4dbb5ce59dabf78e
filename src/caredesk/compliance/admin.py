"""Staff accounts and roles changed in the admin site are written to the access audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from caredesk.compliance.audit import Access, record_many
from caredesk.compliance.models import AuditAction


def _changed_fields(message: Any) -> list[str]:
    """Field names from the admin's change message (a list of dicts, or a sentence)."""
    if isinstance(message, str):
        return ["password"] if "password" in message.lower() else []
    fields: list[str] = []
    for part in message or []:
        for verb, detail in part.items():
            if verb == "changed":
                fields += [str(f).lower() for f in detail.get("fields", [])]
            else:
                fields.append(f"{verb}: {detail.get('name', '')}".lower().strip())
    return fields


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every save and delete in this admin page also writes an `account.changed` entry."""

    def _audit(self, request: HttpRequest, objs: Any, fields: list[str]) -> None:
        kind = self.model._meta.model_name or ""
        record_many(
            accesses=[
                Access(AuditAction.ACCOUNT_CHANGED, kind, obj.pk, fields=fields) for obj in objs
            ],
            request=request,
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, [obj], ["added", *_changed_fields(message)])
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, [obj], _changed_fields(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        self._audit(request, list(queryset), ["deleted"])
        return super().log_deletions(request, queryset)


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    """Roles: their permissions change who may see health information."""
