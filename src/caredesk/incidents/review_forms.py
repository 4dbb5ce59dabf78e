"""Forms of the root-cause reviews: the template's parts, an action item, the report's period
and the stakeholder's answer."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms

from caredesk.core import clock
from caredesk.incidents.stakeholders import LABELS

_TEXT = {"rows": 5}


class ReviewForm(forms.Form):
    summary = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=_TEXT),
        label="Summary",
        help_text="What happened, in a few sentences. Needed to complete.",
    )
    impact = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=_TEXT),
        label="Impact",
        help_text="Who and what was affected, and for how long.",
    )
    timeline = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        label="Timeline",
        help_text="Prefilled from the incident's timeline; add what happened between.",
    )
    root_cause = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=_TEXT),
        label="Root cause",
        help_text="Why it happened. Needed to complete.",
    )
    detection = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=_TEXT),
        label="Detection",
        help_text="How we learnt of it, and how we could have sooner.",
    )
    lessons = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=_TEXT),
        label="Lessons",
        help_text="What went well, what did not, what we change.",
    )


class ActionForm(forms.Form):
    title = forms.CharField(
        max_length=200, label="Action", error_messages={"required": "Say what is to be done."}
    )
    tracker_url = forms.URLField(
        max_length=500,
        required=False,
        label="Tracker issue",
        help_text="The engineering tracker issue's web address.",
        assume_scheme="https",
    )
    ticket_ref = forms.CharField(
        max_length=40,
        required=False,
        label="Backlog ticket",
        help_text="A ticket number, such as CD-1042.",
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Give the first day.",
            "invalid": "Write a date as YYYY-MM-DD.",
        },
    )
    end = forms.DateField(
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Give the last day.",
            "invalid": "Write a date as YYYY-MM-DD.",
        },
    )

    @staticmethod
    def defaults() -> dict[str, date]:
        today = clock.now().date()
        first = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
        return {"start": first, "end": today}

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date):
            if end < start:
                self.add_error("end", "The last day comes after the first.")
            elif (end - start).days > 3 * 366:
                self.add_error("end", "Choose at most three years.")
        return data


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="How satisfied are you with how the incident was handled?",
        choices=[(s, f"{s} - {label}") for s, label in reversed(LABELS.items())],
        error_messages={
            "required": "Choose a score.",
            "invalid_choice": "Choose a score from the list.",
        },
    )
