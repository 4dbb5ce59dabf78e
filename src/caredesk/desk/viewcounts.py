"""The sidebar's saved views and "My clients": which to show, and their counts as querysets
that ride in the sidebar's one counting statement (so ten views cost what one does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import User
from caredesk.tickets import selectors
from caredesk.workspace.models import SavedView
from caredesk.workspace.selectors import manages_clients, view_filters, views_for

CLIENTS = "clients"
# A saved view's count stops at this many (shown "99+"): each view reads at most this many
# index entries, so thirty views cost what three built-in queues do.
VIEW_COUNT_CAP = 100


@dataclass
class SidebarViews:
    views: list[SavedView] = field(default_factory=list)
    manages_clients: bool = False
    extra: dict[str, QuerySet[Any]] = field(default_factory=dict)


def count_key(view: SavedView) -> str:
    return f"view:{view.pk}"


def sidebar_views(user: User) -> SidebarViews:
    """The person's views and whether they manage clients (two queries), with the querysets
    that count them."""
    if not works_tickets(user):
        return SidebarViews()
    found = SidebarViews(views=views_for(user), manages_clients=manages_clients(user))
    keys = [count_key(v) for v in found.views]
    wanted = [view_filters(v) for v in found.views]
    if found.manages_clients:
        keys.append(CLIENTS)
        wanted.append(selectors.TicketFilters(queue=CLIENTS))
    for key, qs in zip(keys, selectors.tickets_matching(user, wanted), strict=True):
        if qs is not None:  # None: a filter this person may not use (health information)
            # "My clients" counts like the built-in queues (to 999+); views to 99+
            found.extra[key] = qs if key == CLIENTS else qs.values("pk")[:VIEW_COUNT_CAP]
    return found


def view_url(view: SavedView) -> str:
    """The queue page with the view's filters and sort (and the view, for its name and
    columns)."""
    query = {k: v for k, v in (view.filters or {}).items() if v not in (None, "")}
    if "custom_status" in query:  # the queue's status filter takes a custom status's id
        query["status"] = query.pop("custom_status")
    query.update(sort=view.sort, view=view.pk)
    return reverse("desk:queue") + "?" + urlencode(query)
