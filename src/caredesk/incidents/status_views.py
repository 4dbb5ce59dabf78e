"""The status page's screens: the public pages (no sign-in, no JavaScript, served from the
cache), the subscription links, and the agents' maintenance and subscriber screens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import agent_page
from caredesk.core.errors import DomainError
from caredesk.core.ratelimit import hit_request
from caredesk.incidents import pure, status, subscriptions
from caredesk.incidents.models import (
    Component,
    ComponentState,
    Maintenance,
    Subscription,
    SubscriptionKind,
)

MAX_AGE = 30  # seconds a browser, proxy or CDN may reuse a public page without asking again
LABELS = dict(ComponentState.choices)


def _base() -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/")


def _render(template: str, context: dict[str, Any]) -> tuple[bytes, str]:
    """Render a public page the same for everyone: no request, no session, times in UTC."""
    with timezone.override(UTC):
        html = render_to_string(
            template,
            {
                "site_name": settings.CAREDESK_SITE_NAME,
                "support_phone": settings.CAREDESK_SUPPORT_PHONE,
                "labels": LABELS,
                **context,
            },
        )
    return html.encode(), "text/html; charset=utf-8"


def _serve(request: HttpRequest, key: str, build: Callable[[], tuple[bytes, str]]) -> HttpResponse:
    """A cached public page with its validators; a matching conditional request gets a 304."""
    page = status.cached(key, build)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    match = request.headers.get("If-None-Match")
    response: HttpResponse
    if (match is not None and page.etag in match) or (
        match is None and since is not None and since >= int(page.modified.timestamp())
    ):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page.body, content_type=page.content_type)
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.modified.timestamp())
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


# --- public pages --------------------------------------------------------------------------------


def page(request: HttpRequest) -> HttpResponse:
    def build() -> tuple[bytes, str]:
        return _render("incidents/status_page.html", {"board": status.board()})

    return _serve(request, "page", build)


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def history(
    request: HttpRequest, year: int | None = None, month: int | None = None
) -> HttpResponse:
    now = clock.now()
    if year is None or month is None:
        year, month = now.year, now.month
    if not (1 <= month <= 12 and 2000 <= year <= now.year):
        raise Http404
    start, end = _month_bounds(year, month)
    if start > now:
        raise Http404
    oldest = pure.months_back(now, status.MONTHS)[0][0]

    def build() -> tuple[bytes, str]:
        incidents = status.month_incidents(start, end)
        rows = [(i, status.resolve_minutes(i)) for i in incidents]
        previous = _month_bounds(year - (month == 1), (month - 2) % 12 + 1)[0]
        return _render(
            "incidents/status_history.html",
            {
                "start": start,
                "rows": rows,
                "previous": previous if previous >= oldest else None,
                "next": end if end <= now else None,
            },
        )

    return _serve(request, f"history:{year}-{month}", build)


def incident(request: HttpRequest, number: int) -> HttpResponse:
    found = status.public_incident(number)  # a missing incident is a 404, never cached
    if found is None:
        raise Http404

    def build() -> tuple[bytes, str]:
        minutes = status.resolve_minutes(found)
        return _render("incidents/status_incident.html", {"incident": found, "minutes": minutes})

    return _serve(request, f"incident:{number}", build)


def feed(request: HttpRequest) -> HttpResponse:
    def build() -> tuple[bytes, str]:
        updates = status.feed_updates()
        home = _base() + reverse("status:page")
        atom = Atom1Feed(
            title=f"{settings.CAREDESK_SITE_NAME} status",
            link=home,
            description="Incidents and their updates",
            feed_url=_base() + reverse("status:feed"),
            feed_guid=home,
            language="en",
        )
        for u in updates:
            link = _base() + reverse("status:incident", args=[u.incident.number])
            atom.add_item(
                title=f"{u.incident.title}: {u.get_state_display()}",
                link=link,
                description=u.body,
                unique_id=f"{link}#update-{u.pk}",
                unique_id_is_permalink=False,
                pubdate=u.at,
                updateddate=u.at,
            )
        return atom.writeString("utf-8").encode(), "application/atom+xml; charset=utf-8"

    return _serve(request, "feed", build)


class SubscribeForm(forms.Form):
    address = forms.EmailField(label="Your email address", max_length=254)
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.filter(public=True).select_related("service"),
        required=False,
        label="Only these components (none: everything)",
        widget=forms.CheckboxSelectMultiple,
    )


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "incidents/status_subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    verdict = hit_request(request, "status-subscribe", limit=10, window=3600)
    if not verdict.allowed:
        form.add_error(None, f"Too many tries from here. Try again in {verdict.retry_after} s.")
        response = render(request, "incidents/status_subscribe.html", {"form": form}, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if form.is_valid():
        try:
            subscriptions.subscribe(
                kind=SubscriptionKind.EMAIL,
                address=form.cleaned_data["address"],
                components=list(form.cleaned_data["components"]),
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return render(request, "incidents/status_subscribe.html", {"sent": True})
    return render(request, "incidents/status_subscribe.html", {"form": form}, status=422)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A GET asks (a mail scanner following the link confirms nothing); the button confirms."""
    if request.method == "POST":
        sub = subscriptions.confirm(token)
        done = "confirmed" if sub else ""
    else:
        sub = subscriptions.confirm_target(token)
        done = "confirm" if sub else ""
    context = {"done": done, "sub": sub}
    return render(request, "incidents/status_link.html", context, status=200 if sub else 404)


