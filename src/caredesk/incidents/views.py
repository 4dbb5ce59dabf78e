"""The incident desk under /agent/incidents/: the list (open first), declaring, the incident's
page (timeline, roles, affected components and organizations, linked and suggested tickets,
the severity targets counting live), acknowledging, updates, resolving, linking tickets (from
the page, the ticket page and the queue's selection) and the severity targets' screen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages as flash
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import agent_page
from caredesk.core.errors import DomainError
from caredesk.incidents import linking, services
from caredesk.incidents.forms import DeclareForm, LinkForm, ResolveForm, TargetForm, UpdateForm
from caredesk.incidents.models import (
    OPEN_STATES,
    Incident,
    IncidentComponent,
    IncidentState,
    IncidentTicket,
    SeverityTarget,
)
from caredesk.tickets.pure import pk_from_ref
from caredesk.tickets.services.bulk import BulkResult, selection_operations

VIEW, DECLARE, MANAGE, STATUS = (
    "incidents.view_incident",
    "incidents.declare_incident",
    "incidents.manage_incident",
    "incidents.change_severitytarget",
)
LINKS_SHOWN = 100
RECENT = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# -- the severity targets, counted live --------------------------------------------------------


def span(delta: timedelta) -> str:
    """A duration as people say it: "45 s", "3 min", "2 h 05 min", "3 d 4 h"."""
    seconds = int(abs(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


@dataclass(frozen=True)
class TargetClock:
    label: str  # "Acknowledge within 5 min"
    text: str  # "3 min left" / "missed by 2 min" / "met in 4 min"
    state: str  # running | met | missed | late (running past the target)


def target_clock(
    verb: str, minutes: int, start: datetime, done: datetime | None, now: datetime
) -> TargetClock:
    """How a severity target stands: met or missed once done, else the time left or overdue."""
    label = f"{verb} within {span(timedelta(minutes=minutes))}"
    deadline = start + timedelta(minutes=minutes)
    if done is not None:
        if done <= deadline:
            return TargetClock(label, f"met in {span(done - start)}", "met")
        return TargetClock(label, f"missed by {span(done - deadline)}", "missed")
    if now <= deadline:
        return TargetClock(label, f"{span(deadline - now)} left", "running")
    return TargetClock(label, f"missed by {span(now - deadline)}", "late")


def clocks_of(incident: Incident, target: SeverityTarget | None) -> list[TargetClock]:
    if target is None:
        return []
    now = clock.now()
    return [
        target_clock(
            "Acknowledge",
            target.acknowledge_minutes,
            incident.started_at,
            incident.acknowledged_at,
            now,
        ),
        target_clock(
            "Resolve", target.resolve_minutes, incident.started_at, incident.resolved_at, now
        ),
    ]


def _mean(values: list[timedelta]) -> str:
    if not values:
        return "–"
    return span(sum(values, timedelta()) / len(values))


# -- the list ----------------------------------------------------------------------------------


@staff_with(VIEW)
def incident_list(request: HttpRequest) -> HttpResponse:
    base = Incident.objects.select_related("commander").annotate(linked=Count("links"))
    open_ = list(base.filter(state__in=OPEN_STATES).order_by("severity", "started_at"))
    recent = list(base.filter(state=IncidentState.RESOLVED).order_by("-resolved_at")[:RECENT])
    targets = {t.severity: t for t in SeverityTarget.objects.all()}
    now = clock.now()
    rows = [
        {
            "incident": i,
            "age": span(now - i.started_at),
            "clocks": clocks_of(i, targets.get(i.severity)),
        }
        for i in open_
    ]
    acks = [i.acknowledged_at - i.started_at for i in recent if i.acknowledged_at]
    fixes = [i.resolved_at - i.started_at for i in recent if i.resolved_at]
    context = {
        "rows": rows,
        "recent": [
            {"incident": i, "took": span(i.resolved_at - i.started_at)}
            for i in recent
            if i.resolved_at
        ],
        "mtta": _mean(acks),
        "mttr": _mean(fixes),
    }
    return agent_page(request, "incidents/list.html", context)


# -- declaring ---------------------------------------------------------------------------------


@staff_with(DECLARE)
def incident_new(request: HttpRequest) -> HttpResponse:
    form = DeclareForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                incident = services.incident_declare(
                    title=d["title"],
                    severity=d["severity"],
                    actor=_user(request),
                    body=d["body"],
                    components=form.affected(),
                    organizations=list(d["organizations"]),
                    team=d["team"],
                    symptom=linking.symptom_words(d["symptom"]),
                    public=d["public"],
                    commander=d["commander"],
                    communications=d["communications"],
                )
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                paged = " The on-call engineer was paged." if incident.page_id else ""
                flash.success(request, f"INC-{incident.number} declared.{paged}")
                return redirect("incidents:detail", number=incident.number)
    return agent_page(request, "incidents/declare.html", {"form": form}, status=status)


# -- the incident's page -----------------------------------------------------------------------


def _incident(number: int) -> Incident:
    return get_object_or_404(
        Incident.objects.select_related(
            "team", "commander", "communications", "declared_by", "acknowledged_by", "page"
        ),
        number=number,
    )


def _detail(
    request: HttpRequest,
    incident: Incident,
    *,
    update_form: UpdateForm | None = None,
    resolve_form: ResolveForm | None = None,
    link_form: LinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    links_qs = IncidentTicket.objects.filter(incident=incident).select_related(
        "ticket", "ticket__requester"
    )
    links = list(links_qs.order_by("id")[:LINKS_SHOWN])
    linked_count = len(links) if len(links) < LINKS_SHOWN else links_qs.count()
    is_open = incident.state in OPEN_STATES
    context = {
        "incident": incident,
        "clocks": clocks_of(incident, services.target_for(incident.severity)),
        "updates": list(incident.updates.select_related("author").order_by("-at", "-id")),
        "affected": list(
            IncidentComponent.objects.filter(incident=incident).select_related("component__service")
        ),
        "organizations": list(incident.organizations.order_by("name")),
        "links": links,
        "linked_count": linked_count,
        "suggested": linking.suggested_tickets(incident, user) if is_open else [],
        "is_open": is_open,
        "update_form": update_form
        or UpdateForm(prefix="update", initial={"state": incident.state}),
        "resolve_form": resolve_form
        or ResolveForm(
            prefix="resolve",
            links=links,
            initial={"keep": [x.ticket_id for x in links if x.keep_open]},
        ),
        "link_form": link_form or LinkForm(),
        "may_manage": user.has_perm(MANAGE),
    }
    return agent_page(request, "incidents/detail.html", context, status=status)


@staff_with(VIEW)
def incident_detail(request: HttpRequest, number: int) -> HttpResponse:
    return _detail(request, _incident(number))


@staff_with(VIEW)
def incident_clocks(request: HttpRequest, number: int) -> HttpResponse:
    """The severity targets alone (the incident page refreshes them every 30 s with htmx)."""
    incident = _incident(number)
    context = {
        "incident": incident,
        "clocks": clocks_of(incident, services.target_for(incident.severity)),
    }
    return render(request, "incidents/_clocks.html", context)


@require_POST
@staff_with(MANAGE)
def incident_ack(request: HttpRequest, number: int) -> HttpResponse:
    incident = _incident(number)
    if services.incident_acknowledge(incident=incident, user=_user(request)):
        flash.success(request, f"INC-{incident.number} acknowledged.")
    else:
        flash.info(request, f"INC-{incident.number} was already acknowledged.")
    return redirect("incidents:detail", number=incident.number)


@require_POST
@staff_with(MANAGE)
def incident_update(request: HttpRequest, number: int) -> HttpResponse:
    incident = _incident(number)
    form = UpdateForm(request.POST, prefix="update")
    if form.is_valid():
        d = form.cleaned_data
        try:
            update = services.incident_update_post(
                incident=incident, actor=_user(request), body=d["body"], state=d["state"],
                public=d["public"], notify=d["notify"],
            )  # fmt: skip
        except DomainError as exc:
            form_errors_from(form, exc)
            return _detail(request, incident, update_form=form, status=exc.status)
        told = " The linked requesters are being told." if update.notify else ""
        flash.success(request, f"Update posted.{told}")
        return redirect("incidents:detail", number=incident.number)
    return _detail(request, incident, update_form=form, status=422)


@require_POST
@staff_with(MANAGE)
def incident_resolve(request: HttpRequest, number: int) -> HttpResponse:
    incident = _incident(number)
    links = list(IncidentTicket.objects.filter(incident=incident).select_related("ticket"))
    form = ResolveForm(request.POST, prefix="resolve", links=links)
    if form.is_valid():
        d = form.cleaned_data
        try:
            linking.links_keep_open(incident=incident, keep=d["keep"])
            services.incident_resolve(
                incident=incident, actor=_user(request), body=d["body"], notify=d["notify"]
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            return _detail(request, incident, resolve_form=form, status=exc.status)
        kept = len(d["keep"])
        flash.success(
            request,
            f"INC-{incident.number} resolved. Its linked tickets are being solved"
            + (f", {kept} kept open." if kept else "."),
        )
        return redirect("incidents:detail", number=incident.number)
    return _detail(request, incident, resolve_form=form, status=422)


def _ids_from(refs: str) -> list[int] | None:
    """Ticket ids from references or numbers; None when one of them is not a reference."""
    ids = []
    for word in re.split(r"[\s,;]+", refs.strip()):
        if not word:
            continue
        pk = int(word) if word.isdigit() and int(word) < 2**31 else pk_from_ref(word)
        if pk is None:
            return None
        ids.append(pk)
    return ids


def _summary(request: HttpRequest, incident: Incident, results: list[BulkResult]) -> None:
    linked = [r.ref for r in results if r.outcome == "changed"]
    same = [r.ref for r in results if r.outcome == "unchanged"]
    if linked:
        flash.success(
            request, f"Linked {len(linked)} ticket{'s' if len(linked) != 1 else ''} to "
            f"INC-{incident.number}: {', '.join(linked[:20])}{'…' if len(linked) > 20 else ''}."
        )  # fmt: skip
    if same:
        flash.info(request, f"Already linked: {', '.join(same[:20])}.")
    refused: dict[str, list[str]] = {}
    for r in results:
        if r.outcome == "refused":
            refused.setdefault(r.reason, []).append(r.ref or f"#{r.ticket_id}")
    for reason, refs in refused.items():
        flash.error(request, f"Not linked: {', '.join(refs[:20])}. {reason}")


@require_POST
@staff_with(MANAGE)
def incident_link(request: HttpRequest, number: int) -> HttpResponse:
    """Link the ticked suggestions and the references typed."""
    incident = _incident(number)
    form = LinkForm(request.POST)
    if form.is_valid():
        ids = list(form.cleaned_data["ticket"])
        typed = _ids_from(form.cleaned_data["refs"])
        if typed is None:
            form.add_error("refs", "Give ticket references (CD-1042) or numbers.")
        else:
            try:
                results = linking.tickets_link(
                    incident=incident, ticket_ids=ids + typed, actor=_user(request)
                )
            except DomainError as exc:
                form_errors_from(form, exc)
                if "tickets" in exc.errors:
                    form.add_error("refs", " ".join(exc.errors["tickets"]))
                return _detail(request, incident, link_form=form, status=exc.status)
            _summary(request, incident, results)
            return redirect("incidents:detail", number=incident.number)
    return _detail(request, incident, link_form=form, status=422)


def _back(request: HttpRequest) -> str:
    """Where the selection came from: the queue (its own query string) or a ticket page."""
    ticket = request.POST.get("from_ticket", "")
    if ticket.isdigit():
        return reverse("desk:ticket", args=[int(ticket)])
    query = request.POST.get("back", "")
    base = reverse("desk:queue")
    return base + query if query.startswith("?") and "\\" not in query else base


@require_POST
@staff_with(MANAGE)
def selection_link(request: HttpRequest) -> HttpResponse:
    """The queue's selection (or one ticket from its page) joins the incident named."""
    form = LinkForm(request.POST)
    number = linking.incident_number(request.POST.get("incident", ""))
    if not form.is_valid() or number is None:
        flash.error(request, "Link to incident: give the incident's number, e.g. INC-12.")
        return redirect(_back(request))
    run = selection_operations.get("incident").run
    try:
        results = run(ticket_ids=form.cleaned_data["ticket"], into=number, actor=_user(request))
    except DomainError as exc:
        reasons = [m for ms in exc.errors.values() for m in ms] or [exc.detail]
        flash.error(request, f"Nothing was linked. {' '.join(reasons)}")
        return redirect(_back(request))
    incident = Incident.objects.get(number=number)
    _summary(request, incident, results)
    return redirect(_back(request))


# -- severity targets ---------------------------------------------------------------------------


@staff_with(STATUS)
def targets(request: HttpRequest) -> HttpResponse:
    rows = list(SeverityTarget.objects.order_by("severity"))
    forms_ = [TargetForm(request.POST or None, instance=t, prefix=f"s{t.severity}") for t in rows]
    status = 200
    if request.method == "POST":
        if all(f.is_valid() for f in forms_):
            for f in forms_:
                if f.has_changed():
                    f.save()
            flash.success(request, "Severity targets saved.")
            return redirect("incidents:targets")
        status = 422
    return agent_page(request, "incidents/targets.html", {"forms": forms_}, status=status)
