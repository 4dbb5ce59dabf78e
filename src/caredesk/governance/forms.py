"""Forms of the governance screens."""

from __future__ import annotations

from django import forms

from caredesk.accounts.models import Organization


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=300,
        help_text="For the audit, e.g. “left the company”. Do not write patient details.",
    )


class ExportForm(forms.Form):
    reason = forms.CharField(
        label="Why is this export needed?",
        min_length=15,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with the request and in the audit, e.g. “Access request DSR-2031 "
        "received by post”. Do not write health details.",
    )


class BreachForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="A short name, e.g. “Lost laptop, Oslo”.")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        help_text="What happened, which data was involved, what was done to contain it.",
    )
    discovered_at = forms.DateTimeField(
        label="Discovered at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="When the breach became known to you (your time zone). The clocks start here.",
    )
    people_affected = forms.IntegerField(
        min_value=0, max_value=100_000_000, label="People affected (best estimate)"
    )
    organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        label="Organizations affected",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class TaskDoneForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How and to whom it was sent, a reference number.",
    )
