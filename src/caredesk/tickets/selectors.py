"""Reads: what each person may see, and fast keyset-paged lists."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_datetime

from caredesk.accounts.capabilities import (
    TICKETS_ALL,
    assignable_users,
    holding,
    reads_internal_notes,
    sees_all_tickets,
    works_tickets,
)
from caredesk.accounts.models import Organization, User
from caredesk.accounts.scopes import organization_limit
from caredesk.core import clock
from caredesk.core.errors import NotFound, ValidationFailed
from caredesk.core.pagination import BadCursor, decode_cursor, encode_cursor
from caredesk.core.phi import indexes_of
from caredesk.tickets import search
from caredesk.tickets.models import (
    PHI_FIELDS,
    BreakGlassGrant,
    Message,
    MessageKind,
    Status,
    Ticket,
    TicketCC,
)
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
QUEUES = ("mine", "team", "unassigned", "breaching", "open", "all", "clients")
# Queues whose tickets everyone who has the queue may see (mine: assigned to me; team: my
# teams), so their lists and counts need no visibility filter.
SELF_VISIBLE_QUEUES = ("mine", "team")
BREACHING_WINDOW = timedelta(hours=2)


def _team_ids(user: User) -> list[int]:
    """The user's team ids, read once per request (kept on the user object)."""
    cached: list[int] | None = getattr(user, "_caredesk_team_ids", None)
    if cached is None:
        cached = list(user.teams.values_list("pk", flat=True))
        user._caredesk_team_ids = cached  # type: ignore[attr-defined]
    return cached


def visibility_branches(user: User) -> list[Q] | None:
    """The tickets `user` may see, as simple filters to OR (or to UNION); None: everything.

    Each branch is answered by one ordered index, which an OR of them is not: a list for an
    agent who sees few tickets would otherwise walk the whole open set.
    """
    if not user.is_authenticated or not user.is_active:
        return [Q(pk__in=[])]
    if works_tickets(user):
        if sees_all_tickets(user):
            return None
        teams = [Q(team_id=pk) for pk in _team_ids(user)]
        return [Q(team__isnull=True), *teams, Q(assignee=user), Q(followers=user)]
    contact = getattr(user, "contact", None)
    if contact is None:
        return [Q(pk__in=[])]
    # a requester also sees (the public replies of) the tickets they are in copy of; tasks are
    # internal work, never shown to the requester side
    in_copy = Q(
        pk__in=TicketCC.objects.filter(contact=contact).values("ticket_id"), parent__isnull=True
    )
    if contact.is_org_admin:
        return [
            Q(organization_id=contact.organization_id, parent__isnull=True),
            Q(requester=contact, parent__isnull=True),
            in_copy,
        ]
    return [Q(requester=contact, parent__isnull=True), in_copy]


def visibility_filter(user: User) -> Q | None:
    """The filter of tickets `user` may see, as one condition; None means everything."""
    if works_tickets(user):
        if sees_all_tickets(user):
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
    combined = Q()
    for branch in visibility_branches(user) or []:
        combined |= branch
    return combined


def token_limited(qs: QuerySet[Ticket], user: User) -> QuerySet[Ticket]:
    """Only the organization's tickets for a token limited to one (lists and reads alike)."""
    organization_id = organization_limit(user)
    return qs if organization_id is None else qs.filter(organization_id=organization_id)


def tickets_visible(user: User) -> QuerySet[Ticket]:
    qs = token_limited(Ticket.objects.all(), user)
    f = visibility_filter(user)
    return qs if f is None else qs.filter(f)


