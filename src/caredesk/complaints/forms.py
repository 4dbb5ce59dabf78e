"""Forms of the complaint screens."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.complaints.models import Complaint, ComplaintStatus, PatientOutcome, Reportability
from caredesk.complaints.pure import codes_parse

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"rows": 3}


class ComplaintForm(forms.Form):
    """Every field of the file; saving writes a new version with the required change note."""

    aware_on = forms.DateField(
        label="Date received (awareness date)",
        widget=DATE,
        help_text="The day your company became aware of the complaint: the MDR clock starts here.",
    )
    complainant_name = forms.CharField(label="Complainant", max_length=200, required=False)
    complainant_contact = forms.CharField(
        label="Complainant contact",
        max_length=300,
        required=False,
        help_text="E-mail, phone or address.",
    )
    device_model = forms.CharField(label="Device model", max_length=120, required=False)
    device_serial = forms.CharField(label="Serial number", max_length=64, required=False)
    device_lot = forms.CharField(label="Lot or batch", max_length=64, required=False)
    device_udi = forms.CharField(label="UDI", max_length=120, required=False)
    summary = forms.CharField(label="Nature of the complaint", max_length=300)
    details = forms.CharField(label="Details", widget=forms.Textarea(attrs=TEXT), required=False)
    patient_outcome = forms.ChoiceField(label="Patient outcome", choices=PatientOutcome.choices)
    failure_mode = forms.CharField(
        label="Failure mode",
        max_length=100,
        required=False,
        help_text="Short and consistent, e.g. “battery overheating”: trends group by it.",
    )
    imdrf_codes = forms.CharField(
        label="IMDRF codes",
        max_length=300,
        required=False,
        help_text="Separated by spaces or commas: device problem (Annex A, e.g. A0401) and "
        "health effect (Annex E, e.g. E0101).",
    )
    investigation = forms.CharField(widget=forms.Textarea(attrs=TEXT), required=False)
    no_investigation_reason = forms.CharField(
        label="No investigation because",
        widget=forms.Textarea(attrs=TEXT),
        required=False,
        help_text="When no investigation is made: the justification and who decided it.",
    )
    corrective_action = forms.CharField(
        label="Corrective action", widget=forms.Textarea(attrs=TEXT), required=False
    )
    mdr_submitted_on = forms.DateField(
        label="MDR report sent on", widget=DATE, required=False, help_text="Stops the MDR clock."
    )
    status = forms.ChoiceField(choices=ComplaintStatus.choices)
    note = forms.CharField(
        label="Change note",
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required: why the file changes. Kept with the new version.",
    )

    def __init__(self, *args: Any, phi: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not phi:  # never offer (or overwrite) what the person may not see
            del self.fields["complainant_name"]
            del self.fields["complainant_contact"]

    @classmethod
    def initial_for(cls, complaint: Complaint) -> dict[str, Any]:
        names = [n for n in cls.base_fields if n != "note"]
        initial = {n: getattr(complaint, n) for n in names}
        initial["imdrf_codes"] = " ".join(complaint.imdrf_codes)
        return initial

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "note"}
        data["imdrf_codes"] = codes_parse(data.get("imdrf_codes") or "")
        return data


DECISIONS = [c for c in Reportability.choices if c[0] != Reportability.UNDECIDED]


class DecisionForm(forms.Form):
    reportability = forms.ChoiceField(
        label="MDR reportability (21 CFR 803)", choices=DECISIONS, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label="Rationale",
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why, on the regulation's grounds: what happened to the patient, what the "
        "device did, whether a recurrence would be likely to cause serious injury.",
    )
    remedial_action = forms.BooleanField(
        label="5-day report: remedial action is needed to prevent an unreasonable risk of "
        "substantial harm, or FDA asked for it",
        required=False,
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DATE)
    end = forms.DateField(label="To", widget=DATE)
    by = forms.ChoiceField(
        label="Per", choices=[("week", "Week"), ("month", "Month")], initial="week", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end comes after the start.")
            elif (end - start).days > 3 * 366:
                self.add_error("end", "Choose at most three years.")
        return data
