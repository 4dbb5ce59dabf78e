"""The mailboxes screen: the addresses tickets arrive on, the brand each speaks for, the team
its new tickets start in and the name and signature its replies carry. Support leads read it;
administrators keep it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.accounts.models import Team
from caredesk.core.access import agent_required, form_errors_from
from caredesk.core.errors import DomainError
from caredesk.desk.protocols import _can
from caredesk.desk.views import _sidebar, _user
from caredesk.tickets.models import Mailbox
from caredesk.tickets.services.mailboxes import MailboxIn, mailbox_save


class MailboxForm(forms.Form):
    address = forms.CharField(
        max_length=254,
        label="Address",
        help_text="Mail sent to it opens tickets; replies to those tickets are sent from it.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(
        max_length=120, label="Sender name", help_text="Shown as the sender of replies."
    )
    brand = forms.CharField(
        max_length=50,
        label="Brand",
        help_text="A short slug, e.g. member-services. Policies govern a brand with "
        "scope: {brands: [member-services]}.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("tier", "name"),
        required=False,
        label="Team for new tickets",
        empty_label="(as the request type and protocols decide)",
    )
    signature = forms.CharField(
        required=False,
        max_length=2000,
        label="Signature",
        help_text="Added under every reply mailed from this address.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_default = forms.BooleanField(
        required=False,
        label="Default mailbox",
        help_text="Its brand is the brand of portal, help form, API, chat and phone tickets, and "
        "of mail to an address no mailbox has; their replies are sent from it.",
    )
    active = forms.BooleanField(required=False, label="Active (receives mail)")

    def data_in(self) -> MailboxIn:
        d = self.cleaned_data
        return MailboxIn(
            address=d["address"],
            name=d["name"],
            brand=d["brand"],
            team=d["team"],
            signature=d["signature"],
            is_default=bool(d["is_default"]),
            active=bool(d["active"]),
        )


@agent_required
def mailbox_list(request: HttpRequest) -> HttpResponse:
    _can(request, "tickets.view_mailbox")
    rows = list(Mailbox.objects.select_related("team").order_by("brand", "address"))
    return render(request, "desk/mailboxes.html", {"rows": rows, **_sidebar(_user(request))})


@agent_required
def mailbox_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _can(request, "tickets.view_mailbox")
    mailbox = None
    if pk is not None:
        mailbox = Mailbox.objects.filter(pk=pk).first()
        if mailbox is None:
            raise Http404
    may_change = request.user.has_perm("tickets.change_mailbox") and (
        mailbox is not None or request.user.has_perm("tickets.add_mailbox")
    )
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    form = MailboxForm(request.POST or None, initial=_initial(mailbox))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                saved = mailbox_save(mailbox=mailbox, data=form.data_in(), actor=_user(request))
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                flash.success(request, f"Mailbox {saved.address} saved.")
                return redirect("desk:mailboxes")
    context = {
        "form": form,
        "mailbox": mailbox,
        "may_change": may_change,
        **_sidebar(_user(request)),
    }
    return render(request, "desk/mailbox_edit.html", context, status=status)


def _initial(mailbox: Mailbox | None) -> dict[str, Any]:
    if mailbox is None:
        return {"active": True, "is_default": not Mailbox.objects.exists()}
    return {
        "address": mailbox.address,
        "name": mailbox.name,
        "brand": mailbox.brand,
        "team": mailbox.team_id,
        "signature": mailbox.signature,
        "is_default": mailbox.is_default,
        "active": mailbox.active,
    }
