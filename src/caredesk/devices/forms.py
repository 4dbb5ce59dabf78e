from __future__ import annotations

from django import forms

from caredesk.accounts.models import Organization, User
from caredesk.devices.models import FailureMode, Part, ProductModel, RmaStatus
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


class RmaFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any"), ("open", "Open (not closed or cancelled)"), *RmaStatus.choices],
        required=False,
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    q = forms.CharField(label="RMA number or serial", required=False, max_length=64)


class RmaOpenForm(forms.Form):
    coverage = forms.ChoiceField(
        label="Warranty or paid",
        choices=[("", "From the unit's entitlement"), ("warranty", "Warranty"), ("paid", "Paid")],
        required=False,
    )
    reason = forms.CharField(
        label="Reason (when overriding the entitlement)", required=False, max_length=300
    )


class RmaStatusForm(forms.Form):
    to = forms.ChoiceField(choices=RmaStatus.choices)
    reason = forms.CharField(required=False, max_length=300)
    tracking = forms.CharField(label="Tracking number", required=False, max_length=100)


class RmaBenchForm(forms.Form):
    technician = forms.ModelChoiceField(
        User.objects.none(), required=False, empty_label="Nobody yet"
    )
    failure_mode = forms.ChoiceField(
        label="Failure mode", choices=[("", "Not known yet"), *FailureMode.choices], required=False
    )
    failure_other = forms.CharField(label="Failure (other)", required=False, max_length=200)
    findings = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    labour_minutes = forms.IntegerField(label="Labour (minutes)", min_value=0, max_value=100000)
    labour_rate = forms.DecimalField(
        label="Labour rate per hour", min_value=0, max_digits=8, decimal_places=2
    )
    tracking_in = forms.CharField(label="Inbound tracking", required=False, max_length=100)
    tracking_out = forms.CharField(label="Outbound tracking", required=False, max_length=100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["technician"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(is_active=True, groups__permissions__codename="change_rma")
            .distinct()
            .order_by("name")
        )


class RmaPartForm(forms.Form):
    part = forms.ModelChoiceField(Part.objects.filter(active=True).order_by("number"))
    quantity = forms.IntegerField(min_value=1, max_value=1000, initial=1)


class RmaCoverageForm(forms.Form):
    coverage = forms.ChoiceField(
        label="Warranty or paid", choices=[("warranty", "Warranty"), ("paid", "Paid")]
    )
    reason = forms.CharField(max_length=300)
