"""Tell agents something: an in-app notification each, and an email through the outbox.

Mail carries the ticket reference and a link, never the subject or the conversation: those can
hold health information and belong behind the sign-in. A notice is also pushed at once to the
person's open desk socket, through the pusher the chat app (which owns the sockets) registers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from caredesk.core import clock
from caredesk.core.models import Notification, OutboxKind
from caredesk.core.outbox import outbox_add
from caredesk.core.presence import away_ids

log = logging.getLogger(__name__)
Pusher = Callable[[list[int], dict[str, Any]], None]
_pushers: list[Pusher] = []


def pusher_register(push: Pusher) -> None:
    """How to show a notice at once on people's open desk sockets (the chat app's)."""
    _pushers[:] = [push]


def push(*, user_ids: list[int], notice: dict[str, Any]) -> None:
    """Show `notice` ({text, url, urgent}) on these people's open sockets once the current
    transaction commits; nobody connected, nothing happens (the notification stays)."""
    if not _pushers or not user_ids:
        return

    def send() -> None:
        try:
            _pushers[0](list(user_ids), notice)
        except Exception:  # a socket layer that is down must not fail what was committed
            log.exception("could not push a notice to %d desk socket(s)", len(user_ids))

    transaction.on_commit(send)


def notify(
    *,
    users: list[Any],
    text: str,
    ticket: Any = None,
    urgent: bool = False,
    mail_when_away: bool = False,
) -> list[Notification]:
    """Notify each distinct active user once; returns the notifications written.

    With `mail_when_away`, only the people away from their desk (`core/presence.py`) are
    mailed: the others see it on their open desk at once."""
    seen: set[int] = set()
    targets = []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            targets.append(user)
    now = clock.now()
    rows = Notification.objects.bulk_create(
        Notification(user=u, ticket=ticket, text=text[:500], urgent=urgent, created_at=now)
        for u in targets
    )
    path = f"/agent/tickets/{ticket.pk}/" if ticket else "/agent/notifications/"
    link = f"{settings.CAREDESK_BASE_URL}{path}" if ticket else ""
    push(
        user_ids=[u.pk for u in targets],
        notice={"text": text[:500], "url": path, "urgent": urgent},
    )
    prefix = "URGENT: " if urgent else ""
    away = away_ids([u.pk for u in targets]) if mail_when_away and targets else None
    for user in targets:
        if not user.email or (away is not None and user.pk not in away):
            continue
        outbox_add(
            kind=OutboxKind.EMAIL,
            payload={
                "to": [user.email],
                "subject": f"{prefix}{ticket.ref + ': ' if ticket else ''}{text}"[:200],
                "body": f"{text}\n\n{link}\n",
                "headers": {"Auto-Submitted": "auto-generated"},
            },
        )
    return rows
