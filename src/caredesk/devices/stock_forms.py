"""Forms of the parts screens: receive, adjust or count, transfer; the asset edit form."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.accounts.models import Organization
from caredesk.devices.models import Asset, StockLocation
from caredesk.devices.stock import MAX_QUANTITY, REASON_MAX, REFERENCE_MAX


def _locations() -> Any:
    return StockLocation.objects.filter(active=True).order_by("name")


class PartFilterForm(forms.Form):
    q = forms.CharField(label="Part", required=False, max_length=64)
    below = forms.BooleanField(label="Below floor only", required=False)


class ReceiveForm(forms.Form):
    location = forms.ModelChoiceField(_locations(), label="Into")
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    reference = forms.CharField(
        label="Order or delivery note", required=False, max_length=REFERENCE_MAX
    )
    reason = forms.CharField(label="Note", required=False, max_length=REASON_MAX)


class AdjustForm(forms.Form):
    MODES = [("change", "Add or remove"), ("count", "Counted on the shelf")]
    location = forms.ModelChoiceField(_locations(), label="At")
    mode = forms.ChoiceField(choices=MODES, label="Kind", initial="change")
    quantity = forms.IntegerField(
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        help_text="Add or remove: the change (-2 takes two away). Counted: what is on the shelf.",
    )
    reason = forms.CharField(label="Why", max_length=REASON_MAX)


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(_locations(), label="From")
    destination = forms.ModelChoiceField(_locations(), label="To")
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    reason = forms.CharField(label="Note", required=False, max_length=REASON_MAX)


class AssetEditForm(forms.Form):
    """What the desk may change on an asset (what `asset_update` allows: not serial or model).
    The patient field is left out for people who may not see health information."""

    firmware = forms.CharField(required=False, max_length=64)
    organization = forms.ModelChoiceField(
        Organization.objects.order_by("name"), required=False, empty_label="None"
    )
    site = forms.CharField(required=False, max_length=200)
    lot = forms.CharField(required=False, max_length=64)
    udi = forms.CharField(label="UDI", required=False, max_length=200)
    patient_id = forms.CharField(label="Patient ID", required=False, max_length=64)
    purchased_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Purchased"
    )
    installed_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Installed"
    )
    in_clinical_use = forms.BooleanField(label="In active clinical use", required=False)
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, asset: Asset, phi: bool, **kwargs: Any) -> None:
        kwargs["initial"] = {name: getattr(asset, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        if not phi:
            del self.fields["patient_id"]

    def changes(self) -> dict[str, Any]:
        """The cleaned values as `asset_update` takes them (text never None)."""
        return {
            k: (
                "" if v is None and k not in ("purchased_on", "installed_on", "organization") else v
            )
            for k, v in self.cleaned_data.items()
        }
