"""Agent desk screens: thin views over the ticket selectors and services."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import ApiToken, Organization, Team, User
from caredesk.accounts.scopes import scopes_allowed
from caredesk.accounts.services import token_create, token_revoke
from caredesk.complaints.selectors import complaint_for_ticket
from caredesk.compliance import access as audit
from caredesk.core import clock
from caredesk.core.access import agent_required, form_errors_from, guard
from caredesk.core.errors import DomainError, NotFound, ValidationFailed
from caredesk.core.models import Notification
from caredesk.desk.forms import (
    BreakGlassForm,
    NewTicketForm,
    PropertiesForm,
    ReplyForm,
    SafetyForm,
    TokenForm,
    agents,
)
from caredesk.desk.history import history_lines, latest_handover
from caredesk.desk.listviews import saved_view_context
from caredesk.desk.panels import worklist_context
from caredesk.desk.phi import form_answers, requester_birth_date, ticket_details
from caredesk.desk.rows import ticket_rows
from caredesk.desk.viewcounts import CLIENTS, SidebarViews, count_key, sidebar_views, view_url
from caredesk.devices.rma_selectors import ticket_rmas
from caredesk.devices.selectors import card_for_serial
from caredesk.knowledge.services import reply_links_count
from caredesk.oncall import selectors as oncall_selectors
from caredesk.safety import imdrf
from caredesk.sla.selectors import headline, sla_views
from caredesk.tickets import selectors, services
from caredesk.tickets.forms import CcForm
from caredesk.tickets.models import Priority, Status, Ticket
from caredesk.tickets.services import Body, NewTicket, Upload
from caredesk.tickets.services.delivery import live_status
from caredesk.tickets.services.merge import final_ticket
from caredesk.tickets.services.safety import SAFETY_EVENT_KINDS, SAFETY_REVIEW_MINUTES
from caredesk.tickets.services.statuses import grouped, statuses_active, statuses_all
from caredesk.training.panels import assisted_context

QUEUE_LABELS = {
    "mine": "Assigned to me",
    "team": "My teams",
    "unassigned": "Unassigned",
    "breaching": "Breaching soon",
    "open": "All open",
    "all": "All tickets",
    "clients": "My clients",  # in the sidebar only for account managers
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> selectors.TicketFilters:
    g = request.GET
    queue = g.get("queue", "open")
    sort = g.get("sort", "-updated")
    status = g.get("status") or ""
    return selectors.TicketFilters(
        queue=queue if queue in selectors.QUEUES else "open",
        status=status if status in Status.values else None,
        custom_status=_int(status) if status.isdigit() else None,
        priority=_int(g.get("priority")),
        team=_int(g.get("team")),
        assignee=_int(g.get("assignee")),
        organization=_int(g.get("organization")),
        q=g.get("q", "")[:200],
        sort=sort if sort in selectors.SORTS else "-updated",
    )


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it."""

    htmx: HtmxDetails


@agent_required
def queue(request: HtmxHttpRequest) -> HttpResponse:
    user = _user(request)
    f = _filters(request)
    try:
        page = selectors.ticket_page(user=user, filters=f, cursor=request.GET.get("cursor"))
    except ValidationFailed:
        page = selectors.ticket_page(user=user, filters=f)
    next_query = request.GET.copy()
    if page.next_cursor:
        next_query["cursor"] = page.next_cursor
    export_query = request.GET.copy()
    export_query.pop("cursor", None)
    context: dict[str, Any] = {
        "page": page,
        "filters": f,
        "queue_label": QUEUE_LABELS[f.queue],
        **saved_view_context(request, user),
        **_sidebar(user),
        "statuses": Status.choices,
        "status_groups": grouped(statuses_all()),
        "priorities": Priority.choices,
        "teams": Team.objects.all(),
        "agents": agents(),
        "organizations": Organization.objects.only("id", "name"),
        "sorts": [
            ("-updated", "Last updated"),
            ("-created", "Newest"),
            ("created", "Oldest"),
            ("priority", "Level"),
            ("due", "SLA due soonest"),
        ],
        "rows": ticket_rows(
            page.items,
            _sla_headlines(page.items),
            f.queue,
            searched=bool(f.q),
            pick=works_tickets(user),
        ),
        "next_url": "?" + next_query.urlencode() if page.next_cursor else None,
        "is_first_page": not request.GET.get("cursor"),
        "export_url": (
            reverse("desk:queue-export") + "?" + export_query.urlencode()
            if user.has_perm("tickets.export_ticket")
            else None
        ),
    }
    if request.htmx and request.htmx.target == "ticket-list":
        return render(request, "desk/_ticket_list.html", context)
    return render(request, "desk/queue.html", context)


