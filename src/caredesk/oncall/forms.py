"""Forms of the on-call screens."""

from __future__ import annotations

from django import forms

from caredesk.accounts.capabilities import assignable_users

_WHEN = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


class OverrideForm(forms.Form):
    user = forms.ModelChoiceField(label="Who is on call instead", queryset=assignable_users())
    start = forms.DateTimeField(label="From (your time zone)", **_WHEN)  # type: ignore[arg-type]
    end = forms.DateTimeField(label="Until (your time zone)", **_WHEN)  # type: ignore[arg-type]
    reason = forms.CharField(
        required=False,
        max_length=300,
        help_text="E.g. “swap with Ilse for the conference”. Do not write patient details.",
    )
