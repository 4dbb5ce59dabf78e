"""Reads: what each person may see, and fast keyset-paged lists."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import NotFound, ValidationFailed
from caredesk.core.pagination import BadCursor, decode_cursor, encode_cursor
from caredesk.tickets.models import Message, MessageKind, Status, Ticket
from caredesk.tickets.pure import pk_from_ref

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
COUNT_CAP = 1000

# sort name -> (column, descending)
SORTS: dict[str, tuple[str, bool]] = {
    "-updated": ("updated_at", True),
    "updated": ("updated_at", False),
    "-created": ("created_at", True),
    "created": ("created_at", False),
    "priority": ("priority", False),
    "due": ("sla_due_at", False),
}
QUEUES = ("mine", "team", "unassigned", "breaching", "open", "all")
BREACHING_WINDOW = timedelta(hours=2)


def visibility_filter(user: User) -> Q | None:
    """Return the filter of tickets `user` may see; None means everything."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_staff:
        if user.is_superuser or user.has_perm("tickets.view_all_tickets"):
            return None
        followed = Ticket.followers.through.objects.filter(
            ticket_id=OuterRef("pk"), user_id=user.pk
        )
        return (
            Q(team__isnull=True)
            | Q(team__in=user.teams.values("pk"))
            | Q(assignee=user)
            | Q(Exists(followed))
        )
    contact = getattr(user, "contact", None)
    if contact is None:
        return Q(pk__in=[])
    if contact.is_org_admin:
        return Q(organization_id=contact.organization_id) | Q(requester=contact)
    return Q(requester=contact)


def tickets_visible(user: User) -> QuerySet[Ticket]:
    qs = Ticket.objects.all()
    f = visibility_filter(user)
    return qs if f is None else qs.filter(f)


def ticket_get(*, user: User, pk: int) -> Ticket:
    """Return a ticket the user may see, or raise NotFound (never reveal others' tickets)."""
    ticket = (
        tickets_visible(user)
        .select_related(
            "requester", "organization__account_manager", "team", "assignee", "category"
        )
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise NotFound("No such ticket.")
    return ticket


def ticket_get_by_ref(*, user: User, ref: str) -> Ticket:
    pk = pk_from_ref(ref)
    if pk is None:
        raise NotFound("No such ticket.")
    return ticket_get(user=user, pk=pk)


def messages_for(*, user: User, ticket: Ticket) -> QuerySet[Message]:
    """Return the conversation: agents see notes too; requesters only public replies."""
    qs = ticket.messages.select_related("author_user", "author_contact").prefetch_related(
        "attachments"
    )
    if not user.is_staff:
        qs = qs.filter(kind=MessageKind.PUBLIC)
    return qs.order_by("created_at", "id")


@dataclass(frozen=True)
class TicketFilters:
    queue: str = "open"
    status: str | None = None
    priority: int | None = None
    team: int | None = None
    assignee: int | None = None
    organization: int | None = None
    requester: int | None = None
    q: str = ""
    sort: str = "-updated"


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    next_cursor: str | None
    has_more: bool


def _queue_filter(user: User, queue: str) -> Q:
    if queue == "mine":
        return Q(assignee=user, is_open=True)
    if queue == "team":
        return Q(team__in=user.teams.values("pk"), is_open=True)
    if queue == "unassigned":
        return Q(assignee__isnull=True, is_open=True)
    if queue == "breaching":
        return Q(is_open=True, sla_due_at__lte=clock.now() + BREACHING_WINDOW)
    if queue == "open":
        return Q(is_open=True)
    return Q()


def _search_filter(text: str) -> Q:
    text = text.strip()
    pk = pk_from_ref(text)
    if pk is not None:
        return Q(pk=pk)
    return (
        Q(subject__icontains=text)
        | Q(requester__name__icontains=text)
        | Q(requester__email__icontains=text)
    )


def ticket_filter(user: User, f: TicketFilters) -> QuerySet[Ticket]:
    """Return the visible tickets matching the filters (unordered, unpaged)."""
    errors: dict[str, list[str]] = {}
    if f.queue not in QUEUES:
        errors["queue"] = [f"Choose one of: {', '.join(QUEUES)}."]
    if f.sort not in SORTS:
        errors["sort"] = [f"Choose one of: {', '.join(SORTS)}."]
    if f.status is not None and f.status not in Status.values:
        errors["status"] = [f"Choose one of: {', '.join(Status.values)}."]
    if errors:
        raise ValidationFailed("The ticket filters are not valid.", errors=errors)
    qs = tickets_visible(user).filter(_queue_filter(user, f.queue))
    exact: dict[str, Any] = {
        "status": f.status,
        "priority": f.priority,
        "team_id": f.team,
        "assignee_id": f.assignee,
        "organization_id": f.organization,
        "requester_id": f.requester,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if f.q.strip():
        qs = qs.filter(_search_filter(f.q))
    return qs


def _after(column: str, desc: bool, value: Any, pk: int) -> Q:
    op = "lt" if desc else "gt"
    return Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk})


def _cursor_value(column: str, raw: str | int | None) -> Any:
    if column.endswith("_at"):
        try:
            parsed = parse_datetime(raw) if isinstance(raw, str) else None
        except ValueError:  # well formed but impossible, e.g. month 13
            parsed = None
        if parsed is None or parsed.tzinfo is None:  # our cursors always carry the offset
            raise BadCursor("cursor is not valid")
        return parsed
    if not isinstance(raw, int):
        raise BadCursor("cursor is not valid")
    return raw


def ticket_page(
    *, user: User, filters: TicketFilters, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page:
    """Return one keyset page: constant queries, no COUNT, indexed order."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            "The page size is not valid.", errors={"limit": [f"Use 1 to {MAX_PAGE_SIZE}."]}
        )
    qs = ticket_filter(user, filters)
    if filters.queue == "breaching":
        filters = replace(filters, sort="due")  # the most urgent first, always
    column, desc = SORTS[filters.sort]
    if column == "sla_due_at":
        qs = qs.filter(sla_due_at__isnull=False)  # tickets without a clock have no due instant
    if cursor:
        try:
            raw, pk = decode_cursor(cursor)
            qs = qs.filter(_after(column, desc, _cursor_value(column, raw), pk))
        except BadCursor:
            raise ValidationFailed(
                "The cursor is not valid.", errors={"cursor": ["Start again from the first page."]}
            ) from None
    order = [f"-{column}", "-pk"] if desc else [column, "pk"]
    rows = list(
        qs.select_related("requester", "organization", "team", "assignee", "category").order_by(
            *order
        )[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        value = getattr(last, column)
        next_cursor = encode_cursor(value, last.pk)
    return Page(items=rows, next_cursor=next_cursor, has_more=has_more)


def recent_for_requester(*, user: User, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    return list(
        tickets_visible(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-pk")[:limit]
    )


def queue_counts(user: User) -> dict[str, int]:
    """Live counts for the queue sidebar (one query per queue, each on an index)."""
    base = tickets_visible(user)
    # Capped so a huge backlog never turns the sidebar into a full scan; shown as "999+".
    return {
        q: base.filter(_queue_filter(user, q))[:COUNT_CAP].count()
        for q in ("mine", "team", "unassigned", "breaching", "open")
    }
