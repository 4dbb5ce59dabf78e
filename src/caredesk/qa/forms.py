"""The QA screens' forms: scoring with a rubric, disputes, the rubric editor, calibration."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.accounts.models import User
from caredesk.qa.models import Criterion, DisputeOutcome, Mark, Section


class ScoreForm(forms.Form):
    """One radio group per criterion of the rubric (named c<id>), then a comment."""

    def __init__(self, *args: Any, sections: list[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[Section, list[str]]] = []
        for section in sections:
            names = []
            for c in section.criteria.all():
                name = f"c{c.pk}"
                flags = [f for f, on in (("auto-fail", c.auto_fail), ("script", c.script)) if on]
                self.fields[name] = forms.ChoiceField(
                    label=f"{c.label} ({c.weight} points{', ' if flags else ''}{', '.join(flags)})",
                    choices=Mark.choices,
                    widget=forms.RadioSelect,
                    help_text=c.guidance,
                )
                names.append(name)
            self.groups.append((section, names))
        self.fields["comment"] = forms.CharField(
            label="Comment for the agent", required=False, widget=forms.Textarea(attrs={"rows": 4})
        )

    def marks(self) -> dict[int, str]:
        return {
            int(k[1:]): v
            for k, v in self.cleaned_data.items()
            if k.startswith("c") and k[1:].isdigit()
        }

    def grouped(self) -> list[tuple[Section, list[forms.BoundField]]]:
        return [(s, [self[n] for n in names]) for s, names in self.groups]


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label="Why do you dispute this review?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (DisputeOutcome.KEPT, "Keep the score"),
            (DisputeOutcome.UPHELD, "Uphold and rescore"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note for the agent", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CriterionForm(forms.Form):
    section = forms.CharField(
        label="Section", max_length=120, help_text="A new title adds a section."
    )
    label = forms.CharField(label="Criterion", max_length=200)
    weight = forms.IntegerField(label="Weight (points)", min_value=0, max_value=100)
    auto_fail = forms.BooleanField(
        label="Auto-fail: not meeting it scores the review 0", required=False
    )
    script = forms.BooleanField(label="Counts toward script adherence", required=False)
    guidance = forms.CharField(label="Guidance for reviewers", required=False, max_length=1000)


class WeightsForm(forms.Form):
    """The draft's weights and flags, one row per criterion (w<id>, af<id>, sc<id>)."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[Criterion, str, str, str]] = []
        for c in criteria:
            w, af, sc = f"w{c.pk}", f"af{c.pk}", f"sc{c.pk}"
            self.fields[w] = forms.IntegerField(
                label=f"Weight of {c.label}", min_value=0, max_value=100, initial=c.weight
            )
            self.fields[af] = forms.BooleanField(
                label=f"{c.label} is auto-fail", required=False, initial=c.auto_fail
            )
            self.fields[sc] = forms.BooleanField(
                label=f"{c.label} counts toward script adherence", required=False, initial=c.script
            )
            self.rows.append((c, w, af, sc))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights = [data[w] for _c, w, _a, _s in self.rows if data.get(w) is not None]
        if len(weights) == len(self.rows) and self.rows and sum(weights) != 100:
            self.add_error(None, f"The weights add up to {sum(weights)}; they must add up to 100.")
            for _c, w, _a, _s in self.rows:  # every weight is part of the wrong total
                self.fields[w].widget.attrs["aria-invalid"] = "true"
        return data

    def bound_rows(self) -> list[tuple[Criterion, Any, Any, Any]]:
        return [(c, self[w], self[a], self[s]) for c, w, a, s in self.rows]


class CalibrationForm(forms.Form):
    ticket = forms.IntegerField(label="Ticket number", min_value=1)
    reviewers = forms.ModelMultipleChoiceField(
        label="Reviewers (at least two)",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = people
