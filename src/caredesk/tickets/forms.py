"""Forms shared by the desk and the portal."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.core.access import form_errors_from
from caredesk.core.errors import DomainError
from caredesk.tickets.models import Ticket, TicketCC
from caredesk.tickets.services.ccs import cc_add
from caredesk.tickets.services.events import Actor


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

    def add_to(self, ticket: Ticket, actor: Actor) -> TicketCC | None:
        """Put the address in copy of `ticket`; None, with the reasons on the form, if not."""
        if not self.is_valid():
            return None
        try:
            return cc_add(
                ticket=ticket,
                email=self.cleaned_data["email"],
                name=self.cleaned_data["name"],
                actor=actor,
            )
        except DomainError as exc:
            form_errors_from(self, exc)
            return None
