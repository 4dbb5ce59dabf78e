"""Customer portal: plain words, one column, only the requester's own tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caredesk.accounts.models import Contact, ContactKind, User
from caredesk.compliance import access as audit
from caredesk.core.access import form_errors_from, requester_required
from caredesk.core.errors import DomainError, NotFound, ValidationFailed
from caredesk.core.phi import Unreadable, is_phi_json
from caredesk.devices import rma_selectors
from caredesk.devices import selectors as device_selectors
from caredesk.devices.plan_selectors import contracts_of_organization
from caredesk.intake.acknowledge import acknowledge
from caredesk.knowledge import selectors as kb_selectors
from caredesk.portal.forms import PortalReplyForm, RequestForm
from caredesk.sla import selectors as sla_selectors
from caredesk.sla.requester import promise_lines, requester_dues
from caredesk.tickets import selectors, services
from caredesk.tickets.forms import CcForm
from caredesk.tickets.models import Channel, FieldKind, Mailbox, RequestType, Ticket
from caredesk.tickets.pure import Level, masked
from caredesk.tickets.services import Body, NewTicket, Upload
from caredesk.tickets.services.ccs import cc_remove_by_id
from caredesk.tickets.services.mailboxes import mailbox_of_brand
from caredesk.tickets.services.merge import final_ticket


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _contact(request: HttpRequest) -> Contact:
    contact: Contact = _user(request).contact
    return contact


@requester_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = selectors.TicketFilters(queue="all", sort="-updated")
    try:
        page = selectors.ticket_page(user=user, filters=filters, cursor=request.GET.get("cursor"))
    except ValidationFailed:
        page = selectors.ticket_page(user=user, filters=filters)
    _tell(page.items)
    contact = _contact(request)
    articles = kb_selectors.for_requester(contact.kind)
    return render(
        request, "portal/home.html", {"page": page, "contact": contact, "articles": articles}
    )


def _sees_devices(contact: Contact) -> bool:
    """An organization's clinicians and administrators see its devices; patients do not."""
    return contact.organization_id is not None and contact.kind in (
        ContactKind.CLINICIAN,
        ContactKind.CLIENT_ADMIN,
    )


@requester_required
def devices(request: HttpRequest) -> HttpResponse:
    """The organization's devices with their warranty, read-only (never the patient)."""
    contact = _contact(request)
    if not _sees_devices(contact) or contact.organization_id is None:
        raise PermissionDenied
    on = device_selectors.today()
    rows = device_selectors.assets().filter(organization_id=contact.organization_id)
    units = list(rows.order_by("serial")[:500])
    items = list(zip(units, device_selectors.entitlements_of(units, on), strict=True))
    # the organization's administrators also see its service contracts and what they cost
    contracts = contracts_of_organization(contact.organization_id) if contact.is_org_admin else []
    return render(
        request,
        "portal/devices.html",
        {"items": items, "contact": contact, "contracts": contracts},
    )


def _brand_link(request: HttpRequest) -> Mailbox | None:
    """The mailbox of the brand a portal link names (`?brand=`), if it has an active one."""
    return mailbox_of_brand(request.GET.get("brand", ""))


@requester_required
def rma_list(request: HttpRequest) -> HttpResponse:
    """The repairs the requester follows (their organization's, or their own requests')."""
    contact = _contact(request)
    rows = rma_selectors.portal_rmas(contact, whole_organization=_sees_devices(contact))
    items = list(rows.order_by("-created_at", "-id")[:200])
    return render(request, "portal/rmas.html", {"items": items, "contact": contact})


@requester_required
def rma_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request)
    rows = rma_selectors.portal_rmas(contact, whole_organization=_sees_devices(contact))
    rma = rows.filter(pk=pk).first()
    if rma is None:
        raise Http404("No such return")
    steps = rma_selectors.portal_steps(rma)
    return render(request, "portal/rma.html", {"rma": rma, "steps": steps, "contact": contact})


@requester_required
def choose_type(request: HttpRequest) -> HttpResponse:
    types = RequestType.objects.filter(active=True, portal_visible=True)
    return render(
        request, "portal/choose_type.html", {"types": types, "brand": _brand_link(request)}
    )


def _uploads(request: HttpRequest, names: list[str]) -> tuple[Upload, ...]:
    out = []
    for name in names:
        for f in request.FILES.getlist(name):
            out.append(
                Upload(
                    filename=f.name or "attachment",
                    content_type=f.content_type or "",
                    data=f.read(),
                )
            )
    return tuple(out)


@requester_required
def new_request(request: HttpRequest, slug: str) -> HttpResponse:
    rtype = get_object_or_404(RequestType, slug=slug, active=True, portal_visible=True)
    brand = _brand_link(request)
    form = RequestForm(request.POST or None, request.FILES or None, request_type=rtype)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        answers: dict[str, Any] = {}
        structured: dict[str, str] = {}
        file_fields = ["attachments"]
        for rf in form.custom:
            if rf.kind == FieldKind.FILE:
                file_fields.append(f"f_{rf.key}")
                continue
            value: Any = d.get(f"f_{rf.key}")
            text = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
            answers[rf.label] = text
            if rf.maps_to and text:
                structured[rf.maps_to] = text
        try:
            ticket = _open_with_receipt(
                NewTicket(
                    requester=_contact(request),
                    subject=d["subject"],
                    body=Body(text=d["body"]),
                    priority=d["priority"],
                    category=rtype,
                    structured=structured,
                    form_data=answers,
                    uploads=_uploads(request, file_fields),
                    received_via=brand,
                ),
                _user(request),
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, f"Thank you. Your request {ticket.ref} has been received.")
            return redirect("portal:ticket", pk=ticket.pk)
    promised = sla_selectors.promises(
        organization=_contact(request).organization,
        channel=Channel.PORTAL,
        category=rtype,
    )
    levels = [(Level(v), _promise_text(promised[v])) for v in (1, 2, 3, 4)]
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "portal/new_request.html",
        {"form": form, "rtype": rtype, "levels": levels, "brand": brand},
        status=status,
    )