def ticket_get(*, user: User, pk: int) -> Ticket:
    """Return a ticket the user may see, or raise NotFound (never reveal others' tickets)."""
    ticket = (
        tickets_visible(user)
        .select_related(
            "requester",
            "organization__account_manager",
            "team",
            "assignee",
            "category",
            "received_via",
            "custom_status",
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
    """Return the conversation: the people working tickets see notes too; everyone else only
    public replies."""
    qs = ticket.messages.select_related("author_user", "author_contact").prefetch_related(
        "attachments"
    )
    if not reads_internal_notes(user):
        qs = qs.filter(kind=MessageKind.PUBLIC)
    return qs.order_by("created_at", "id")


def can_view_phi(user: User) -> bool:
    """Whether `user` sees health information unmasked: people given tickets.view_phi by a role
    or directly. Being a superuser is not enough (administrators configure, they do not read)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not user.is_superuser:
        return user.has_perm("tickets.view_phi")  # read with the user's other permissions
    cached: bool | None = getattr(user, "_caredesk_view_phi", None)
    if cached is None:
        from django.contrib.auth.models import Permission

        cached = (
            Permission.objects.filter(content_type__app_label="tickets", codename="view_phi")
            .filter(Q(user=user) | Q(group__user=user))
            .exists()
        )
        user._caredesk_view_phi = cached  # type: ignore[attr-defined]
    return cached


def phi_shown_ids(user: User, ticket_ids: list[int], *, just_opened: bool = False) -> set[int]:
    """Which of these tickets `user` sees unmasked: all with access to PHI (and requesters,
    whose own information it is), else those with an unexpired break-the-glass grant.

    `just_opened`: the tickets were opened by this request, so no grant can name them yet
    (the answer to a create skips that read)."""
    requester = not works_tickets(user) and getattr(user, "contact", None) is not None
    if requester or can_view_phi(user):
        return set(ticket_ids)
    if just_opened:
        return set()
    return set(
        BreakGlassGrant.objects.filter(
            user=user, ticket_id__in=ticket_ids, expires_at__gt=clock.now()
        ).values_list("ticket_id", flat=True)
    )


def phi_shown(user: User, ticket: Ticket) -> bool:
    return ticket.pk in phi_shown_ids(user, [ticket.pk])


def break_glass_active(*, user: User, ticket: Ticket) -> BreakGlassGrant | None:
    """The user's unexpired grant on this ticket, if any (the latest)."""
    return (
        BreakGlassGrant.objects.filter(user=user, ticket=ticket, expires_at__gt=clock.now())
        .order_by("-expires_at")
        .first()
    )


def compliance_officers() -> QuerySet[User]:
    """The active people told about every break the glass (tickets.view_breakglassgrant, given
    by the Compliance officer role or directly)."""
    match = Q(
        groups__permissions__codename="view_breakglassgrant",
        groups__permissions__content_type__app_label="tickets",
    ) | Q(
        user_permissions__codename="view_breakglassgrant",
        user_permissions__content_type__app_label="tickets",
    )
    return User.objects.filter(match, is_active=True).distinct().order_by("pk")


def phi_match(field: str, value: str) -> Q:
    """Tickets whose PHI `field` is exactly `value` (spaces and case aside), by blind index."""
    if field not in PHI_FIELDS:
        raise ValueError(f"{field} is not a PHI field")
    digests = indexes_of(Ticket, field, value)
    if not digests:
        return Q(pk__in=[])
    if len(digests) == 1:
        return Q(**{f"{field}_index": digests[0]})
    return Q(**{f"{field}_index__in": digests})


def ticket_ids_for_patient(value: str) -> list[int]:
    """The ids of every ticket about this patient ID (exact match through the blind index, any
    visibility: for the compliance audit, which decides who may ask), oldest first."""
    return list(
        Ticket.objects.filter(phi_match("patient_id", value))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class TicketFilters:
    queue: str = "open"
    status: str | None = None
    custom_status: int | None = None
    priority: int | None = None
    team: int | None = None
    assignee: int | None = None
    organization: int | None = None
    requester: int | None = None
    q: str = ""
    sort: str = "-updated"
    patient_id: str | None = None
    clinician_id: str | None = None
    encounter_id: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    next_cursor: str | None
    has_more: bool
    among: int | None = None  # a broad search: drawn from only this many most recent matches


def _queue_filter(user: User, queue: str) -> Q:
    if queue == "mine":
        return Q(assignee=user, is_open=True)
    if queue == "team":
        return Q(team__in=user.teams.values("pk"), is_open=True)
    if queue == "unassigned":
        return Q(assignee__isnull=True, is_open=True)
    if queue == "breaching":
        return Q(is_open=True, sla_due_at__lte=clock.now() + BREACHING_WINDOW)
    if queue == "clients":  # an account manager's organizations (organization index)
        managed = Organization.objects.filter(account_manager=user).values("pk")
        return Q(organization__in=managed, is_open=True)
    return Q(is_open=True) if queue == "open" else Q()


def _search_filter(user: User, text: str, *, phi: bool, every: bool) -> tuple[Q, int | None]:
    """Every word in the subject, requester, messages, form answers or tags (as the user may
    read them: the full-text index); with access to PHI, also a patient, clinician or
    encounter ID typed in full. For a broad query, only the most recent matches unless
    `every`: how many, or None."""
    text = text.strip()
    pk = pk_from_ref(text)
    if pk is not None:
        return Q(pk=pk), None
    found, among = search.text_match_among(user, text, every=every)
    if phi:
        for field in PHI_FIELDS:
            found |= phi_match(field, text)
    return found, among


def _matching(
    user: User, f: TicketFilters, base: QuerySet[Ticket] | None = None, *, every: bool = False
) -> tuple[QuerySet[Ticket], int | None]:
    """The tickets matching the filters, before visibility (or within `base`); and, for a
    broad search (unless `every`), how many of its most recent matches they are drawn from."""
    errors: dict[str, list[str]] = {}
    if f.queue not in QUEUES:
        errors["queue"] = [f"Choose one of: {', '.join(QUEUES)}."]
    if f.sort not in SORTS:
        errors["sort"] = [f"Choose one of: {', '.join(SORTS)}."]
    if f.status is not None and f.status not in Status.values:
        errors["status"] = [f"Choose one of: {', '.join(Status.values)}."]
    phi = can_view_phi(user)
    for field in PHI_FIELDS:
        if getattr(f, field) is not None and not phi:
            errors[field] = ["Searching by health information needs access to PHI."]
    if errors:
        raise ValidationFailed("The ticket filters are not valid.", errors=errors)
    start = Ticket.objects.all() if base is None else base
    qs = token_limited(start.filter(_queue_filter(user, f.queue)), user)
    for field in PHI_FIELDS:
        if getattr(f, field) is not None:
            qs = qs.filter(phi_match(field, getattr(f, field)))
    exact: dict[str, Any] = {
        "status": f.status,
        "custom_status_id": f.custom_status,
        "priority": f.priority,
        "team_id": f.team,
        "assignee_id": f.assignee,
        "organization_id": f.organization,
        "requester_id": f.requester,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    among = None
    if f.q.strip():
        found, among = _search_filter(user, f.q, phi=phi, every=every)
        qs = qs.filter(found)
    return qs, among


def _after(column: str, desc: bool, value: Any, pk: int) -> Any:
    """Rows after the cursor as one row comparison, `(updated_at, id) < (v, pk)`: an index
    condition, so every page costs the same however deep (SQLite spells it out)."""
    lookup = TupleLessThan if desc else TupleGreaterThan
    return lookup((F(column), F("pk")), (value, pk))


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


def _ordered(
    user: User, filters: TicketFilters, cursor: str | None, *, every: bool = False
) -> tuple[QuerySet[Ticket], str, bool, int | None]:
    """The matching tickets after the cursor, the sort column and direction, and for a broad
    search how many of its most recent matches they come from (see `_matching`)."""
    qs, among = _matching(user, filters, every=every)
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
    return qs, column, desc, among


def _union_ids(branches: list[QuerySet[Ticket]], column: str, desc: bool, limit: int) -> list[int]:
    """The first `limit` ids over a UNION of branches, each ordered and limited on its own
    index; the few candidates are merged here, by the sort key."""
    order = [f"-{column}", "-pk"] if desc else [column, "pk"]
    parts = [b.order_by(*order).values_list("pk", column)[:limit] for b in branches]
    keyed = list(parts[0].union(*parts[1:]))
    keyed.sort(key=lambda row: (row[1], row[0]), reverse=desc)
    return [pk for pk, _value in keyed[:limit]]


LIST_RELATED = (
    "requester",
    "organization",
    "team",
    "assignee",
    "category",
    "custom_status",
    "received_via",
)


def ticket_page(
    *, user: User, filters: TicketFilters, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page:
    """Return one keyset page: constant queries, no COUNT, indexed order."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            "The page size is not valid.", errors={"limit": [f"Use 1 to {MAX_PAGE_SIZE}."]}
        )
    qs, column, desc, among = _ordered(user, filters, cursor)
    self_visible = works_tickets(user) and filters.queue in SELF_VISIBLE_QUEUES
    # a search is answered from the matching ids, not by walking each branch's list index
    searched = bool(filters.q.strip())
    branches = None if self_visible or searched else _union_branches(user)
    if branches:
        # One index-ordered, limited query per branch; then fetch just the winners.
        ids = _union_ids([qs.filter(b) for b in branches], column, desc, limit + 1)
        found = Ticket.objects.select_related(*LIST_RELATED).in_bulk(ids)
        rows = [found[pk] for pk in ids if pk in found]
    else:
        rows = _listed(user, filters, qs, column=column, desc=desc, limit=limit + 1)
    return replace(_page(rows, column, limit), among=among)


def _listed(
    user: User, filters: TicketFilters, qs: QuerySet[Ticket], *, column: str, desc: bool, limit: int
) -> list[Ticket]:
    """Up to `limit` matching tickets the user may see, in the list's order, in one query."""
    if not (works_tickets(user) and filters.queue in SELF_VISIBLE_QUEUES):
        visible = visibility_filter(user)
        qs = qs if visible is None else qs.filter(visible)
    order: list[Any] = [f"-{column}", "-pk"] if desc else [column, "pk"]
    if filters.q.strip():
        # searched: the matches are found by id and sorted, never by walking the list's
        # index past every ticket that does not match (the sort key is then no index's)
        key = Coalesce(F(column), F(column))
        order = [key.desc(), F("pk").desc()] if desc else [key.asc(), F("pk").asc()]
        if limit <= MAX_PAGE_SIZE + 1:
            # a page of a search: its ids first, from the tickets alone, then their rows;
            # joining every match to the list's related rows before sorting cost more
            ids = list(qs.order_by(*order).values_list("pk", flat=True)[:limit])
            found = Ticket.objects.select_related(*LIST_RELATED).in_bulk(ids)
            return [found[pk] for pk in ids if pk in found]
    return list(qs.select_related(*LIST_RELATED).order_by(*order)[:limit])


def ticket_export(*, user: User, filters: TicketFilters, limit: int) -> list[Ticket]:
    """Every ticket the queue would list, in its order, up to `limit + 1` (so the caller can
    tell there are more): one query, whatever the number."""
    qs, column, desc, _among = _ordered(user, filters, None, every=True)
    return _listed(user, filters, qs, column=column, desc=desc, limit=limit + 1)


def _page(rows: list[Ticket], column: str, limit: int) -> Page:
    """A page from up to `limit + 1` rows (the extra one says whether there is more)."""
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, column), last.pk)
    return Page(items=rows, next_cursor=next_cursor, has_more=has_more)


def _union_branches(user: User) -> list[Q] | None:
    """The visibility branches to UNION, where that pays: several branches, on a database
    that runs ordered, limited UNION branches (PostgreSQL); else None (one OR filter)."""
    if not connection.features.supports_slicing_ordering_in_compound:
        return None
    branches = visibility_branches(user)
    return branches if branches is not None and len(branches) > 1 else None


def recent_for_requester(*, user: User, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    return list(
        tickets_visible(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .select_related("custom_status")
        .order_by("-updated_at", "-pk")[:limit]
    )


SIDEBAR_QUEUES = ("mine", "team", "unassigned", "breaching", "open")


def queue_counts(user: User, extra: dict[str, QuerySet[Any]] | None = None) -> dict[str, int]:
    """Live counts for the queue sidebar: one query, each count on an index and capped so a
    huge backlog never turns the sidebar into a scan (shown as "999+"). `extra` counts ride
    along in the same statement (the unread notifications in the top bar)."""
    branches = _union_branches(user)
    visible = visibility_filter(user) if not branches else None
    counted: list[QuerySet[Any]] = []
    for q in SIDEBAR_QUEUES:
        qs = Ticket.objects.filter(_queue_filter(user, q))
        if works_tickets(user) and q in SELF_VISIBLE_QUEUES:
            counted.append(qs.values("pk")[:COUNT_CAP])
        elif branches:
            parts = [qs.filter(b).values("pk")[:COUNT_CAP] for b in branches]
            counted.append(parts[0].union(*parts[1:])[:COUNT_CAP])
        else:
            counted.append((qs if visible is None else qs.filter(visible)).values("pk")[:COUNT_CAP])
    names = [*SIDEBAR_QUEUES, *(extra or {})]
    counted += [qs.values("pk")[:COUNT_CAP] for qs in (extra or {}).values()]
    return dict(zip(names, _count_all(counted), strict=True))


def _count_all(querysets: list[QuerySet[Any]]) -> list[int]:
    """COUNT(*) of each queryset, all in one statement (one round trip, not five)."""
    selects: list[str] = []
    params: list[Any] = []
    for i, qs in enumerate(querysets):
        try:
            sql, p = qs.query.sql_with_params()
        except EmptyResultSet:  # nothing visible at all (a role that works no ticket)
            selects.append("0")
            continue
        # `sql` is what the ORM compiled; values travel separately as parameters.
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) q{i})")  # noqa: S608
        params.extend(p)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    return [int(n) for n in row]


def mentionable_people(ticket: Ticket) -> QuerySet[User]:
    """The people who may be mentioned in a note on `ticket`: those who work tickets and may
    see this one (every ticket, its team, its assignee, a follower; any, if it has no team)."""
    people = assignable_users()
    if ticket.team_id is None:
        return people
    followers = Ticket.followers.through.objects.filter(ticket_id=ticket.pk).values("user_id")
    return people.filter(
        Q(is_superuser=True)
        | Q(pk__in=User.objects.filter(holding(TICKETS_ALL)).values("pk"))
        | Q(teams=ticket.team_id)
        | Q(pk=ticket.assignee_id)
        | Q(pk__in=followers)
    ).distinct()


def tickets_matching(user: User, filters: list[TicketFilters]) -> list[QuerySet[Ticket] | None]:
    """The tickets lists with these filters show the user, unordered, for counting saved views
    in the sidebar's one statement (None for filters this user may not use). The visibility
    condition is resolved once and shared, so each more list costs only its own filters."""
    visible = visibility_filter(user)
    every = Ticket.objects.all()
    seen = every if visible is None else every.filter(visible)
    out: list[QuerySet[Ticket] | None] = []
    for f in filters:
        self_visible = works_tickets(user) and f.queue in SELF_VISIBLE_QUEUES
        try:
            out.append(_matching(user, f, base=every if self_visible else seen)[0])
        except ValidationFailed:
            out.append(None)
    return out


def tasks_of(ticket: Ticket) -> list[Ticket]:
    """The ticket's tasks, oldest first, with their team and assignee (one query)."""
    return list(
        Ticket.objects.filter(parent_id=ticket.pk).select_related("team", "assignee").order_by("id")
    )


def task_refs(parent_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The tasks of these tickets as small records, by parent id (one query for a page)."""
    out: dict[int, list[dict[str, Any]]] = {pk: [] for pk in parent_ids}
    if not parent_ids:
        return out
    rows = (
        Ticket.objects.filter(parent_id__in=parent_ids)
        .order_by("id")
        .values_list("parent_id", "pk", "status", "team_id")
    )
    for parent_id, pk, status, team_id in rows:
        out[parent_id].append(
            {"id": pk, "ref": Ticket(pk=pk).ref, "status": status, "team_id": team_id}
        )
    return out


def parent_shown(*, user: User, ticket: Ticket) -> Ticket | None:
    """The task's parent when `user` may see it (else the page names only its reference)."""
    if ticket.parent_id is None:
        return None
    return tickets_visible(user).filter(pk=ticket.parent_id).only("id", "subject", "status").first()


def checklist_of(ticket: Ticket) -> list[Any]:
    """The ticket's checklist steps in order, with who did each (one query)."""
    return list(ticket.checklist.select_related("done_by").order_by("position", "id"))
