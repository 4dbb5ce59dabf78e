"""Small helpers for the admin site."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.db import models
from django.forms.fields import InvalidJSONInput

from caredesk.core import text


class ReadOnlyAdmin:
    """Rows written only by CareDesk itself (logs, versions): shown, never added or edited."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class EvidenceAdmin(ReadOnlyAdmin):
    """Records that prove what was done (access reviews, data subjects' requests, protocol
    versions, webhook deliveries): shown, never added, edited or deleted, a superuser included."""

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class StorableJSONField(forms.JSONField):
    """JSON typed in the admin: `"\\u0000"` and `"\\ud800"` decode to what no database stores,
    so they are refused with the field's message, and shown again escaped (a page holding an
    unpaired surrogate cannot be sent at all)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        found = text.find_problem(value)
        if found:
            raise forms.ValidationError(found[1], code="unstorable")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=True, cls=self.encoder)


class StorableJSONAdmin:
    """For admin classes of models with JSON fields edited as text."""

    formfield_overrides: ClassVar[Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]] = {
        models.JSONField: {"form_class": StorableJSONField}
    }
