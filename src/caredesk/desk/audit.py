"""The compliance officer's screen: who saw or changed what, filtered, paged and exported."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from caredesk.accounts.capabilities import staff_members
from caredesk.compliance import access as audit
from caredesk.compliance.csvsafe import csv_lines
from caredesk.compliance.models import AuditAction
from caredesk.compliance.selectors import (
    EXPORT_HEADER,
    AuditFilters,
    audit_export_rows,
    audit_page,
)
from caredesk.core.access import agent_required
from caredesk.core.errors import ValidationFailed
from caredesk.desk.views import _sidebar, _user
from caredesk.tickets.pure import pk_from_ref, ref_for
from caredesk.tickets.selectors import ticket_ids_for_patient

ACTION_LABELS = dict(AuditAction.choices)


class AuditFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=staff_members().order_by("name").only("id", "name"),
        required=False,
        empty_label="Anyone",
        label="Person",
    )
    patient = forms.CharField(max_length=64, required=False, label="Patient ID (exact)")
    ticket = forms.CharField(
        max_length=20,
        required=False,
        label="Ticket",
        widget=forms.TextInput({"placeholder": "CD-1042"}),
    )
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AuditAction.choices], required=False, label="Action"
    )
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))

    def clean_ticket(self) -> int | None:
        text = self.cleaned_data["ticket"].strip()
        if not text:
            return None
        pk = pk_from_ref(text)
        if pk is None:
            raise forms.ValidationError("Enter a ticket reference like CD-1042.")
        return pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the period comes before its start.")
        return data

    def used(self) -> list[str]:
        """The names of the filters given (never their values: a patient ID is health data)."""
        return [name for name, value in self.cleaned_data.items() if value not in (None, "")]

    def filters(self) -> AuditFilters:
        d = self.cleaned_data
        ticket_ids: tuple[int, ...] | None = None
        if d.get("patient"):
            ticket_ids = tuple(ticket_ids_for_patient(d["patient"]))
        if d.get("ticket"):
            wanted = d["ticket"]
            ticket_ids = (wanted,) if ticket_ids is None or wanted in ticket_ids else ()
        return AuditFilters(
            actor_id=d["person"].pk if d.get("person") else None,
            ticket_ids=ticket_ids,
            action=d.get("action") or "",
            since=_day_start(d.get("since")),
            until=_day_start(d["until"] + timedelta(days=1)) if d.get("until") else None,
        )


def _day_start(day: date | None) -> datetime | None:
    """Midnight of `day` in the viewer's timezone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _guard(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@agent_required
def audit_list(request: HttpRequest) -> HttpResponse:
    _guard(request, "compliance.view_auditentry")
    form = AuditFilterForm(request.GET or None)
    context: dict[str, Any] = {"form": form, **_sidebar(_user(request))}
    if request.GET and not form.is_valid():
        return render(request, "desk/audit.html", {**context, "rows": []}, status=422)
    filters = form.filters() if form.is_bound else AuditFilters()
    try:
        page = audit_page(filters=filters, cursor=request.GET.get("cursor"))
    except ValidationFailed as exc:
        form.add_error(None, exc.detail)
        return render(request, "desk/audit.html", {**context, "rows": []}, status=422)
    audit.audit_searched(request=request, filters_used=form.used() if form.is_bound else [])
    query = request.GET.copy()
    query.pop("cursor", None)
    next_query = query.copy()
    if page.next_cursor:
        next_query["cursor"] = page.next_cursor
    context.update(
        rows=[
            {
                "entry": e,
                "actor": page.actor_names.get(e.actor_id or 0, ""),
                "label": ACTION_LABELS.get(e.action, e.action),
            }
            for e in page.items
        ],
        next_url="?" + next_query.urlencode() if page.next_cursor else None,
        first_url="?" + query.urlencode() if request.GET.get("cursor") else None,
        export_query=query.urlencode(),
        can_export=request.user.has_perm("compliance.export_auditentry"),
    )
    return render(request, "desk/audit.html", context)


@agent_required
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    _guard(request, "compliance.export_auditentry")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items())
        return HttpResponse(errors, status=422, content_type="text/plain; charset=utf-8")
    filters = form.filters() if form.is_bound else AuditFilters()
    audit.audit_searched(
        request=request, filters_used=form.used() if form.is_bound else [], exported=True
    )
    response = StreamingHttpResponse(
        csv_lines(EXPORT_HEADER, audit_export_rows(filters=filters, ticket_ref=_ticket_ref)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="access-audit.csv"'
    return response


def _ticket_ref(pk: int) -> str:
    return ref_for(settings.CAREDESK_TICKET_PREFIX, pk)
