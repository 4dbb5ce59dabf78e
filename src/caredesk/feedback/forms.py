"""Forms: the answer page (score and comment) and the results' filters."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms

from caredesk.core import clock
from caredesk.feedback import pure
from caredesk.feedback.models import MAX_DELAY_HOURS, FeedbackSettings
from caredesk.feedback.selectors import DIMENSION_LABELS
from caredesk.tickets.models import Channel


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a score.",
            "invalid_choice": "Choose a score from the list.",
        },
    )
    comment = forms.CharField(
        label="Anything you want to tell us? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Please do not include health details; a person reads every comment.",
    )

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["score"]
        assert isinstance(field, forms.TypedChoiceField)
        if kind == "csat":
            field.label = "How satisfied are you with how we handled your request?"
            field.choices = [
                (s, f"{s} - {pure.CSAT_LABELS[s]}") for s in reversed(pure.CSAT_SCORES)
            ]
        else:
            field.label = "How likely are you to recommend us to a colleague? (0-10)"
            field.choices = [(s, str(s)) for s in pure.NPS_SCORES]


def _default_start() -> date:
    return clock.now().date() - timedelta(days=30)


class ResultsFilter(forms.Form):
    by = forms.ChoiceField(label="Group by", choices=list(DIMENSION_LABELS.items()), required=False)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    poor = forms.BooleanField(label="Only poor ratings (1-3)", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        data["by"] = data.get("by") or "agent"
        start = data.get("start") or _default_start()
        end = data.get("end") or clock.now().date()
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("end", "The end comes before the start.")
        if isinstance(start, date) and isinstance(end, date) and (end - start).days > 731:
            self.add_error("start", "Choose a period of two years at most.")
        data["start"], data["end"] = start, end
        return data


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The admin's form: the channels as boxes to tick."""

    csat_channels = forms.MultipleChoiceField(
        label="Only these channels",
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every channel.",
    )

    class Meta:
        model = FeedbackSettings
        fields = [
            "csat_enabled",
            "csat_delay_hours",
            "csat_channels",
            "csat_request_types",
            "link_days",
            "change_days",
            "nps_enabled",
            "nps_sample_size",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.pk:
            self.initial["csat_channels"] = sorted(self.instance.channels())
        self.fields["csat_delay_hours"].error_messages["max_value"] = (
            f"A survey goes out at most {MAX_DELAY_HOURS} hours (3 days) after solving."
        )

    def clean_csat_channels(self) -> str:
        return ",".join(self.cleaned_data.get("csat_channels") or [])
