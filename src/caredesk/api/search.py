"""Full-text search over tickets: the desk's ranked results, for integrations and scripts."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints

from caredesk.accounts.models import User
from caredesk.accounts.scopes import TICKETS_READ
from caredesk.api import serialize
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import (
    ChannelName,
    Clean,
    Id,
    IsoDate,
    PriorityNumber,
    StatusName,
    TicketOut,
)
from caredesk.api.tickets import tasks_for
from caredesk.compliance import access as audit
from caredesk.sla.selectors import sla_views
from caredesk.tickets import search, selectors

router = Router(tags=["search"])


class SearchQuery(Clean):
    q: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    status: StatusName | None = None
    custom_status: Id | None = Field(
        None, description="A custom status's id (`GET /statuses`): only its tickets."
    )
    priority: PriorityNumber | None = None
    team: Id | None = None
    assignee: Id | None = None
    channel: ChannelName | None = None
    organization: Id | None = None
    created_from: IsoDate | None = None
    created_to: IsoDate | None = None
    page: Annotated[int, Field(ge=1, le=search.MAX_PAGE)] = 1


class SnippetOut(Schema):
    where: str
    html: str


class HitOut(Schema):
    ticket: TicketOut
    exact: bool
    subject_html: str
    snippets: list[SnippetOut]


class SearchPageOut(Schema):
    items: list[HitOut]
    page: int
    has_more: bool
    among_recent: int | None = Field(
        None,
        description="A broad query: only this many of the most recent matches were ranked "
        "(null: every match was).",
    )


@router.get(
    "/search",
    auth=needs_scope(TICKETS_READ),
    response=SearchPageOut,
    summary="Search tickets",
    openapi_extra=documented(401, 422),
)
def ticket_search(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    filters = search.SearchFilters(**query.dict())
    page = search.ticket_search(user=user, filters=filters)
    tickets = [h.ticket for h in page.hits]
    audit.tickets_read(request=request, tickets=tickets)
    ids = [t.pk for t in tickets]
    views = sla_views(ids)
    shown = selectors.phi_shown_ids(user, ids)
    tasks = tasks_for(user, ids)
    return {
        "items": [
            {
                "ticket": serialize.ticket_out(
                    h.ticket,
                    views[h.ticket.pk],
                    phi_shown=h.ticket.pk in shown,
                    tasks=tasks.get(h.ticket.pk),
                ),
                "exact": h.exact,
                "subject_html": search.Snippet("Subject", h.subject).html,
                "snippets": [{"where": s.where, "html": s.html} for s in h.snippets],
            }
            for h in page.hits
        ],
        "page": page.page,
        "has_more": page.has_more,
        "among_recent": page.among,
    }
