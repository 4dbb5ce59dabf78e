"""Bulk actions on a queue's selection: assign, set status, level, team, tags.

A plain form (checkboxes in the rows, the action bar above the list) posted here; the queue's
script adds shift-click ranges and the `x` key. The answer is the queue again, with a summary of
what changed and, grouped by reason, what was refused.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import Team, User
from caredesk.core.access import guard
from caredesk.core.errors import DomainError
from caredesk.desk.forms import StatusField, agents, status_changes, status_choices
from caredesk.desk.views import _user, recount
from caredesk.tickets.models import Priority, Status
from caredesk.tickets.services import BulkChanges, BulkResult, tickets_bulk_update
from caredesk.tickets.services.bulk import MAX_BULK
from caredesk.tickets.services.statuses import statuses_active

ME, NOBODY = "me", "nobody"
FIELD_WORDS = {
    "status": "status",
    "custom_status": "status",
    "priority": "level",
    "team": "team",
    "assignee": "assignee",
}


class BulkForm(forms.Form):
    ticket = forms.TypedMultipleChoiceField(coerce=int, required=False)
    assignee = forms.ChoiceField(required=False, label="Assign to")
    status = StatusField(required=False, label="Set status")
    priority = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Keep level"), *[(v, f"{v} · {label}") for v, label in Priority.choices]],
        label="Set level",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, empty_label="Keep team", label="Move to team"
    )
    tags_add = forms.CharField(required=False, max_length=1000, label="Add tags")
    tags_remove = forms.CharField(required=False, max_length=1000, label="Remove tags")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(str(u.pk), u.name) for u in agents()]
        status = self.fields["status"]
        assert isinstance(status, StatusField)
        status.choices = [("", "Keep status"), *status_choices(statuses_active())]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", "Keep assignee"),
            (ME, "Me"),
            (NOBODY, "Nobody (unassign)"),
            *people,
        ]
        ids = self.data.getlist("ticket") if hasattr(self.data, "getlist") else []
        self.fields["ticket"].choices = [(i, i) for i in ids[: MAX_BULK + 1]]  # type: ignore[attr-defined]

    def clean_status(self) -> str:
        value = str(self.cleaned_data["status"] or "")
        if value == Status.NEW:
            raise forms.ValidationError("A ticket cannot go back to new.")
        return value

    def changes(self, user: User) -> BulkChanges:
        d = self.cleaned_data
        who = d["assignee"]
        assignee = None
        if who == ME:
            assignee = user
        elif who and who != NOBODY:
            assignee = agents().filter(pk=int(who)).first()
        status = status_changes(d["status"]) if d["status"] else {}
        return BulkChanges(
            status=status.get("status"),
            custom_status=status.get("custom_status"),
            priority=d["priority"],
            team=d["team"],
            assignee=assignee,
            unassign=who == NOBODY,
            tags_add=tuple(_tags(d["tags_add"])),
            tags_remove=tuple(_tags(d["tags_remove"])),
        )


def _tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _back(request: HttpRequest) -> str:
    """The queue the selection was made on (only the queue's own query string is kept)."""
    query = request.POST.get("back", "")
    base = reverse("desk:queue")
    return base + query if query.startswith("?") and "\\" not in query else base


def summarize(request: HttpRequest, results: list[BulkResult]) -> None:
    """One line for what changed, one per reason for what was refused."""
    changed = [r for r in results if r.outcome == "changed"]
    same = [r for r in results if r.outcome == "unchanged"]
    refused: dict[str, list[str]] = defaultdict(list)
    for r in results:
        if r.outcome == "refused":
            refused[r.reason].append(r.ref or f"#{r.ticket_id}")
    if changed:
        fields = sorted({FIELD_WORDS.get(f, f) for r in changed for f in r.changed})
        names = ", ".join(r.ref for r in changed)
        words = ", ".join(fields)
        done = f"Changed {len(changed)} of {len(results)} tickets ({words}): {names}."
        flash.success(request, done)
    if same:
        flash.info(request, "Already as asked: " + ", ".join(r.ref for r in same) + ".")
    for reason, refs in refused.items():
        flash.error(request, f"Not changed: {', '.join(refs)}. {reason}")


@require_POST
@recount
@guard(works_tickets)
def bulk_update(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = BulkForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            text = " ".join(str(e) for e in errors)
            flash.error(request, f"{form.fields[field].label or field}: {text}")
        return redirect(_back(request))
    try:
        results = tickets_bulk_update(
            ticket_ids=form.cleaned_data["ticket"], changes=form.changes(user), actor=user
        )
    except DomainError as exc:
        for messages in exc.errors.values():
            flash.error(request, f"{exc.detail} {' '.join(messages)}")
        return redirect(_back(request))
    summarize(request, results)
    return redirect(_back(request))
