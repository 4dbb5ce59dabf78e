from __future__ import annotations

from typing import Any

from django import forms

from caredesk.accounts.capabilities import assignable_users
from caredesk.accounts.models import Contact, Organization, Team, Tier, User
from caredesk.accounts.scopes import PERSONAL_DEFAULT_DAYS, SCOPES, TICKETS_READ
from caredesk.rules.engine import EVENTS
from caredesk.tickets.models import (
    Channel,
    CustomStatus,
    MessageKind,
    Priority,
    RequestType,
    Status,
    Ticket,
)
from caredesk.tickets.services.statuses import grouped


def agents() -> Any:
    """People tickets may be assigned to: those whose role works tickets (never a service
    account, never a role such as the compliance officer's that works none)."""
    return assignable_users()


class StatusField(forms.ChoiceField):
    """The desk's statuses grouped by category (values: a custom status's id, or `new` and
    `closed`, the system's states). A built-in category is accepted too: it picks that
    category's default status."""

    def valid_value(self, value: Any) -> bool:
        return value in Status.values or super().valid_value(value)


def status_choices(statuses: list[CustomStatus], *, ticket: Ticket | None = None) -> list[Any]:
    """Active statuses by category (and the ticket's own, if no longer in use), for a select."""
    keep = ticket.custom_status_id if ticket is not None else None
    shown = [s for s in statuses if s.active or s.pk == keep]
    choices: list[Any] = []
    if ticket is not None and ticket.status == Status.NEW:
        choices.append((Status.NEW.value, Status.NEW.label))
    for label, members in grouped(shown):
        choices.append((label, [(str(s.pk), s.agent_label) for s in members]))
    choices.append((Status.CLOSED.value, Status.CLOSED.label))
    return choices


def status_changes(value: str) -> dict[str, Any]:
    """What a chosen status changes: a custom status (by id) or a built-in one."""
    return {"custom_status": int(value)} if value.isdigit() else {"status": value}


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(MessageKind.PUBLIC, "Public reply"), (MessageKind.INTERNAL, "Internal note")],
        initial=MessageKind.PUBLIC,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=100_000)
    status_after = StatusField(required=False, label="Then set status")
    attachments = forms.FileField(required=False, widget=forms.ClearableFileInput())

    def __init__(self, *args: Any, statuses: list[CustomStatus], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status_after"]
        assert isinstance(field, StatusField)
        # the statuses in use by category, then closed (a reply never sets a ticket back to new)
        field.choices = [("", "Keep status"), *status_choices(statuses)]

    def clean_status_after(self) -> str:
        value = str(self.cleaned_data["status_after"] or "")
        if value == Status.NEW:
            raise forms.ValidationError("A reply never sets a ticket back to new.")
        return value


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see it?",
        help_text="Recorded on the ticket and sent to the compliance officers' review.",
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=15,
        max_length=1000,
    )


class SafetyForm(forms.Form):
    action = forms.ChoiceField(
        label="Decision",
        choices=[
            ("mark-event", "Mark as a safety event"),
            ("mark-possible", "Mark as possible safety"),
            ("review", "Reviewed: keep as it is"),
            ("clear", "Clear the safety finding"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        help_text="At least 10 characters to mark or clear; recorded on the ticket's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )


class PropertiesForm(forms.Form):
    status = StatusField(choices=Status.choices)
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, label="Level")
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, empty_label="No team"
    )
    tier = forms.TypedChoiceField(choices=Tier.choices, coerce=int)
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Unassigned"
    )
    tags = forms.CharField(required=False, help_text="Separate tags with commas.", max_length=1000)

    def __init__(
        self, *args: Any, ticket: Ticket | None = None, statuses: list[CustomStatus], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()  # type: ignore[attr-defined]
        status = self.fields["status"]
        assert isinstance(status, StatusField)
        status.choices = status_choices(statuses, ticket=ticket)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
        status = data.pop("status")
        return {**data, **status_changes(status)}


class NewTicketForm(forms.Form):
    requester = forms.ModelChoiceField(queryset=Contact.objects.select_related("organization"))
    subject = forms.CharField(max_length=300)
    category = forms.ModelChoiceField(
        queryset=RequestType.objects.filter(active=True), required=False, label="Request type"
    )
    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, initial=3, label="Level"
    )
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=100_000, required=False
    )


EXPIRY_DAYS = (7, 30, 90, 180, 365)


class TokenForm(forms.Form):
    """A new personal token: its name, scopes (of those the role allows), organization, expiry."""

    name = forms.CharField(max_length=100, label="Token name", help_text="Where it will be used.")
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope."},
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        label="Only this organization",
        empty_label="Every organization I may see",
        help_text="The token reads and changes only this client's tickets, contacts and audit.",
    )
    expires_in = forms.TypedChoiceField(
        label="Expires after",
        choices=[(d, f"{d} days") for d in EXPIRY_DAYS],
        coerce=int,
        initial=PERSONAL_DEFAULT_DAYS,
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = [(n, f"{SCOPES[n].label} ({n}): {SCOPES[n].description}") for n in allowed]
        scopes.initial = [n for n in allowed if n == TICKETS_READ]


class EscalateForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.all(), label="Escalate to")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Why it needs escalating",
        error_messages={"required": "Say why the ticket needs escalating."},
    )
    action_taken = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="What you have done",
        help_text="What you checked or tried, so the next team does not repeat it.",
        error_messages={"required": "Say what you have done so far (or “nothing yet”)."},
    )
    next_steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="What should happen next",
        help_text="What you expect the receiving team to do.",
        error_messages={"required": "Say what the receiving team should do next."},
    )
    override_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        label="Why the protocol does not apply here",
        help_text=(
            "Only when the protocol says not to escalate; it is recorded with the escalation."
        ),
    )


class PolicyForm(forms.Form):
    yaml = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 28, "spellcheck": "false", "class": "code", "wrap": "off"}
        ),
        label="Policy (YAML)",
        max_length=200_000,
    )
    note = forms.CharField(
        max_length=300,
        required=False,
        label="What changed and why",
        help_text="Kept with this version in the history.",
    )


SAMPLE_TICKET = """{
  "subject": "Unable to connect to my video visit",
  "body": "The doctor's video is a black screen.",
  "channel": "portal",
  "category": "",
  "priority": 3,
  "organization": {"name": "Brookfield Family Clinic", "plan": "standard"},
  "requester": {"type": "patient"},
  "fields": {},
  "history": []
}"""


class SimulateForm(forms.Form):
    pick = forms.CharField(
        required=False,
        max_length=200,
        label="A real ticket",
        help_text="Its reference (e.g. CD-1042), or words from its subject or requester's name. "
        "Empty: the ticket described below.",
    )
    ticket = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
        label="Or a ticket described as JSON",
        initial=SAMPLE_TICKET,
        max_length=50_000,
    )
    event = forms.ChoiceField(
        choices=[(e, e) for e in sorted(EVENTS)], initial="ticket.created", label="Event"
    )
    now = forms.DateTimeField(
        required=False,
        label="At (optional)",
        help_text="ISO 8601 with an offset, e.g. 2026-11-24T16:30:00-05:00. Empty: now.",
        widget=forms.TextInput(),
    )
