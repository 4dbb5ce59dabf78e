"""The desk's search results: ranked tickets with the matching text, and filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caredesk.accounts.models import Organization, Team, User
from caredesk.core.access import agent_required, form_errors_from
from caredesk.core.errors import ValidationFailed
from caredesk.desk.forms import agents
from caredesk.desk.views import _sidebar
from caredesk.tickets import search
from caredesk.tickets.models import Channel, Priority, Status
from caredesk.tickets.services.statuses import grouped, statuses_all


def _choices(pairs: Any, blank: str) -> list[tuple[Any, str]]:
    return [("", blank), *pairs]


class SearchForm(forms.Form):
    """What the results page reads from its address: the words and the filters."""

    q = forms.CharField(label="Search for", max_length=200, required=False)
    status = forms.ChoiceField(label="Status", required=False)
    priority = forms.TypedChoiceField(label="Level", required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    assignee = forms.TypedChoiceField(
        label="Assignee", required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(label="Channel", required=False)
    organization = forms.TypedChoiceField(
        label="Organization", required=False, coerce=int, empty_value=None
    )
    created_from = forms.DateField(
        label="Opened from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label="Opened until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=search.MAX_PAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        # a category, or one status of the desk's own (by its id), as the queue's filter
        fields["status"].choices = _choices(
            [
                ("Category", Status.choices),
                *[
                    (
                        f"{label} statuses",
                        [
                            (str(s.pk), s.agent_label + ("" if s.active else " (not in use)"))
                            for s in members
                        ],
                    )
                    for label, members in grouped(statuses_all())
                ],
            ],
            "Any",
        )
        fields["priority"].choices = _choices(
            [(v, f"{v} · {label}") for v, label in Priority.choices], "Any"
        )
        fields["team"].choices = _choices(Team.objects.values_list("pk", "name"), "Any")
        fields["assignee"].choices = _choices(agents().values_list("pk", "name"), "Anyone")
        fields["channel"].choices = _choices(Channel.choices, "Any")
        fields["organization"].choices = _choices(
            Organization.objects.values_list("pk", "name"), "Any"
        )
        fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": "Words, a reference or an ID"}
        )

    def filters(self) -> search.SearchFilters:
        data = self.cleaned_data
        return search.SearchFilters(
            q=data["q"],
            status=data["status"] if data["status"] in Status.values else None,
            custom_status=int(data["status"]) if data["status"].isdigit() else None,
            priority=data["priority"],
            team=data["team"],
            assignee=data["assignee"],
            channel=data["channel"] or None,
            organization=data["organization"],
            created_from=data["created_from"],
            created_to=data["created_to"],
            page=data["page"] or 1,
        )


def _page_link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return "?" + query.urlencode()


@agent_required
def search_results(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = SearchForm(request.GET or None)
    result = None
    status = 200
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        try:
            result = search.ticket_search(user=user, filters=form.filters())
        except ValidationFailed as exc:
            form_errors_from(form, exc)
            status = 422
    elif form.is_bound and form.errors:
        status = 422
    context: dict[str, Any] = {
        **_sidebar(user),
        "form": form,
        "result": result,
        "filters": {"q": form.data.get("q", "")},
        "previous_url": _page_link(request, result.page - 1) if result and result.page > 1 else "",
        "next_url": _page_link(request, result.page + 1) if result and result.has_more else "",
    }
    partial = bool(getattr(request, "htmx", None)) and request.htmx.target == "search-results"  # type: ignore[attr-defined]
    context["partial"] = partial
    template = "desk/_search_results.html" if partial else "desk/search.html"
    return render(request, template, context, status=status)
