"""The public request form: for visitors without an account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from caredesk.selfserve.checks import CheckResult, ResultsInvalid, parse_results

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the view, not here."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        single = super().clean
        return [single(f, initial) for f in files]


class PublicRequestForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        label="Your name",
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=254,
        label="Email address",
        help_text="We reply to this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address: we reply to it.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    subject = forms.CharField(
        max_length=300,
        label="Summary",
        help_text="One line that says what is wrong or what you need.",
        error_messages={
            "required": "Enter a summary of the problem.",
            "max_length": "Keep the summary to 300 characters or fewer.",
        },
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        label="Details",
        help_text="What happened, when, and what you expected instead.",
        error_messages={
            "required": "Describe what happened.",
            "max_length": "Keep the details to 20,000 characters or fewer.",
        },
    )
    device_serial = forms.RegexField(
        regex=r"^[A-Za-z0-9][A-Za-z0-9\-]{2,40}$",
        required=False,
        label="Device serial number",
        help_text="If the problem is with one of our devices: as printed on its label.",
        error_messages={
            "invalid": "Enter the serial number as printed on the device (letters, digits, dashes)."
        },
    )
    attachments = MultipleFileField(
        required=False,
        label="Attach files",
        help_text=(
            f"Up to {MAX_FILES} files: screenshots, photos, PDF, text or ZIP. "
            "Programs are not accepted."
        ),
    )
    # The honeypot: hidden from people (CSS, aria-hidden, out of the tab order); bots fill it.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    diagnostics = forms.CharField(
        required=False,
        widget=forms.HiddenInput,
        strip=False,  # sized and read by parse_results (MAX_RESULTS_CHARS)
    )

    def clean_attachments(self) -> list[UploadedFile[bytes]]:
        files: list[UploadedFile[bytes]] = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Attach at most {MAX_FILES} files.")
        return files

    def clean_diagnostics(self) -> list[CheckResult]:
        try:
            return parse_results(self.cleaned_data.get("diagnostics", ""))
        except ResultsInvalid as exc:
            raise forms.ValidationError(
                f"{exc} They were removed: send the form again without them, or run the "
                "device check again."
            ) from None
