"""Reads of RMAs: the desk's list and page, the portal's (the requester's organization only),
what a ticket page says about RMAs and repeat failures, and the clocks of a page of RMAs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from caredesk.core import clock
from caredesk.devices.models import Rma, RmaStatus
from caredesk.devices.pure import RMA_OPEN
from caredesk.sla.models import SubjectClock
from caredesk.sla.subjects import SubjectClockView, subject_clocks
from caredesk.tickets.models import Ticket

REPEAT_DAYS = 30


def rmas() -> QuerySet[Rma]:
    return Rma.objects.select_related(
        "asset__product_model", "organization", "ticket", "technician"
    )


def subject_of(rma: Rma) -> str:
    return f"rma:{rma.pk}"


@dataclass(frozen=True)
class RmaFilters:
    status: str = ""  # a status, "open" or ""
    overdue: bool = False
    q: str = ""  # an RMA number or a serial


def _overdue_q(now: datetime) -> Q:
    late = SubjectClock.objects.filter(
        subject=_subject_expr(), stopped_at__isnull=True, due_at__lt=now
    )
    breached = SubjectClock.objects.filter(subject=_subject_expr(), breached_at__isnull=False)
    return Q(Exists(late)) | Q(Exists(breached.filter(stopped_at__isnull=True)))


def _subject_expr() -> Any:
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    return Concat(Value("rma:"), Cast(OuterRef("pk"), CharField()), output_field=CharField())


def rma_list(filters: RmaFilters, now: datetime | None = None) -> QuerySet[Rma]:
    qs = rmas()
    if filters.status == "open":
        qs = qs.filter(status__in=RMA_OPEN)
    elif filters.status in RmaStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(_overdue_q(now or clock.now()))
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(asset__serial=q))
    return qs.order_by("-created_at", "-id")


def rma_get(pk: int) -> Rma | None:
    return rmas().filter(pk=pk).first()


def events_of(rma: Rma) -> list[Any]:
    return list(rma.events.select_related("actor").order_by("created_at", "id"))


def clocks_of(items: list[Rma], now: datetime | None = None) -> dict[int, list[SubjectClockView]]:
    """Each RMA's clocks (one query for the page)."""
    found = subject_clocks([subject_of(r) for r in items], now)
    return {r.pk: found.get(subject_of(r), []) for r in items}


# -- the portal: the requester's organization (their own RMAs when they have none) -----------


def portal_rmas(contact: Any, *, whole_organization: bool) -> QuerySet[Rma]:
    """The RMAs a requester follows: their organization's (its clinicians and administrators,
    `whole_organization`), else those opened from their own requests; never another
    organization's."""
    qs = rmas()
    if contact is None:
        return qs.none()
    if whole_organization and contact.organization_id:
        return qs.filter(organization_id=contact.organization_id)
    own = qs.filter(ticket__requester=contact)
    if contact.organization_id:
        own = own.filter(organization_id=contact.organization_id)
    return own


# -- the ticket page --------------------------------------------------------------------------


def rmas_of_ticket(ticket: Ticket) -> list[Rma]:
    return list(rmas().filter(ticket=ticket).order_by("-created_at", "-id")[:10])


def repeat_failure(ticket: Any) -> bool:
    """Whether another ticket named the same serial within 30 days before this one."""
    serial = (getattr(ticket, "device_serial", "") or "").strip()
    if not serial:
        return False
    at = getattr(ticket, "created_at", None) or clock.now()
    earlier = Ticket.objects.filter(
        device_serial=serial, created_at__gte=at - timedelta(days=REPEAT_DAYS), created_at__lte=at
    )
    if getattr(ticket, "pk", None):
        earlier = earlier.exclude(pk=ticket.pk)
    return earlier.exists()


@dataclass(frozen=True)
class TicketRmas:
    """What the ticket page says about returns: its RMAs, and whether a repeat failure
    suggests one."""

    rmas: list[Rma]
    repeat_failure: bool

    @property
    def open(self) -> Rma | None:
        return next((r for r in self.rmas if r.status in RMA_OPEN), None)

    @property
    def suggest(self) -> bool:
        return self.repeat_failure and self.open is None


def ticket_rmas(ticket: Ticket) -> TicketRmas:
    """Two queries whatever the history of the unit."""
    return TicketRmas(rmas=rmas_of_ticket(ticket), repeat_failure=repeat_failure(ticket))


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime | None
    current: bool


PORTAL_STEPS = (
    ("issued", "created_at", "Return issued"),
    ("received", "received_at", "Device received"),
    ("diagnosed", "diagnosed_at", "Diagnosed"),
    ("repaired", "repaired_at", "Repaired or replaced"),
    ("validated", "validated_at", "Checked on the bench"),
    ("shipped", "shipped_at", "Shipped back"),
    ("closed", "closed_at", "Closed"),
)


def portal_steps(rma: Rma) -> list[Step]:
    """The steps a customer sees, with the date each was reached."""
    if rma.status == RmaStatus.CANCELLED:
        return [
            Step("Return issued", rma.created_at, False),
            Step("Cancelled", rma.closed_at, True),
        ]
    current = "repaired" if rma.status == RmaStatus.REPLACED else rma.status
    return [
        Step(label, getattr(rma, column), status == current)
        for status, column, label in PORTAL_STEPS
    ]
