"""Macros in the desk: the picker and preview of the reply box, applying one, and keeping them.

Without JavaScript the picker is a page of links, the preview a form holding the filled text
(the agent may edit it) that sends the message and carries out the macro's actions. The ticket
page's script opens the same picker in a dialog (`m`), and inserting the preview into the reply
box sends the reply through the same apply address.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.accounts.capabilities import works_tickets
from caredesk.core.access import form_errors_from, guard
from caredesk.core.errors import DomainError, NotFound
from caredesk.desk.forms import StatusField, status_choices
from caredesk.desk.views import _sidebar, _ticket_or_404, _user, recount
from caredesk.rules import macros as service
from caredesk.rules.models import Macro, MacroKind
from caredesk.rules.placeholders import NAMES
from caredesk.tickets.models import MessageKind, Priority, Status, Ticket
from caredesk.tickets.services import Upload
from caredesk.tickets.services.statuses import (
    default_status,
    grouped,
    statuses_active,
    statuses_all,
)


class MacroForm(forms.Form):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(
        choices=MacroKind.choices, widget=forms.RadioSelect, initial=MacroKind.PUBLIC, label="Type"
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=service.MAX_BODY,
        label="Text",
        help_text="Placeholders such as {{requester.first_name}} are filled from the ticket.",
    )
    shared = forms.BooleanField(
        required=False, label="Shared with the whole desk (otherwise only you see it)"
    )
    set_status = StatusField(required=False, label="Then set status")
    set_priority = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "No change"), *[(v, f"{v} · {label}") for v, label in Priority.choices]],
        label="Then set level",
    )
    add_tags = forms.CharField(
        required=False, max_length=1000, label="Then add tags", help_text="Separate with commas."
    )

    def __init__(self, *args: Any, keep: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["set_status"]
        assert isinstance(field, StatusField)
        # the statuses in use by category (and the macro's own, if no longer in use)
        statuses = [s for s in statuses_all() if s.active or str(s.pk) == keep]
        field.choices = [("", "No change")] + [
            (label, [(str(s.pk), s.agent_label) for s in members])
            for label, members in grouped(statuses)
        ]

    def clean_set_status(self) -> str:
        value = str(self.cleaned_data["set_status"] or "")
        if value in (Status.NEW, Status.CLOSED):
            raise forms.ValidationError("A macro sets open, pending, on hold or solved.")
        return value

    def data_in(self) -> service.MacroIn:
        d = self.cleaned_data
        return service.MacroIn(
            name=d["name"],
            body=d["body"],
            kind=d["kind"],
            shared=d.get("shared", False),
            set_status=d["set_status"],
            set_priority=d["set_priority"],
            add_tags=tuple(t.strip() for t in d["add_tags"].split(",") if t.strip()),
        )


class ApplyForm(forms.Form):
    kind = forms.ChoiceField(choices=MessageKind.choices[:2], widget=forms.RadioSelect)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=100_000)
    status_after = StatusField(required=False, label="Then set status")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status_after"]
        assert isinstance(field, StatusField)
        field.choices = [("", "As the macro says"), *status_choices(statuses_active())]

    def clean_status_after(self) -> str:
        value = str(self.cleaned_data["status_after"] or "")
        if value == Status.NEW:
            raise forms.ValidationError("A reply never sets a ticket back to new.")
        return value


def _fragment(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" or request.GET.get("fragment") == "1"


def _macro_or_404(request: HttpRequest, pk: int) -> Macro:
    try:
        return service.macro_get(user=_user(request), pk=pk)
    except NotFound:
        raise Http404("No such macro") from None


# -- the reply box ---------------------------------------------------------------------------


@guard(works_tickets)
def picker(request: HttpRequest, pk: int) -> HttpResponse:
    """The macros this agent may apply on this ticket, most used first (filtered by `q`)."""
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    found = service.macros_for(user)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        found = found.filter(name__icontains=q)
    context = {"ticket": ticket, "macros": list(found), "q": q}
    if _fragment(request):
        return render(request, "desk/_macro_picker.html", context)
    return render(request, "desk/macro_picker.html", {**context, **_sidebar(user)})


def _preview_context(ticket: Ticket, macro: Macro, user: Any) -> dict[str, Any]:
    filled = service.macro_text(macro, ticket, user)
    return {
        "ticket": ticket,
        "macro": macro,
        "filled": filled,
        "actions": service.macro_actions(macro),
    }


@recount
@guard(works_tickets)
def preview(request: HttpRequest, pk: int, macro_id: int) -> HttpResponse:
    """The macro filled for this ticket; POST applies it (message and actions)."""
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    macro = _macro_or_404(request, macro_id)
    context = _preview_context(ticket, macro, user)
    if request.method != "POST":
        if _fragment(request):
            return render(request, "desk/_macro_preview.html", context)
        initial = {"kind": macro.kind, "body": context["filled"].text}
        return render(
            request,
            "desk/macro_preview.html",
            {**context, "form": ApplyForm(initial=initial), **_sidebar(user)},
        )
    form = ApplyForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            service.macro_apply(
                macro=macro,
                ticket=ticket,
                actor=user,
                body=d["body"],
                kind=d["kind"],
                uploads=_uploads(request),
                status_after=d["status_after"] or None,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            done = "Reply sent" if d["kind"] == MessageKind.PUBLIC else "Note added"
            flash.success(request, f"{done} on {ticket.ref} with the macro “{macro.name}”.")
            return redirect("desk:ticket", pk=ticket.pk)
    return render(
        request,
        "desk/macro_preview.html",
        {**context, "form": form, **_sidebar(user)},
        status=422,
    )


def _uploads(request: HttpRequest) -> tuple[Upload, ...]:
    return tuple(
        Upload(filename=f.name or "attachment", content_type=f.content_type or "", data=f.read())
        for f in request.FILES.getlist("attachments")
    )


# -- keeping macros --------------------------------------------------------------------------


@guard(works_tickets)
def macro_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = list(service.macros_managed(user))
    for m in rows:
        m.actions = service.macro_actions(m)  # type: ignore[attr-defined]
    return render(
        request,
        "desk/macros.html",
        {
            "shared": [m for m in rows if m.owner_id is None],
            "mine": [m for m in rows if m.owner_id is not None],
            "manages_shared": service.may_manage_shared(user),
            **_sidebar(user),
        },
    )


@recount
@guard(works_tickets)
def macro_edit(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    user = _user(request)
    macro = _macro_or_404(request, macro_id) if macro_id is not None else None
    may_change = macro is None or service.may_change(user, macro)
    if request.method == "POST" and not may_change:
        flash.error(request, "Only support leads and administrators change shared macros.")
        return redirect("desk:macro", macro_id=macro_id)
    if request.method == "POST" and "active" in request.POST and macro is not None:
        active = request.POST["active"] == "1"
        service.macro_set_active(macro=macro, active=active, actor=user)
        flash.success(request, f"“{macro.name}” {'is back' if active else 'is retired'}.")
        return redirect("desk:macros")
    initial = _initial(macro)
    form = MacroForm(request.POST or None, initial=initial, keep=initial.get("set_status", ""))
    if not service.may_manage_shared(user) or macro is not None:
        del form.fields["shared"]  # an agent's macros are personal; a macro keeps its kind
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                saved = service.macro_save(macro=macro, data=form.data_in(), actor=user)
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                flash.success(request, f"Macro “{saved.name}” saved.")
                return redirect("desk:macros")
    context = {
        "form": form,
        "macro": macro,
        "may_change": may_change,
        "placeholders": NAMES.items(),
        **_sidebar(user),
    }
    return render(request, "desk/macro_edit.html", context, status=status)


def _initial(macro: Macro | None) -> dict[str, Any]:
    if macro is None:
        return {"shared": False}
    return {
        "name": macro.name,
        "kind": macro.kind,
        "body": macro.body,
        "shared": macro.shared,
        "set_status": _status_initial(macro.set_status),
        "set_priority": macro.set_priority,
        "add_tags": ", ".join(macro.add_tags or []),
    }


def _status_initial(value: str) -> str:
    """A macro kept with a built-in category shows that category's default status."""
    if value and not value.isdigit():
        default = default_status(value)
        return str(default.pk) if default is not None else ""
    return value
