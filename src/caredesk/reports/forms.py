"""The dashboards' filters, read from the query string."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.urls import reverse_lazy

from caredesk.accounts.capabilities import holding, ticket_workers
from caredesk.accounts.models import Organization, Plan, Team, User
from caredesk.core import clock
from caredesk.reports.models import Cadence
from caredesk.reports.rollup import day_of
from caredesk.reports.selectors import BY, Filters
from caredesk.tickets.models import Channel, Priority, RequestType

MAX_DAYS = 731
PERIODS = [("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"),
           ("365", "Last 12 months"), ("custom", "Dates below")]  # fmt: skip


LIST_AT_MOST = 200  # organizations listed in a dropdown; beyond, a search field names one
SUGGESTED = 20
_ID = re.compile(r"\(#(\d+)\)\s*$")


def as_choice(org: Organization) -> str:
    """How a suggestion names an organization: its name and, to tell it apart, its number."""
    return f"{org.name} (#{org.pk})"


class OrganizationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An organization from a dropdown, or, when there are too many to list, typed: its name,
    a suggestion ("Name (#12)") or its number, as the dashboards' links carry it."""

    searching = False

    def search_if_many(self) -> None:
        """A text field with suggestions instead of a dropdown of more than LIST_AT_MOST."""
        if self.queryset is None or self.queryset[LIST_AT_MOST : LIST_AT_MOST + 1].count() == 0:
            return
        self.searching = True
        self.widget = forms.TextInput(
            attrs={
                "list": "rp-organizations",
                "autocomplete": "off",
                "placeholder": "Type a name",
                "hx-get": reverse_lazy("reports:organizations"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#rp-organizations",
                "hx-swap": "innerHTML",
            }
        )

    def prepare_value(self, value: Any) -> Any:
        """What the field shows: the organization's name, however it was named."""
        if not self.searching:
            return super().prepare_value(value)
        if isinstance(value, Model):
            return value.name  # type: ignore[attr-defined]
        if value in self.empty_values:
            return ""
        try:
            found = self.to_python(value)
        except forms.ValidationError:
            return value  # shown as typed, with the field's error
        return found.name if found is not None else value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        number = _ID.search(text)
        if number:
            text = number.group(1)
        if not text.isdigit() and self.queryset is not None:
            found = self.queryset.filter(name__iexact=text).first()
            if found is None:
                raise forms.ValidationError(
                    f"No organization is called “{text}”: choose one of the suggestions.",
                    code="invalid_choice",
                )
            return found
        return super().to_python(text)


class ReportFilter(forms.Form):
    period = forms.ChoiceField(label="Period", choices=PERIODS, required=False)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"), required=False, empty_label="All teams"
    )
    agent = forms.ModelChoiceField(
        ticket_workers().order_by("name"), required=False, empty_label="All agents"
    )
    channel = forms.ChoiceField(
        label="Channel", choices=[("", "All channels"), *Channel.choices], required=False
    )
    category = forms.ModelChoiceField(
        RequestType.objects.order_by("name"),
        label="Request type",
        required=False,
        empty_label="All request types",
    )
    organization = OrganizationChoice(
        Organization.objects.order_by("name"), required=False, empty_label="All organizations"
    )
    level = forms.TypedChoiceField(
        label="Level",
        choices=[("", "All levels"), *Priority.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    plan = forms.ChoiceField(
        label="Support plan", choices=[("", "All plans"), *Plan.choices], required=False
    )
    by = forms.ChoiceField(label="Break down by", choices=list(BY.items()), required=False)

    def __init__(
        self, data: Any = None, *, own: bool = False, clients: QuerySet[Organization] | None = None
    ) -> None:
        if data is not None and not data.get("period"):  # the list shows the period in use
            data = data.copy()
            data["period"] = "custom" if data.get("start") or data.get("end") else "30"
        super().__init__(data)
        if own:  # one's own figures: never another agent's; an account manager's clients'
            del self.fields["agent"]
            organization = self.fields["organization"]
            assert isinstance(organization, forms.ModelChoiceField)
            if clients is not None and clients.exists():
                organization.queryset = clients.order_by("name")
                organization.label = "Figures of"
                organization.empty_label = "My own tickets"
            else:
                del self.fields["organization"]
            by = self.fields["by"]
            assert isinstance(by, forms.ChoiceField)
            by.choices = [(k, v) for k, v in BY.items() if k != "agent"]
        chosen = self.fields.get("organization")
        if isinstance(chosen, OrganizationChoice):
            chosen.search_if_many()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = day_of(clock.now())
        period = data.get("period") or ("custom" if data.get("start") else "30")
        data["period"] = period
        if period != "custom":
            days = int(period)
            data["start"], data["end"] = today - timedelta(days=days - 1), today
        start: date = data.get("start") or today - timedelta(days=29)
        end: date = data.get("end") or today
        if end < start:
            self.add_error("end", "The end comes before the start.")
        elif (end - start).days >= MAX_DAYS:
            self.add_error("start", "Choose a period of two years at most.")
        data["start"], data["end"] = start, end
        data["by"] = data.get("by") or "team"
        return data

    def filters(self, *, agent: int | None = None) -> Filters:
        d = self.cleaned_data
        return Filters(
            start=d["start"],
            end=d["end"],
            team=d["team"].pk if d.get("team") else None,
            agent=agent if agent is not None else (d["agent"].pk if d.get("agent") else None),
            channel=d.get("channel") or None,
            category=d["category"].pk if d.get("category") else None,
            organization=d["organization"].pk if d.get("organization") else None,
            level=d.get("level"),
            plan=d.get("plan") or None,
        )


class ScheduleForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    cadence = forms.ChoiceField(label="How often", choices=Cadence.choices)
    organization = OrganizationChoice(
        Organization.objects.order_by("name"),
        required=False,
        empty_label="The whole desk",
        label="Organization",
        help_text="One organization's figures: its quarterly business review pack.",
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"), required=False, empty_label="Every team", label="Team"
    )
    recipients = forms.ModelMultipleChoiceField(
        User.objects.none(),
        label="Send to",
        widget=forms.CheckboxSelectMultiple,
        help_text="People who may see the whole desk's figures.",
        error_messages={"required": "Choose at least one person."},
    )
    pdf = forms.BooleanField(label="PDF", required=False, initial=True)
    csv = forms.BooleanField(label="CSV", required=False, initial=True)
    xlsx = forms.BooleanField(label="Excel (XLSX)", required=False)
    active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(holding("reports.view_all_reports"), is_active=True)
        field = self.fields["recipients"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = people.order_by("name", "email")
        organization = self.fields["organization"]
        assert isinstance(organization, OrganizationChoice)
        organization.search_if_many()

    def clean(self) -> dict[str, Any]:
        """Every mistake at once: the formats are checked with the fields, not after them."""
        data = super().clean() or {}
        if not (data.get("pdf") or data.get("csv") or data.get("xlsx")):
            self.add_error("pdf", "Choose at least one format.")
        return data
