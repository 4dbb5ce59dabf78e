"""The portal's status subscriptions: an organization's administrators subscribe their
organization to the status page by mail (confirmed from the mailed link) or by webhook."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from caredesk.accounts.models import Contact, User
from caredesk.core.access import form_errors_from, requester_required
from caredesk.core.errors import DomainError
from caredesk.incidents import subscriptions
from caredesk.incidents.models import Component, Subscription, SubscriptionKind


class OrganizationSubscribeForm(forms.Form):
    kind = forms.ChoiceField(
        label="Tell us by", choices=SubscriptionKind.choices, widget=forms.RadioSelect
    )
    address = forms.CharField(
        label="Email address or webhook URL (https://…)",
        max_length=500,
        help_text="A mail address must be confirmed from the link we send to it.",
    )
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.filter(public=True).select_related("service"),
        required=False,
        label="Only these components (none: everything)",
        widget=forms.CheckboxSelectMultiple,
    )


def _admin(request: HttpRequest) -> Contact:
    user = request.user
    assert isinstance(user, User)
    contact: Contact = user.contact
    if not contact.is_org_admin:
        raise PermissionDenied
    return contact


def _page(
    request: HttpRequest, contact: Contact, form: OrganizationSubscribeForm, code: int = 200
) -> HttpResponse:
    rows = (
        Subscription.objects.filter(organization_id=contact.organization_id or 0)
        .prefetch_related("components")
        .order_by("kind", "address")
    )
    return render(
        request,
        "portal/status.html",
        {"form": form, "rows": rows, "contact": contact},
        status=code,
    )


@requester_required
@require_http_methods(["GET", "POST"])
def status_subscriptions(request: HttpRequest) -> HttpResponse:
    contact = _admin(request)
    if request.method == "GET":
        return _page(request, contact, OrganizationSubscribeForm(initial={"kind": "email"}))
    form = OrganizationSubscribeForm(request.POST)
    if form.is_valid():
        try:
            sub = subscriptions.subscribe(
                kind=form.cleaned_data["kind"],
                address=form.cleaned_data["address"],
                components=list(form.cleaned_data["components"]),
                organization=contact.organization,
                actor=request.user if isinstance(request.user, User) else None,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            if sub.organization_id != contact.organization_id:
                form.add_error("address", "That address is already subscribed on its own.")
            else:
                note = (
                    "Check that inbox: the subscription starts once confirmed from its link."
                    if sub.confirmed_at is None
                    else "Subscribed."
                )
                flash.success(request, note)
                return redirect("portal:status")
    return _page(request, contact, form, 422)


@requester_required
@require_POST
def status_subscription_remove(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _admin(request)
    sub = get_object_or_404(Subscription, pk=pk, organization_id=contact.organization_id)
    subscriptions.remove(sub)
    flash.success(request, "The subscription is removed.")
    return redirect("portal:status")
