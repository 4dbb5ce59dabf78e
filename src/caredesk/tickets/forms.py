"""Forms shared by the desk and the portal."""

from __future__ import annotations

from typing import Any

from django import forms


class CcForm(forms.Form):
    """Someone to put in copy of a ticket's public replies."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"invalid": "Enter a valid email address, e.g. name@clinic.example."},
    )
    name = forms.CharField(label="Name (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cc_%s")  # apart from the other forms of the ticket page
        super().__init__(*args, **kwargs)
