"""Writes: save and remove saved views (personal ones by anyone who works tickets; shared with a
team only by a lead, who holds workspace.share_savedview)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from caredesk.accounts.models import Team, User
from caredesk.core import clock
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.tickets.models import Priority, Status
from caredesk.tickets.selectors import QUEUES, SORTS
from caredesk.workspace.models import Column, SavedView
from caredesk.workspace.selectors import SHARE, SIDEBAR_VIEWS, may_change

ID_FILTERS = ("custom_status", "team", "assignee", "organization")


@dataclass(frozen=True)
class ViewData:
    """What a view is: its name, the list's filters, sort and optional columns, and the team
    it is shared with (None: the owner's alone)."""

    name: str
    filters: dict[str, Any] = field(default_factory=dict)
    sort: str = "-updated"
    columns: tuple[str, ...] = tuple(Column.values)
    team: Team | None = None


def _clean_filters(raw: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    queue = raw.get("queue") or "open"
    if queue not in QUEUES:
        errors["queue"] = [f"Choose one of: {', '.join(QUEUES)}."]
    out: dict[str, Any] = {"queue": queue}
    if raw.get("status"):
        if raw["status"] not in Status.values:
            errors["status"] = [f"Choose one of: {', '.join(Status.values)}."]
        out["status"] = raw["status"]
    if raw.get("priority") not in (None, ""):
        if raw["priority"] not in Priority.values:
            errors["priority"] = ["Choose a level from 1 to 4."]
        out["priority"] = raw["priority"]
    for key in ID_FILTERS:
        value = raw.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors[key] = ["Choose one from the list."]
        out[key] = value
    q = str(raw.get("q") or "").strip()
    if len(q) > 200:
        errors["q"] = ["Keep the search to 200 characters or fewer."]
    if q:
        out["q"] = q
    return out


def _check(actor: User, data: ViewData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = ["Give the view a name."]
    elif len(name) > 80:
        errors["name"] = ["Keep the name to 80 characters or fewer."]
    filters = _clean_filters(data.filters, errors)
    if data.sort not in SORTS:
        errors["sort"] = [f"Choose one of: {', '.join(SORTS)}."]
    unknown = [c for c in data.columns if c not in Column.values]
    if unknown:
        errors["columns"] = [f"Unknown columns: {', '.join(unknown)}."]
    if data.team is not None and not actor.has_perm(SHARE):
        errors["team"] = ["Only a support lead can share a view with a team."]
    if errors:
        raise ValidationFailed("The view could not be saved.", errors=errors)
    return filters


@transaction.atomic
def savedview_save(*, actor: User, data: ViewData, view: SavedView | None = None) -> SavedView:
    """Create a view (the actor owns it) or change one the actor may change."""
    if view is not None and not may_change(actor, view):
        raise PermissionDenied("Only its owner or a support lead can change this view.")
    filters = _check(actor, data)
    if view is None and SavedView.objects.filter(owner=actor).count() >= SIDEBAR_VIEWS:
        raise ValidationFailed(
            "The view could not be saved.",
            errors={"name": [f"You have {SIDEBAR_VIEWS} views already: remove one first."]},
        )
    now = clock.now()
    if view is None:
        view = SavedView(owner=actor, created_at=now)
    view.name = data.name.strip()
    view.filters = filters
    view.sort = data.sort
    view.columns = [c for c in Column.values if c in data.columns]
    view.team = data.team
    view.updated_at = now
    view.save()
    return view


@transaction.atomic
def savedview_delete(*, actor: User, view: SavedView) -> None:
    """Remove a view the actor may change."""
    if not may_change(actor, view):
        raise PermissionDenied("Only its owner or a support lead can remove this view.")
    view.delete()
