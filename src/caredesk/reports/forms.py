"""The dashboards' filters, read from the query string."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet

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
    organization = forms.ModelChoiceField(
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
    organization = forms.ModelChoiceField(
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

    def clean(self) -> dict[str, Any]:
        """Every mistake at once: the formats are checked with the fields, not after them."""
        data = super().clean() or {}
        if not (data.get("pdf") or data.get("csv") or data.get("xlsx")):
            self.add_error("pdf", "Choose at least one format.")
        return data
