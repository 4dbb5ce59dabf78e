"""The frame every agent screen shares (the sidebar's queues and their counts), which the desk
draws. Screens of other apps (live chat, governance) show it too: the desk registers its sidebar
here in its ready(), so those apps need not import the desk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caredesk.core.registries import Slot

Sidebar = Callable[[Any], dict[str, Any]]

_sidebar: Slot[Sidebar] = Slot("agent screens' sidebar", filled_by="caredesk.desk")


def sidebar_register(sidebar: Sidebar) -> None:
    _sidebar.fill(sidebar)


def sidebar(user: Any) -> dict[str, Any]:
    """The template context of the sidebar for `user` (an agent)."""
    return _sidebar.get()(user)


def agent_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render an agent screen of another app with the desk's sidebar around it."""
    return render(request, template, {**sidebar(request.user), **context}, status=status)
