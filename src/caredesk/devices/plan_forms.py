"""Forms of the service plan and contract screens."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.accounts.models import Organization
from caredesk.devices.models import (
    Asset,
    ChurnReason,
    ContractStatus,
    Coverage,
    PlanChannel,
    ProductModel,
    ServicePlan,
)


class PlanForm(forms.ModelForm):  # type: ignore[type-arg]
    channels = forms.MultipleChoiceField(
        choices=PlanChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ways in the plan opens, beyond the portal and mail everyone has.",
    )

    class Meta:
        model = ServicePlan
        fields = [
            "name",
            "description",
            "price_per_unit_year",
            "free_repair",
            "loaner",
            "replacement_hours",
            "response_minutes",
            "channels",
            "preventive_visits",
            "sla_tier",
            "active",
            "position",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ContractFilterForm(forms.Form):
    organization = forms.ModelChoiceField(
        Organization.objects.order_by("name"), required=False, empty_label="Any"
    )
    status = forms.ChoiceField(choices=[("", "Any"), *ContractStatus.choices], required=False)
    plan = forms.ModelChoiceField(
        ServicePlan.objects.order_by("position", "name"), required=False, empty_label="Any"
    )


class ContractForm(forms.Form):
    organization = forms.ModelChoiceField(Organization.objects.order_by("name"))
    plan = forms.ModelChoiceField(
        ServicePlan.objects.filter(active=True).order_by("position", "name"), empty_label=None
    )
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    months = forms.IntegerField(label="Term (months)", min_value=1, max_value=60, initial=12)
    coverage = forms.ChoiceField(
        choices=Coverage.choices, widget=forms.RadioSelect, initial=Coverage.UNITS
    )
    serials = forms.CharField(
        label="Serial numbers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The units covered, one serial per line or separated by commas "
        "(the organization's units).",
    )
    product_models = forms.ModelMultipleChoiceField(
        ProductModel.objects.order_by("name"),
        required=False,
        label="Models",
        widget=forms.CheckboxSelectMultiple,
        help_text="With \u201call units of these models\u201d: every unit of the organization of "
        "these models is covered, those registered later too.",
    )
    reference = forms.CharField(
        max_length=32,
        required=False,
        help_text="The client's purchase order or your own; empty: one is made (SC-year-number).",
    )
    auto_renew = forms.BooleanField(label="Renew automatically at the end", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org = data.get("organization")
        data["assets"] = []
        if data.get("coverage") == Coverage.UNITS and org is not None:
            wanted = {
                s.strip() for s in (data.get("serials") or "").replace(",", "\n").splitlines()
            } - {""}
            if len(wanted) > 10_000:
                self.add_error("serials", "At most 10,000 serials.")
                return data
            found = list(Asset.objects.filter(organization=org, serial__in=wanted))
            missing = sorted(wanted - {a.serial for a in found})
            if missing:
                self.add_error(
                    "serials",
                    f"Not units of {org.name}: {', '.join(missing[:10])}"
                    + (" ..." if len(missing) > 10 else ""),
                )
            data["assets"] = found
        return data


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *ChurnReason.choices],
        error_messages={"required": "Choose why the client leaves."},
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the client said (required with \u201cOther\u201d).",
    )
