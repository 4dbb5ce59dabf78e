"""The incident desk's forms: declare, post an update, resolve, link tickets, severity targets."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.accounts.models import Organization, Team, User
from caredesk.incidents.models import (
    Component,
    ComponentState,
    IncidentState,
    Severity,
    SeverityTarget,
)

NOT_AFFECTED = ""


def _people() -> Any:
    return User.objects.filter(is_active=True, groups__isnull=False).distinct().order_by("name")


class DeclareForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title", help_text="What customers notice.")
    severity = forms.TypedChoiceField(
        coerce=int, choices=Severity.choices, initial=Severity.SEV2, label="Severity"
    )
    body = forms.CharField(
        required=False,
        max_length=5000,
        label="First update",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the timeline (and the status page when public).",
    )
    symptom = forms.CharField(
        required=False,
        max_length=200,
        label="Symptom words",
        help_text="Words the tickets about it share, e.g. “video black screen”: open tickets "
        "with all of them are suggested for linking.",
    )
    organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        label="Organizations affected",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        label="Team paged",
        empty_label="The first affected component's team",
    )
    commander = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Commander", empty_label="Nobody yet"
    )
    communications = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Communications",
        empty_label="Nobody yet",
    )
    public = forms.BooleanField(
        required=False, initial=True, label="Show it on the public status page"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = _people()
        for name in ("commander", "communications"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people
        self.components = list(Component.objects.select_related("service"))
        choices = [(NOT_AFFECTED, "Not affected"), *ComponentState.choices[1:]]
        for c in self.components:
            self.fields[f"component_{c.pk}"] = forms.ChoiceField(
                choices=choices, required=False, label=str(c), initial=NOT_AFFECTED
            )

    def component_fields(self) -> list[Any]:
        return [self[f"component_{c.pk}"] for c in self.components]

    def plain_fields(self) -> list[Any]:
        return [f for f in self if not f.name.startswith("component_")]

    def affected(self) -> list[tuple[Component, str]]:
        out = []
        for c in self.components:
            state = self.cleaned_data.get(f"component_{c.pk}") or NOT_AFFECTED
            if state != NOT_AFFECTED:
                out.append((c, state))
        return out


class UpdateForm(forms.Form):
    state = forms.ChoiceField(
        choices=[c for c in IncidentState.choices if c[0] != IncidentState.RESOLVED],
        label="State",
    )
    body = forms.CharField(
        max_length=5000, label="Update", widget=forms.Textarea(attrs={"rows": 4})
    )
    public = forms.BooleanField(required=False, initial=True, label="Public (status page)")
    notify = forms.BooleanField(
        required=False, label="Tell every linked requester (a public reply on each ticket)"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("notify") and not data.get("public"):
            self.add_error("notify", "Only a public update can be sent to the requesters.")
        return data


class ResolveForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=5000,
        label="Resolution",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to every linked requester; their tickets are solved.",
    )
    keep = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Keep these tickets open",
        widget=forms.CheckboxSelectMultiple,
    )
    notify = forms.BooleanField(
        required=False, initial=True, label="Send the resolution to the linked requesters"
    )

    def __init__(self, *args: Any, links: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.fields["keep"]
        assert isinstance(keep, forms.TypedMultipleChoiceField)
        keep.choices = [
            (link.ticket_id, f"{link.ticket.ref} · {link.ticket.subject}") for link in links or []
        ]


class LinkForm(forms.Form):
    """Tickets to link: ticked suggestions, or references typed."""

    ticket = forms.TypedMultipleChoiceField(coerce=int, required=False)
    refs = forms.CharField(
        required=False,
        max_length=2000,
        label="Link tickets by reference",
        help_text="References or numbers, separated by commas or spaces (e.g. CD-1042, 1043).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.data.getlist("ticket") if hasattr(self.data, "getlist") else []
        self.fields["ticket"].choices = [(i, i) for i in ids[:1001]]  # type: ignore[attr-defined]


class TargetForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SeverityTarget
        fields = ["acknowledge_minutes", "resolve_minutes", "page", "stakeholder_survey"]
        labels = {
            "acknowledge_minutes": "Acknowledge within (minutes)",
            "resolve_minutes": "Resolve within (minutes)",
            "page": "Page on call when declared",
            "stakeholder_survey": "Survey stakeholders after it resolves",
        }
