"""Governance screens: access reviews, personal-data requests and data breaches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from caredesk.accounts.capabilities import may_export_personal_data, staff_members
from caredesk.accounts.models import Contact, User
from caredesk.compliance import audit
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.access import agent_required, form_errors_from, staff_with
from caredesk.core.agent_pages import sidebar
from caredesk.core.errors import DomainError
from caredesk.governance import selectors
from caredesk.governance.forms import BreachForm, DeactivateForm, ExportForm, TaskDoneForm
from caredesk.governance.models import Breach, BreachTask, SubjectRequest
from caredesk.governance.services.breaches import NewBreach, breach_record, breach_task_done
from caredesk.governance.services.reviews import access_review_sign, account_deactivate
from caredesk.governance.services.subjects import subject_erase, subject_export


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


needs = staff_with  # staff with this permission only (others: 403)


TABS = {"reviews": "reviews", "people": "people", "person": "people", "breaches": "breaches"}


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    name = template.rsplit("/", 1)[-1].removesuffix(".html")
    base = {
        **sidebar(_user(request)),
        "alerts": selectors.breach_alerts(),
        "tab": TABS.get(name, "breaches"),
    }
    return render(request, template, {**base, **context}, status=status)


def _staff(pk: int) -> User:
    account = staff_members().filter(pk=pk).first()
    if account is None:
        raise Http404("No such staff account")
    return account


@needs("governance.view_accessreview")
def reviews(request: HttpRequest) -> HttpResponse:
    rows = selectors.staff_review_rows()
    context = {
        "rows": rows,
        "overdue": sum(r.flags.overdue for r in rows),
        "unused": sum(r.flags.unused for r in rows),
        "review_days": settings.CAREDESK_ACCESS_REVIEW_DAYS,
        "unused_days": settings.CAREDESK_UNUSED_ACCOUNT_DAYS,
    }
    return _page(request, "governance/reviews.html", context)


@require_POST
@needs("governance.sign_accessreview")
def review_sign(request: HttpRequest, pk: int) -> HttpResponse:
    account = _staff(pk)
    try:
        access_review_sign(account=account, actor=_user(request), request=request)
    except DomainError as exc:
        flash.error(request, f"{account.name}: {exc.detail}")
    else:
        flash.success(request, f"Access of {account.name} signed off.")
    return redirect("governance:reviews")


@require_POST
@needs("governance.deactivate_staff")
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account = _staff(pk)
    form = DeactivateForm(request.POST)
    if not form.is_valid():
        flash.error(request, f"{account.name}: {'; '.join(map(str, form.errors['reason']))}")
        return redirect("governance:reviews")
    try:
        ended = account_deactivate(
            account=account,
            actor=_user(request),
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except DomainError as exc:
        flash.error(request, f"{account.name}: {exc.detail}")
    else:
        flash.success(request, f"{account.name} deactivated; {ended} open session(s) ended.")
    return redirect("governance:reviews")


@needs("governance.view_subjectrequest")
def people(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    found: list[Contact] = []
    if q:
        found = list(
            Contact.objects.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(phone=q))
            .select_related("organization")
            .order_by("name", "id")[:50]
        )
    done = SubjectRequest.objects.select_related("contact", "actor")[:20]
    return _page(request, "governance/people.html", {"q": q, "found": found, "done": done})


def _contact(pk: int) -> Contact:
    contact = Contact.objects.select_related("organization", "user").filter(pk=pk).first()
    if contact is None:
        raise Http404("No such requester")
    return contact


def _person_page(
    request: HttpRequest, contact: Contact, export_form: ExportForm | None = None, status: int = 200
) -> HttpResponse:
    can_export = may_export_personal_data(request.user)
    context = {
        "contact": contact,
        "tickets": contact.tickets.count(),
        "holds": list(selectors.holds_on_contact(contact)),
        "done": SubjectRequest.objects.filter(contact=contact).select_related("actor"),
        "can_export": can_export,
        "export_form": (export_form or ExportForm()) if can_export else None,
    }
    return _page(request, "governance/person.html", context, status=status)


@needs("governance.view_subjectrequest")
def person(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(pk)
    audit.record(
        action=AuditAction.SUBJECT_VIEWED,
        request=request,
        object_type="contact",
        object_id=contact.pk,
        organization_id=contact.organization_id,
    )
    return _person_page(request, contact)


@require_POST
@agent_required
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The subject's own data (GDPR Art. 15), for the privacy role, for a recorded reason."""
    if not may_export_personal_data(request.user):
        raise PermissionDenied
    contact = _contact(pk)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _person_page(request, contact, form, status=422)
    try:
        export = subject_export(
            contact=contact,
            actor=_user(request),
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except DomainError as exc:
        form_errors_from(form, exc)
        return _person_page(request, contact, form, status=422)
    response = HttpResponse(export.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@needs("governance.erase_subject")
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(pk)
    try:
        subject_erase(contact=contact, actor=_user(request), request=request)
    except DomainError as exc:
        flash.error(request, exc.detail)
        return redirect("governance:person", pk=pk)
    flash.success(request, f"Personal data erased; the requester is now “{contact.name}”.")
    return redirect("governance:person", pk=pk)


@needs("governance.view_breach")
def breaches(request: HttpRequest) -> HttpResponse:
    form = BreachForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("governance.add_breach"):
            raise PermissionDenied
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            data = NewBreach(
                title=d["title"],
                description=d["description"],
                discovered_at=d["discovered_at"],
                people_affected=d["people_affected"],
                organizations=tuple(d["organizations"]),
            )
            try:
                breach = breach_record(data=data, actor=_user(request), request=request)
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                flash.success(request, "Breach recorded; its notification clocks are running.")
                return redirect("governance:breach", pk=breach.pk)
    rows = Breach.objects.annotate(
        tasks_total=Count("tasks"),
        tasks_done=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
    )[:100]
    return _page(request, "governance/breaches.html", {"form": form, "breaches": rows}, status)


def _letter(task: BreachTask, breach: Breach, orgs: list[str]) -> str:
    context = {
        "breach": breach,
        "task": task,
        "organizations": orgs,
        "site_name": settings.CAREDESK_SITE_NAME,
    }
    return render_to_string(f"governance/letters/{task.kind}.txt", context)


@needs("governance.view_breach")
def breach(request: HttpRequest, pk: int) -> HttpResponse:
    found = Breach.objects.filter(pk=pk).select_related("recorded_by").first()
    if found is None:
        raise Http404("No such breach")
    orgs = [o.name for o in found.organizations.order_by("name")]
    tasks = list(found.tasks.select_related("done_by"))
    now = clock.now()
    near = now + timedelta(hours=settings.CAREDESK_BREACH_NEAR_HOURS)
    items = [
        {
            "task": t,
            "letter": _letter(t, found, orgs),
            "overdue": t.done_at is None and t.due_at <= now,
            "near": t.done_at is None and now < t.due_at <= near,
        }
        for t in tasks
    ]
    context = {"breach": found, "orgs": orgs, "items": items, "done_form": TaskDoneForm()}
    return _page(request, "governance/breach.html", context)


@require_POST
@needs("governance.change_breach")
def breach_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = BreachTask.objects.filter(pk=pk).first()
    if task is None:
        raise Http404("No such task")
    form = TaskDoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        breach_task_done(task=task, actor=_user(request), note=note, request=request)
    except DomainError as exc:
        flash.error(request, exc.detail)
    else:
        flash.success(request, f"“{task.get_kind_display()}” marked done.")
    return redirect("governance:breach", pk=task.breach_id)
