"""The portal's request form, built from a request type's admin-defined fields."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.tickets.models import FieldKind, Priority, RequestField, RequestType
from caredesk.tickets.pure import Level


def level_choices() -> list[tuple[int, str]]:
    return [(int(p), Level(int(p)).label) for p in Priority.values]


def _field_for(rf: RequestField) -> forms.Field:
    common: dict[str, Any] = {"label": rf.label, "required": rf.required, "help_text": rf.help_text}
    if rf.kind == FieldKind.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, **common)
    if rf.kind == FieldKind.CHOICE:
        return forms.ChoiceField(
            choices=[("", "Choose…"), *[(c, c) for c in rf.choice_list]], **common
        )
    if rf.kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if rf.kind == FieldKind.SERIAL:
        return forms.RegexField(
            regex=r"^[A-Za-z0-9][A-Za-z0-9\-]{2,40}$",
            error_messages={
                "invalid": (
                    "Enter the serial number as printed on the device (letters, digits, dashes)."
                )
            },
            **common,
        )
    if rf.kind == FieldKind.FILE:
        return forms.FileField(**common)
    return forms.CharField(max_length=500, **common)


class RequestForm(forms.Form):
    priority = forms.TypedChoiceField(
        choices=level_choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="How urgent is it?",
        error_messages={"required": "Choose how urgent it is."},
    )
    subject = forms.CharField(
        max_length=300,
        label="Summary",
        help_text="One line that says what is wrong or what you need.",
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=100_000,
        label="Details",
        help_text="What happened, when, and what you expected instead.",
    )

    def __init__(self, *args: Any, request_type: RequestType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        self.custom: list[RequestField] = list(request_type.fields.all())
        for rf in self.custom:
            self.fields[f"f_{rf.key}"] = _field_for(rf)
        self.fields["attachments"] = forms.FileField(
            required=False, label="Attach a file (optional)"
        )
        # no level is chosen for the requester: they pick the one that describes their problem


class PortalReplyForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=100_000, label="Your reply"
    )
    attachments = forms.FileField(required=False, label="Attach a file (optional)")
