"""Reads: the saved views a person has, one of them by id, its filters for the ticket lists."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from caredesk.accounts.models import Organization, User
from caredesk.core.errors import NotFound
from caredesk.tickets.selectors import TicketFilters
from caredesk.workspace.models import SavedView

# The sidebar shows (and counts, in its one statement) at most this many views.
SIDEBAR_VIEWS = 30
SHARE = "workspace.share_savedview"


def _mine(user: User) -> Q:
    teams = user.teams.values("pk")
    return Q(owner=user) | Q(team__in=teams)


def views_for(user: User) -> list[SavedView]:
    """The person's own views and their teams' (one query), by name."""
    return list(SavedView.objects.filter(_mine(user)).select_related("team")[:SIDEBAR_VIEWS])


def view_get(*, user: User, pk: int) -> SavedView:
    """A view the person has (their own, or their team's), or NotFound."""
    view = SavedView.objects.filter(_mine(user), pk=pk).select_related("team").first()
    if view is None:
        raise NotFound("No such view.")
    return view


def may_change(user: User, view: SavedView) -> bool:
    """A personal view is its owner's to change; a team's, a lead's (or its owner's)."""
    if view.team_id is None:
        return view.owner_id == user.pk
    return view.owner_id == user.pk or user.has_perm(SHARE)


def views_managed(user: User) -> QuerySet[SavedView]:
    """The views the person may change, for the views page."""
    qs = SavedView.objects.filter(_mine(user)).select_related("team", "owner")
    return qs if user.has_perm(SHARE) else qs.filter(owner=user)


def view_filters(view: SavedView) -> TicketFilters:
    """The ticket list's filters a saved view stands for."""
    f: dict[str, Any] = view.filters or {}
    return TicketFilters(
        queue=str(f.get("queue") or "open"),
        status=f.get("status") or None,
        custom_status=f.get("custom_status"),
        priority=f.get("priority"),
        team=f.get("team"),
        assignee=f.get("assignee"),
        organization=f.get("organization"),
        q=str(f.get("q") or ""),
        sort=view.sort,
    )


def manages_clients(user: User) -> bool:
    """An account manager: some organization names this person."""
    return Organization.objects.filter(account_manager=user).exists()