@csrf_exempt  # the signed link is the proof; mail programs' one-click POST carries no token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A GET asks (mail scanners follow links); a POST, the button or a one-click client, ends
    the subscription."""
    sub = subscriptions.unsubscribe_target(token)
    if request.method == "POST":
        if sub is not None:
            subscriptions.remove(sub)
        return render(request, "incidents/status_link.html", {"done": "removed"})
    if sub is None:
        return render(request, "incidents/status_link.html", {"done": ""}, status=404)
    return render(request, "incidents/status_link.html", {"done": "ask", "sub": sub})


# --- agent screens: maintenance and subscribers ------------------------------------------------

needs = staff_with("incidents.change_maintenance")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class MaintenanceForm(forms.ModelForm):  # type: ignore[type-arg]
    starts_at = forms.DateTimeField(
        label="Starts (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Ends (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Maintenance
        fields = ["title", "body", "components", "starts_at", "ends_at"]
        widgets = {"components": forms.CheckboxSelectMultiple}
        labels = {"body": "What changes for customers"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", "The end comes after the start.")
        return data


def _maintenance_page(request: HttpRequest, form: MaintenanceForm, code: int = 200) -> HttpResponse:
    now = clock.now()
    rows = Maintenance.objects.filter(ends_at__gt=now).prefetch_related("components")
    past = Maintenance.objects.filter(ends_at__lte=now).order_by("-ends_at")[:20]
    return agent_page(
        request,
        "incidents/status_maintenance.html",
        {"rows": rows, "past": past, "form": form, "tab": "maintenance", "now": now},
        status=code,
    )


@needs
@require_http_methods(["GET", "POST"])
def maintenance(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _maintenance_page(request, MaintenanceForm())
    with timezone.override(UTC):  # the form's times are UTC, whatever the agent's zone
        form = MaintenanceForm(request.POST)
        valid = form.is_valid()
    if not valid:
        return _maintenance_page(request, form, 422)
    with transaction.atomic():
        item = form.save(commit=False)
        item.created_by, item.created_at = _user(request), clock.now()
        item.save()
        form.save_m2m()
    status.bump()
    flash.success(request, f"Maintenance “{item.title}” is on the status page.")
    return redirect("incidents:status-maintenance")


@needs
@require_POST
def maintenance_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Maintenance, pk=pk)
    item.delete()
    status.bump()
    flash.success(request, f"Maintenance “{item.title}” is no longer shown.")
    return redirect("incidents:status-maintenance")


@needs
def subscribers(request: HttpRequest) -> HttpResponse:
    rows = Subscription.objects.select_related("organization").prefetch_related("components")
    return agent_page(
        request,
        "incidents/status_subscribers.html",
        {"rows": rows.order_by("kind", "address")[:500], "count": rows.count(), "tab": "subs"},
    )


@needs
@require_POST
def subscriber_delete(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(Subscription, pk=pk)
    subscriptions.remove(sub)
    flash.success(request, "The subscription is removed.")
    return redirect("incidents:status-subscribers")