@transaction.atomic
def _open_with_receipt(data: NewTicket, actor: User) -> Ticket:
    """Open the request and queue its receipt (the answers as sent, with the due times)."""
    (opened,) = services.tickets_open(items=[data], actor=actor)
    acknowledge(opened, data.body.text, receipt=True)
    return opened.ticket


def _span(delta: timedelta, around_the_clock: bool) -> str:
    """'1 hour', '30 minutes', or in business time '4 business hours'."""
    kind = "" if around_the_clock else "business "
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} {kind}minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    return f"{hours} {kind}hour{'s' if hours != 1 else ''}"


def _promise_text(p: sla_selectors.Promise) -> str:
    """What the requester's own service-level policy promises for a level, in words."""
    if p.first_response is None:
        return "We reply as soon as we can."
    text = f"We reply within {_span(p.first_response, p.around_the_clock)}"
    if p.around_the_clock:
        text += ", day or night"
    if p.resolution is not None:
        text += f", and aim to resolve within {_span(p.resolution, p.resolution_around_the_clock)}"
    return text + "."


def _tell(tickets: list[Ticket]) -> None:
    """Attach what each ticket's own clocks promise, in words (one query for the page)."""
    dues = requester_dues([t.pk for t in tickets])
    for t in tickets:
        t.promised = promise_lines(dues[t.pk])  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    hidden: bool = False


def _answers(ticket: Ticket, *, own: bool) -> list[Answer]:
    """The form answers as sent; health information is masked for anyone but the requester."""
    out = []
    for label, value in (ticket.form_data or {}).items():
        if isinstance(value, Unreadable):
            out.append(Answer(str(label), "could not be read", hidden=True))
        elif is_phi_json(value) and not own:
            out.append(Answer(str(label), masked(str(value)), hidden=True))
        elif value not in (None, ""):
            out.append(Answer(str(label), str(value)))
    return out


def _ticket_or_404(request: HttpRequest, pk: int) -> Ticket:
    try:
        return selectors.ticket_get(user=_user(request), pk=pk)
    except NotFound:
        raise Http404("No such request") from None


@requester_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    if ticket.merged_into_id is not None:
        target = final_ticket(ticket)
        if selectors.tickets_visible(_user(request)).filter(pk=target.pk).exists():
            flash.info(request, f"{ticket.ref} was joined with {target.ref}: it continues here.")
            return redirect("portal:ticket", pk=target.pk)
    own = ticket.requester_id == _contact(request).pk
    if not own:
        # an organization's administrator reading a colleague's request
        audit.ticket_viewed(request=request, ticket=ticket)
    form = PortalReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_add(
                ticket=ticket,
                kind="public",
                body=Body(text=form.cleaned_data["body"]),
                actor=_user(request),
                uploads=_uploads(request, ["attachments"]),
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, "Your reply has been sent.")
            return redirect("portal:ticket", pk=ticket.pk)
    conversation = selectors.messages_for(user=_user(request), ticket=ticket)
    status = 422 if request.method == "POST" else 200
    _tell([ticket])
    context = {
        "ticket": ticket,
        "conversation": conversation,
        "form": form,
        "answers": _answers(ticket, own=own),
        "own": own,
        "ccs": list(ticket.ccs.all()) if own else [],
        "cc_form": CcForm(),
        "brand": ticket.received_via,
        "rmas": rma_selectors.rmas_of_ticket(ticket),
    }
    return render(request, "portal/ticket.html", context, status=status)


def _own_open_ticket(request: HttpRequest, pk: int) -> Ticket:
    ticket = _ticket_or_404(request, pk)
    if ticket.requester_id != _contact(request).pk:
        raise Http404("No such request")
    return ticket


@require_POST
@requester_required
def ticket_cc_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester puts someone in copy of the replies to their request."""
    ticket = _own_open_ticket(request, pk)
    form = CcForm(request.POST)
    cc = form.add_to(ticket, _user(request))
    if cc is not None:
        flash.success(request, f"{cc.email} will get our replies to this request.")
        return redirect("portal:ticket", pk=ticket.pk)
    context = {
        "ticket": ticket,
        "conversation": selectors.messages_for(user=_user(request), ticket=ticket),
        "form": PortalReplyForm(),
        "answers": _answers(ticket, own=True),
        "own": True,
        "ccs": list(ticket.ccs.all()),
        "cc_form": form,
        "brand": ticket.received_via,
    }
    return render(request, "portal/ticket.html", context, status=422)


@require_POST
@requester_required
def ticket_cc_remove(request: HttpRequest, pk: int, cc_id: int) -> HttpResponse:
    ticket = _own_open_ticket(request, pk)
    email = cc_remove_by_id(ticket=ticket, cc_id=cc_id, actor=_user(request))
    if email:
        flash.success(request, f"{email} no longer gets our replies to this request.")
    return redirect("portal:ticket", pk=ticket.pk)
