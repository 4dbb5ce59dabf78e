"""Keeping the desk's custom statuses: list, add, change, reorder and deactivate.

Support leads and administrators (tickets.change_customstatus) keep them; everyone who works
tickets uses them from the ticket page, the queue's filter and the bulk bar.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.errors import DomainError, NotFound
from caredesk.desk.views import _sidebar, _user
from caredesk.tickets.models import CustomStatus, StatusCategory
from caredesk.tickets.services import statuses as service

CHANGE = service.MANAGE
ADD = service.CREATE


class StatusForm(forms.Form):
    agent_label = forms.CharField(
        max_length=60, label="Name for agents", help_text="Shown on the desk: queues, tickets."
    )
    requester_label = forms.CharField(
        max_length=60,
        label="Name for requesters",
        help_text="What the portal and the mails to the requester say.",
    )
    category = forms.ChoiceField(
        choices=StatusCategory.choices,
        label="Category",
        help_text="What the service levels, queues and protocols treat it as: pending and on "
        "hold pause the resolution clock, solved stops it. It cannot change later.",
    )
    description = forms.CharField(
        max_length=300,
        required=False,
        label="Description",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When agents should choose it.",
    )
    active = forms.BooleanField(
        required=False, initial=True, label="In use (offered on tickets and in bulk changes)"
    )

    def __init__(self, *args: Any, status: CustomStatus | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if status is not None:
            self.fields["category"].disabled = True
            if status.default:
                self.fields["active"].disabled = True
                self.fields["active"].help_text = "A category's default status stays in use."

    def data_in(self) -> service.StatusIn:
        d = self.cleaned_data
        return service.StatusIn(
            agent_label=d["agent_label"],
            requester_label=d["requester_label"],
            category=d["category"],
            description=d["description"],
            active=d["active"],
        )


def _status_or_404(pk: int) -> CustomStatus:
    try:
        return service.status_get(pk)
    except NotFound:
        raise Http404("No such status") from None


@staff_with(CHANGE)
def status_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    groups = service.grouped(service.statuses_all())
    return render(
        request,
        "desk/statuses.html",
        {"groups": groups, "may_add": user.has_perm(ADD), **_sidebar(user)},
    )


def _edit(request: HttpRequest, status: CustomStatus | None) -> HttpResponse:
    user = _user(request)
    initial = None
    if status is not None:
        initial = {
            "agent_label": status.agent_label,
            "requester_label": status.requester_label,
            "category": status.category,
            "description": status.description,
            "active": status.active,
        }
    form = StatusForm(request.POST or None, status=status, initial=initial)
    code = 200
    if request.method == "POST":
        code = 422
        if form.is_valid():
            try:
                saved = service.status_save(status=status, data=form.data_in())
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                flash.success(request, f"Status “{saved.agent_label}” saved.")
                return redirect("desk:statuses")
    return render(
        request,
        "desk/status_edit.html",
        {"form": form, "status": status, **_sidebar(user)},
        status=code,
    )


@staff_with(ADD)
def status_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@staff_with(CHANGE)
def status_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _status_or_404(pk))


@require_POST
@staff_with(CHANGE)
def status_move(request: HttpRequest, pk: int) -> HttpResponse:
    status = _status_or_404(pk)
    up = request.POST.get("direction") == "up"
    service.status_move(status=status, up=up)
    flash.success(request, f"Moved “{status.agent_label}” {'up' if up else 'down'}.")
    return redirect("desk:statuses")
