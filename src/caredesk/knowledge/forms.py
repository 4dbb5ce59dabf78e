"""Forms of the knowledge screens."""

from __future__ import annotations

from django import forms

from caredesk.accounts.capabilities import assignable_users
from caredesk.knowledge.models import Article, Audience, Category, Language


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Markdown: a blank line between paragraphs, “## ” for a heading, “- ” for a "
        "list item, [text](address) for a link. Do not write patient details.",
    )
    audience = forms.ChoiceField(choices=Audience.choices)
    language = forms.ChoiceField(choices=Language.choices, initial=Language.EN)
    original = forms.ModelChoiceField(
        label="Translation of",
        required=False,
        queryset=Article.objects.filter(original__isnull=True).order_by("title"),
        help_text="For a translation: the original article (in another language).",
    )
    category = forms.ModelChoiceField(required=False, queryset=Category.objects.all())
    tags = forms.CharField(required=False, max_length=300, help_text="Separated by commas.")
    model_sku = forms.CharField(
        label="Product model (SKU)",
        required=False,
        max_length=64,
        help_text="Empty: about every product.",
    )
    firmware_min = forms.CharField(label="From firmware", required=False, max_length=40)
    firmware_max = forms.CharField(label="Up to firmware", required=False, max_length=40)
    owner = forms.ModelChoiceField(
        required=False, queryset=assignable_users(), help_text="Empty: you."
    )
    review_by = forms.DateField(
        label="Review by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