def _sla_headlines(tickets: list[Ticket]) -> dict[int, Any]:
    """The one SLA badge each list row shows (one query for the whole page)."""
    views = sla_views([t.pk for t in tickets])
    return {pk: headline(v) for pk, v in views.items()}


# Sidebar counts per agent, kept for a few seconds: every desk page shows them, and an agent
# moving through a queue reloads it many times a minute. An agent's own change drops theirs.
_counts: dict[int, tuple[float, dict[str, int], SidebarViews]] = {}


def forget_counts(user: Any) -> None:
    _counts.pop(getattr(user, "pk", None) or 0, None)


def recount(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """After an agent changes something, their next page counts their queues afresh."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            forget_counts(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _queue_counts(user: User) -> tuple[dict[str, int], SidebarViews]:
    ttl = settings.CAREDESK_SIDEBAR_COUNTS_SECONDS
    now = time.monotonic()
    hit = _counts.get(user.pk)
    if ttl > 0 and hit is not None and now - hit[0] < ttl:
        return hit[1], hit[2]
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    mine = sidebar_views(user)  # saved views and "My clients" count in the same statement
    counts = selectors.queue_counts(user, extra={"unread": unread, **mine.extra})
    if ttl > 0:
        _counts[user.pk] = (now, counts, mine)
    return counts, mine


def _sidebar(user: User) -> dict[str, Any]:
    counts, mine = _queue_counts(user)
    shown = [k for k in QUEUE_LABELS if k != CLIENTS or mine.manages_clients]
    return {
        "queues": [(k, QUEUE_LABELS[k], counts.get(k)) for k in shown],
        "unread": counts["unread"],
        "saved_views": [(v, view_url(v), counts.get(count_key(v))) for v in mine.views],
    }


def _ticket_or_404(user: User, pk: int) -> Ticket:
    try:
        return selectors.ticket_get(user=user, pk=pk)
    except NotFound:
        raise Http404("No such ticket") from None


VIEW_COMPLAINT = "complaints.view_complaint"


def _ticket_context(request: HttpRequest, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    tags = sorted(t.name for t in ticket.tags.all())
    details_visible = selectors.can_view_phi(user)
    grant = None if details_visible else selectors.break_glass_active(user=user, ticket=ticket)
    visible = details_visible or grant is not None
    details = ticket_details(ticket, visible=visible)
    answers = form_answers(ticket, visible=visible)
    birth = requester_birth_date(ticket, visible=visible)
    statuses = [s for s in statuses_all() if s.active or s.pk == ticket.custom_status_id]
    context = {
        **_sidebar(user),
        "ticket": ticket,
        "details": details,
        "answers": answers,
        "requester_birth": birth,
        "phi_hidden": any(d.hidden for d in [*details, *answers, *([birth] if birth else [])]),
        "break_glass": grant,
        "break_glass_form": BreakGlassForm(),
        "break_glass_minutes": settings.CAREDESK_BREAK_GLASS_MINUTES,
        "conversation": list(selectors.messages_for(user=user, ticket=ticket)),
        "history": history_lines(
            list(ticket.events.select_related("actor_user", "actor_contact").order_by("-id")[:20])
        ),
        "handover": latest_handover(ticket),
        "recent": selectors.recent_for_requester(user=user, ticket=ticket),
        "tags": tags,
        "followers": list(ticket.followers.all()),
        "ccs": list(ticket.ccs.all()),
        "cc_form": CcForm(),
        "sla_clocks": sla_views([ticket.pk])[ticket.pk],
        "trackers": list(ticket.tracker_issues.all()),
        "complaint": complaint_for_ticket(ticket.pk) if user.has_perm(VIEW_COMPLAINT) else None,
        "pages": list(oncall_selectors.pages_open_for(ticket)),
        "asset_card": (
            card_for_serial(ticket.device_serial) if user.has_perm("devices.view_asset") else None
        ),
        "ticket_rmas": (
            ticket_rmas(ticket)
            if ticket.device_serial and user.has_perm("devices.view_rma")
            else None
        ),
        "reply_form": ReplyForm(statuses=statuses),
        "safety_form": SafetyForm(),
        **_safety_context(ticket),
        **assisted_context(user, ticket),
        "live_note": live_status(ticket),
        **worklist_context(user, ticket),
        "props_form": PropertiesForm(
            ticket=ticket,
            statuses=statuses,
            initial={
                "status": str(ticket.custom_status_id or ticket.status),
                "priority": ticket.priority,
                "team": ticket.team_id,
                "tier": ticket.tier,
                "assignee": ticket.assignee_id,
                "tags": ", ".join(tags),
            },
        ),
    }
    context.update(extra)
    return context


@agent_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(_user(request), pk)
    if ticket.merged_into_id is not None:
        target = final_ticket(ticket)
        flash.info(request, f"{ticket.ref} was merged into {target.ref}; it continues here.")
        return redirect("desk:ticket", pk=target.pk)
    audit.ticket_viewed(
        request=request, ticket=ticket, from_search=request.GET.get("from") == "search"
    )
    return render(request, "desk/ticket.html", _ticket_context(request, ticket))


@require_POST
@agent_required
def ticket_break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the ticket's health information for a while, for a reason (break the glass)."""
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    form = BreakGlassForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            grant = services.break_glass_open(
                user=user, ticket=ticket, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            status = exc.status
        else:
            flash.warning(
                request,
                f"Health information on {ticket.ref} is shown to you until "
                f"{timezone.localtime(grant.expires_at):%H:%M}. Your reason is recorded and "
                "the compliance officers are told.",
            )
            return redirect("desk:ticket", pk=ticket.pk)
    context = _ticket_context(request, ticket, break_glass_form=form)
    return render(request, "desk/ticket.html", context, status=status)


def _uploads(request: HttpRequest) -> tuple[Upload, ...]:
    return tuple(
        Upload(filename=f.name or "attachment", content_type=f.content_type or "", data=f.read())
        for f in request.FILES.getlist("attachments")
    )


def _safety_context(ticket: Ticket) -> dict[str, Any]:
    """The safety banner: the finding, its codes with their IMDRF terms, the last decision."""
    last = (
        ticket.events.filter(kind__in=SAFETY_EVENT_KINDS)
        .select_related("actor_user", "actor_contact")
        .order_by("-id")
        .first()
    )
    flagged = ticket.safety_flagged_at
    return {
        "safety_codes": [(c, imdrf.term(c)) for c in ticket.safety_codes if imdrf.is_code(c)],
        "safety_last": last,
        "safety_review_by": flagged + timedelta(minutes=SAFETY_REVIEW_MINUTES) if flagged else None,
    }


@require_POST
@agent_required
def ticket_safety(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark, clear or review the ticket's safety, with a reason (the desk's control)."""
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    form = SafetyForm(request.POST)
    status = 422
    if form.is_valid():
        action, _sep, outcome = form.cleaned_data["action"].partition("-")
        try:
            services.safety_decide(
                ticket=ticket,
                action=action,
                outcome=outcome,
                reason=form.cleaned_data["reason"],
                actor=user,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            status = exc.status
        else:
            if not request.htmx:
                flash.success(request, f"Safety decision recorded on {ticket.ref}.")
                return redirect("desk:ticket", pk=ticket.pk)
            ticket = _ticket_or_404(user, pk)
            context = _ticket_context(request, ticket, safety_saved=True)
            return render(request, "desk/_ticket_layout.html", context)
    context = _ticket_context(request, ticket, safety_form=form)
    if request.htmx:  # htmx swaps only successful answers: the errors come back as a 200
        return render(request, "desk/_ticket_layout.html", context)
    return render(request, "desk/ticket.html", context, status=status)


@require_POST
@recount
@agent_required
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    form = ReplyForm(request.POST, request.FILES, statuses=statuses_active())
    if form.is_valid():
        try:
            added = services.message_add(
                ticket=ticket,
                kind=form.cleaned_data["kind"],
                body=Body(text=form.cleaned_data["body"]),
                actor=user,
                uploads=_uploads(request),
                status_after=form.cleaned_data["status_after"] or None,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            if form.cleaned_data["kind"] == "public":
                reply_links_count(form.cleaned_data["body"])  # help articles it links to
            sent = "Reply sent" if form.cleaned_data["kind"] == "public" else "Note added"
            if added.kind != form.cleaned_data["kind"]:  # a reply hold kept it back
                sent = "Reply held for approval by a certified agent"
            flash.success(request, f"{sent} on {ticket.ref}.")
            return redirect("desk:ticket", pk=ticket.pk)
    ticket = _ticket_or_404(user, pk)
    return render(
        request, "desk/ticket.html", _ticket_context(request, ticket, reply_form=form), status=422
    )


@require_POST
@recount
@agent_required
def ticket_properties(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    form = PropertiesForm(request.POST, ticket=ticket, statuses=statuses_all())
    if form.is_valid():
        try:
            services.ticket_update(ticket=ticket, changes=form.changes(), actor=user)
        except DomainError as exc:
            exc.errors = {
                ("status" if k == "custom_status" else k): v for k, v in exc.errors.items()
            }
            form_errors_from(form, exc)
        else:
            flash.success(request, f"{ticket.ref} updated.")
            return redirect("desk:ticket", pk=ticket.pk)
    ticket = _ticket_or_404(user, pk)
    return render(
        request, "desk/ticket.html", _ticket_context(request, ticket, props_form=form), status=422
    )


@require_POST
@recount
@agent_required
def ticket_take(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    try:
        services.ticket_update(ticket=ticket, changes={"assignee": user}, actor=user)
        flash.success(request, f"{ticket.ref} is assigned to you.")
    except DomainError as exc:  # the field's reason says why (a gated category names its skill)
        flash.error(request, " ".join(exc.errors.get("assignee", [])) or exc.detail)
    return redirect("desk:ticket", pk=ticket.pk)


@require_POST
@recount
@agent_required
def ticket_follow(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = _ticket_or_404(user, pk)
    if request.POST.get("follow") == "0":
        services.follower_remove(ticket=ticket, follower=user, actor=user)
        flash.success(request, f"You no longer follow {ticket.ref}.")
    else:
        services.follower_add(ticket=ticket, follower=user, actor=user)
        flash.success(request, f"You follow {ticket.ref}.")
    return redirect("desk:ticket", pk=ticket.pk)


@recount
@guard(works_tickets)
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = NewTicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ticket = services.ticket_open(
                data=NewTicket(
                    requester=d["requester"],
                    subject=d["subject"],
                    body=Body(text=d["body"]),
                    channel=d["channel"],
                    priority=d["priority"],
                    category=d["category"],
                    team=d["team"],
                ),
                actor=user,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, f"{ticket.ref} opened.")
            return redirect("desk:ticket", pk=ticket.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "desk/ticket_new.html", {"form": form, **_sidebar(user)}, status=status)


@agent_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenForm(request.POST or None, allowed=scopes_allowed(user))
    secret = None
    status = 200
    if request.method == "POST":
        revoke = _int(request.POST.get("revoke"))
        if revoke is not None:
            token = ApiToken.objects.filter(pk=revoke, user=user).first()
            if token is not None:
                token_revoke(token=token)
                flash.success(request, f"Token “{token.name}” revoked.")
            return redirect("desk:tokens")
        secret, status = _token_from(form, user)
        if secret is not None:
            form = TokenForm(allowed=scopes_allowed(user))
    return render(
        request,
        "desk/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=user).select_related("organization"),
            "now": clock.now(),
            **_sidebar(user),
        },
        status=status,
    )


def _token_from(form: TokenForm, user: User) -> tuple[str | None, int]:
    """Create the token the form describes: its secret (shown once), or None and 422."""
    if not form.is_valid():
        return None, 422
    d = form.cleaned_data
    try:
        _token, secret = token_create(
            user=user,
            name=d["name"],
            scopes=list(d["scopes"]),
            organization=d["organization"],
            expires_at=clock.now() + timedelta(days=d["expires_in"]),
        )
    except DomainError as exc:
        form_errors_from(form, exc)
        return None, 422
    return secret, 200
