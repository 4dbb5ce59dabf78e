from __future__ import annotations

from django import forms

from caredesk.accounts.models import Organization
from caredesk.devices.models import ProductModel
from caredesk.devices.pure import Warranty

MAX_UPLOAD = 2 * 1024 * 1024


class AssetFilterForm(forms.Form):
    q = forms.CharField(label="Serial", required=False, max_length=64)
    organization = forms.ModelChoiceField(
        Organization.objects.order_by("name"), required=False, empty_label="Any"
    )
    product_model = forms.ModelChoiceField(
        ProductModel.objects.order_by("name"), label="Model", required=False, empty_label="Any"
    )
    warranty = forms.ChoiceField(
        choices=[("", "Any")]
        + [
            (k, Warranty.LABELS[k])
            for k in (Warranty.IN, Warranty.ENDING, Warranty.OUT, Warranty.UNKNOWN)
        ],
        required=False,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row: serial and model (SKU) are required; lot, udi, "
        "firmware, organization, site, patient_id, purchased_on and installed_on "
        "(YYYY-MM-DD), in_clinical_use (yes/no) and notes may follow.",
    )
    dry_run = forms.BooleanField(
        label="Dry run: check every row and write nothing", required=False, initial=True
    )

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 2 MB; split it.")
        return f
