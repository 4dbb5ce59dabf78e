"""Tell agents something: an in-app notification each, and an email through the outbox.

Mail carries the ticket reference and a link, never the subject or the conversation: those can
hold health information and belong behind the sign-in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from caredesk.core import clock
from caredesk.core.models import Notification, OutboxKind
from caredesk.core.outbox import outbox_add


def notify(
    *, users: list[Any], text: str, ticket: Any = None, urgent: bool = False
) -> list[Notification]:
    """Notify each distinct active user once; returns the notifications written."""
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
    link = f"{settings.CAREDESK_BASE_URL}/agent/tickets/{ticket.pk}/" if ticket else ""
    prefix = "URGENT: " if urgent else ""
    for user in targets:
        if not user.email:
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
