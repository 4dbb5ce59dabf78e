"""Forms of the training screens (one question per field, plain words)."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.accounts.capabilities import ticket_workers
from caredesk.tickets.models import RequestType
from caredesk.training.models import Curriculum, Question, Skill


class ShadowForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), label="Skill")
    ticket_ref = forms.CharField(max_length=40, label="Ticket reference")
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    shadowed = forms.ModelChoiceField(
        queryset=ticket_workers().order_by("name"), label="Certified agent you shadowed"
    )
    notes = forms.CharField(
        required=False, max_length=5000, label="Notes", widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    note = forms.CharField(max_length=5000, label="Note")


class GrantForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=ticket_workers().order_by("name"), label="Agent")
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), label="Skill")
    reason = forms.CharField(max_length=500, label="Reason (recorded in the access audit)")


class SkillForm(forms.ModelForm):  # type: ignore[type-arg]
    categories = forms.ModelMultipleChoiceField(
        queryset=RequestType.objects.order_by("name"),
        required=False,
        label="Ticket categories it covers",
        widget=forms.CheckboxSelectMultiple,
    )
    product_models_text = forms.CharField(
        required=False,
        max_length=1000,
        label="Product models (SKUs, comma separated)",
        help_text="A new firmware version of one of these forces recertification.",
    )

    class Meta:
        model = Skill
        fields = [
            "name",
            "description",
            "categories",
            "gates",
            "questions_per_exam",
            "pass_mark",
            "attempts_limit",
            "cooldown_hours",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "gates": "Gate these categories: only certified agents are given their tickets",
            "questions_per_exam": "Questions per exam",
            "pass_mark": "Pass mark (%)",
            "attempts_limit": "Attempts allowed (0: no limit)",
            "cooldown_hours": "Hours between attempts",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_models_text"].initial = ", ".join(self.instance.product_models or [])

    def clean_pass_mark(self) -> int:
        mark = int(self.cleaned_data["pass_mark"])
        if not 1 <= mark <= 100:
            raise forms.ValidationError("Give a pass mark from 1 to 100.")
        return mark

    def clean_questions_per_exam(self) -> int:
        n = int(self.cleaned_data["questions_per_exam"])
        if not 1 <= n <= 200:
            raise forms.ValidationError("Ask from 1 to 200 questions.")
        return n

    def save(self, commit: bool = True) -> Skill:
        skills = [s.strip() for s in self.cleaned_data["product_models_text"].split(",")]
        self.instance.product_models = sorted({s[:64] for s in skills if s})
        return super().save(commit)  # type: ignore[no-any-return]


class QuestionForm(forms.Form):
    text = forms.CharField(
        max_length=2000, label="Question", widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(choices=Question.Kind.choices, label="Answer")
    choices = forms.CharField(
        max_length=4000,
        label="Choices, one a line; start the right ones with *",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = [c.strip() for c in str(data.get("choices", "")).splitlines() if c.strip()]
        right = [i for i, c in enumerate(lines) if c.startswith("*")]
        if len(lines) < 2:
            self.add_error("choices", "Give at least two choices.")
        elif not right:
            self.add_error("choices", "Mark the right choice with * at the start of its line.")
        elif data.get("kind") == Question.Kind.SINGLE and len(right) > 1:
            self.add_error("choices", "A single-choice question has one right choice.")
        data["options"] = [c.lstrip("*").strip() for c in lines]
        data["correct"] = right
        return data


class CurriculumForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Curriculum
        fields = ["name", "description", "skill", "shadowing_hours"]
        labels = {"shadowing_hours": "Shadowing hours"}


class ModuleForm(forms.Form):
    title = forms.CharField(max_length=200, label="Module title")
    hours = forms.DecimalField(min_value=0, max_value=500, decimal_places=1, label="Hours")
    link = forms.URLField(required=False, label="Content link", assume_scheme="https")
    text = forms.CharField(
        required=False, max_length=20000, label="Content", widget=forms.Textarea(attrs={"rows": 3})
    )


class EnrolForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=ticket_workers().order_by("name"), label="Agent")
