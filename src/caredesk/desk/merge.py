"""Merging on the desk: "Merge into…" from a ticket (find the other by reference, number or
words, see both side by side, confirm), the queue's selection merged into one ticket, and the
people in copy (CC) of a ticket's public replies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.accounts.capabilities import works_tickets
from caredesk.core.access import form_errors_from, guard, staff_with
from caredesk.core.errors import DomainError, NotFound, ValidationFailed
from caredesk.desk.bulk import _back, summarize
from caredesk.desk.views import _sidebar, _ticket_context, _ticket_or_404, _user, recount
from caredesk.tickets import search, selectors
from caredesk.tickets.forms import CcForm
from caredesk.tickets.models import Ticket
from caredesk.tickets.pure import pk_from_ref
from caredesk.tickets.services.bulk import MAX_BULK, selection_operations
from caredesk.tickets.services.ccs import cc_remove_by_id
from caredesk.tickets.services.merge import (
    MERGE_PERMISSION,
    merge_refusal,
    merge_target,
    ticket_merge,
)

PREVIEW_MESSAGES = 3


class MergeForm(forms.Form):
    into = forms.CharField(
        label="Ticket to merge into",
        max_length=200,
        help_text="A reference (CD-1042), a number, or words to search for.",
    )
    note = forms.CharField(
        label="Note to the requester (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent above the notice that their request continues on the other ticket.",
    )


def _pk_of(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text) if 0 < int(text) < 2**31 else None
    return pk_from_ref(text)


def _side(ticket: Ticket, user: Any) -> dict[str, Any]:
    """One ticket of the preview: what it is and its latest messages."""
    thread = selectors.messages_for(user=user, ticket=ticket)
    return {
        "ticket": ticket,
        "messages": list(thread.order_by("-created_at", "-id")[:PREVIEW_MESSAGES]),
        "count": thread.count(),
        "ccs": list(ticket.ccs.all()),
    }


def _found(user: Any, text: str) -> list[Ticket]:
    """Open tickets matching words, for choosing the one to merge into."""
    try:
        page = search.ticket_search(user=user, filters=search.SearchFilters(q=text))
    except ValidationFailed:
        return []
    return [h.ticket for h in page.hits if h.ticket.is_open][:10]


def _context(request: HttpRequest, source: Ticket, form: MergeForm) -> dict[str, Any]:
    user = _user(request)
    context: dict[str, Any] = {**_sidebar(user), "source": _side(source, user), "form": form}
    text = form["into"].value() or ""
    if not text.strip():
        return context
    pk = _pk_of(text)
    if pk is None:
        context["candidates"] = [t for t in _found(user, text) if t.pk != source.pk]
        return context
    try:
        target = merge_target(actor=user, pk=pk)
    except NotFound:
        form.add_error("into", "No such ticket, or you cannot see it.")
        return context
    target = selectors.ticket_get(user=user, pk=target.pk)
    context["target"] = _side(target, user)
    context["followed"] = target.pk != pk
    context["refusal"] = merge_refusal(source, target)
    return context


@recount
@staff_with(MERGE_PERMISSION)
def ticket_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: find and preview the ticket to merge into; POST: merge (after the preview)."""
    user = _user(request)
    source = _ticket_or_404(user, pk)
    if request.method != "POST":
        form = MergeForm(request.GET or None)
        if request.GET:
            form.is_valid()
        return render(request, "desk/merge.html", _context(request, source, form))
    form = MergeForm(request.POST)
    status = 422
    if form.is_valid():
        pk_into = _pk_of(form.cleaned_data["into"])
        if pk_into is None:
            form.add_error("into", "Choose the ticket by its reference or number.")
        else:
            try:
                target = ticket_merge(
                    source=source,
                    into=Ticket(pk=pk_into),
                    actor=user,
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                flash.success(request, f"{source.ref} was merged into {target.ref}.")
                return redirect("desk:ticket", pk=target.pk)
    source = _ticket_or_404(user, pk)
    return render(request, "desk/merge.html", _context(request, source, form), status=status)


class BulkMergeForm(forms.Form):
    ticket = forms.TypedMultipleChoiceField(coerce=int, required=False)
    merge_into = forms.CharField(label="Merge into", max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.data.getlist("ticket") if hasattr(self.data, "getlist") else []
        self.fields["ticket"].choices = [(i, i) for i in ids[: MAX_BULK + 1]]  # type: ignore[attr-defined]


@require_POST
@recount
@staff_with(MERGE_PERMISSION)
def bulk_merge(request: HttpRequest) -> HttpResponse:
    """The queue's selection merged into the ticket named (by reference or number)."""
    user = _user(request)
    form = BulkMergeForm(request.POST)
    pk = _pk_of(form.data.get("merge_into", ""))
    if not form.is_valid() or pk is None:
        flash.error(request, "Merge into: give the reference of the ticket to merge into.")
        return redirect(_back(request))
    run = selection_operations.get("merge").run
    try:
        results = run(ticket_ids=form.cleaned_data["ticket"], into=pk, actor=user)
    except DomainError as exc:
        reasons = [m for ms in exc.errors.values() for m in ms] or [exc.detail]
        flash.error(request, f"Nothing was merged. {' '.join(reasons)}")
        return redirect(_back(request))
    summarize(request, results)
    return redirect(_back(request))


@require_POST
@guard(works_tickets)
def ticket_cc_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    form = CcForm(request.POST)
    cc = form.add_to(ticket, user)
    if cc is not None:
        flash.success(request, f"{cc.email} gets the public replies of {ticket.ref}.")
        return redirect("desk:ticket", pk=ticket.pk)
    context = _ticket_context(request, ticket, cc_form=form)
    return render(request, "desk/ticket.html", context, status=422)


@require_POST
@guard(works_tickets)
def ticket_cc_remove(request: HttpRequest, pk: int, cc_id: int) -> HttpResponse:
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    email = cc_remove_by_id(ticket=ticket, cc_id=cc_id, actor=user)
    if email:
        flash.success(request, f"{email} no longer gets the replies of {ticket.ref}.")
    return redirect("desk:ticket", pk=ticket.pk)
