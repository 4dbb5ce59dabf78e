"""Saved views: save the queue's filters as a named view (personal, or shared with a team by a
lead), change it, remove it, and the page listing them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import Team, User
from caredesk.core.access import form_errors_from, guard
from caredesk.core.errors import DomainError, NotFound
from caredesk.desk.viewcounts import view_url
from caredesk.desk.views import _sidebar, forget_counts
from caredesk.workspace import selectors as views_selectors
from caredesk.workspace.models import Column, SavedView
from caredesk.workspace.services import ViewData, savedview_delete, savedview_save

FILTER_KEYS = ("queue", "status", "priority", "team", "assignee", "organization", "q")
INT_FILTERS = ("priority", "team", "assignee", "organization")


class ViewForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name of the view")
    columns = forms.MultipleChoiceField(
        choices=Column.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Columns shown (reference and subject always are)",
    )
    share_team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        required=False,
        label="Share with a team",
        empty_label="Only me",
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _posted_filters(request: HttpRequest) -> tuple[dict[str, Any], str]:
    """The queue's filters and sort as the save form carries them (hidden fields)."""
    filters: dict[str, Any] = {}
    for key in FILTER_KEYS:
        value = request.POST.get(key, "").strip()
        if not value:
            continue
        if key == "status" and value.isdigit():  # a custom status, by id
            filters["custom_status"] = int(value)
            continue
        filters[key] = int(value) if key in INT_FILTERS and value.isdigit() else value
    return filters, request.POST.get("sort", "-updated")


def _view_or_404(user: User, pk: int) -> SavedView:
    try:
        return views_selectors.view_get(user=user, pk=pk)
    except NotFound:
        raise Http404("No such view") from None


def _save(request: HttpRequest, view: SavedView | None) -> HttpResponse:
    user = _user(request)
    form = ViewForm(request.POST)
    if form.is_valid():
        filters, sort = _posted_filters(request)
        if view is not None and request.POST.get("keep_filters") == "1":
            filters, sort = dict(view.filters), view.sort
        data = ViewData(
            name=form.cleaned_data["name"],
            filters=filters,
            sort=sort,
            columns=tuple(form.cleaned_data["columns"]),
            team=form.cleaned_data["share_team"],
        )
        try:
            saved = savedview_save(actor=user, data=data, view=view)
        except DomainError as exc:
            form_errors_from(form, exc)
            status = exc.status
        else:
            forget_counts(user)
            shared = f", shared with {saved.team.name}" if saved.team else ""
            flash.success(request, f"View “{saved.name}” saved{shared}.")
            return redirect(view_url(saved))
    else:
        status = 422
    return _page(request, form=form, editing=view, status=status)


@require_POST
@guard(works_tickets)
def view_new(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@require_POST
@guard(works_tickets)
def view_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = _view_or_404(user, pk)
    if not views_selectors.may_change(user, view):
        raise PermissionDenied
    return _save(request, view)


@require_POST
@guard(works_tickets)
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = _view_or_404(user, pk)
    if not views_selectors.may_change(user, view):
        raise PermissionDenied
    savedview_delete(actor=user, view=view)
    forget_counts(user)
    flash.success(request, f"View “{view.name}” removed.")
    return redirect("desk:views")


@guard(works_tickets)
def views_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _page(
    request: HttpRequest,
    *,
    form: ViewForm | None = None,
    editing: SavedView | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    rows = [
        (v, view_url(v), views_selectors.may_change(user, v))
        for v in views_selectors.views_managed(user)
    ]
    posted = [(k, request.POST[k]) for k in (*FILTER_KEYS, "sort") if request.POST.get(k)]
    context = {
        "rows": rows,
        "form": form,
        "posted_filters": posted,
        "editing": editing,
        "may_share": user.has_perm(views_selectors.SHARE),
        **_sidebar(user),
    }
    return render(request, "desk/views.html", context, status=status)
