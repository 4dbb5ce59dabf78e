"""What the queue page shows of a saved view it was opened from: its name, its columns, and
whether this person may change it (kept apart from the screens that save views)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caredesk.accounts.models import Team, User
from caredesk.core.errors import NotFound
from caredesk.workspace.models import Column, SavedView
from caredesk.workspace.selectors import SHARE, may_change, view_get


def opened_view(request: HttpRequest, user: User) -> SavedView | None:
    raw = request.GET.get("view", "")
    if not raw.isdigit():
        return None
    try:
        return view_get(user=user, pk=int(raw))
    except NotFound:
        return None  # someone else's view, or gone: the list shows the filters alone


def saved_view_context(request: HttpRequest, user: User) -> dict[str, Any]:
    view = opened_view(request, user)
    context: dict[str, Any] = {
        "current_view": view,
        "column_choices": Column.choices,
        "hidden_columns": [c for c in Column.values if view and c not in view.columns],
        "share_teams": list(Team.objects.only("pk", "name")) if user.has_perm(SHARE) else [],
        "view_may_change": bool(view and may_change(user, view)),
    }
    if view is not None:
        context["queue_label"] = view.name
    return context
