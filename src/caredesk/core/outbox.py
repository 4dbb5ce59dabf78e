"""Outbox: services add items inside their transaction; the worker delivers them after commit."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F

from caredesk.core import clock
from caredesk.core.models import OutboxItem, OutboxKind, OutboxStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=10)


class PermanentFailure(Exception):  # noqa: N818 - reads as what happened
    """The delivery can never succeed (refused address, 4xx); do not retry it."""


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … minutes after each failed attempt, with ±25 % jitter so retries spread out."""
    return timedelta(minutes=2**attempts * random.uniform(0.75, 1.25))  # noqa: S311 - jitter


def outbox_add(*, kind: str, payload: dict[str, Any]) -> OutboxItem:
    """Record a side effect; call inside the transaction that makes it necessary."""
    item = OutboxItem.objects.create(
        kind=kind, payload=payload, available_at=clock.now(), created_at=clock.now()
    )
    # One wake-up of the worker per transaction, however many side effects it recorded.
    pending = transaction.get_connection().run_on_commit
    if not any(entry[1] is _kick for entry in pending):
        transaction.on_commit(_kick)
    return item


def _kick() -> None:
    from caredesk.core.tasks import deliver_outbox_task

    deliver_outbox_task()


def _claim(item_id: int) -> bool:
    now = clock.now()
    claimed = OutboxItem.objects.filter(pk=item_id, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def _deliver_one(item: OutboxItem) -> None:
    if item.kind == OutboxKind.EMAIL:
        p = item.payload
        message = EmailMessage(
            subject=p["subject"],
            body=p["body"],
            to=p["to"],
            from_email=p.get("from") or None,
            headers=p.get("headers") or {},
        )
        message.send(fail_silently=False)
    elif item.kind == OutboxKind.WEBHOOK:
        from caredesk.integrations.services import deliver_webhook

        deliver_webhook(int(item.payload["delivery"]))
    elif item.kind == OutboxKind.TRACKER:
        from caredesk.integrations.services import create_tracker_issue

        create_tracker_issue(int(item.payload["issue"]), str(item.payload.get("kind", "")))
    else:  # pragma: no cover - new kinds must add a branch here
        raise ValueError(f"unknown outbox kind {item.kind}")


def outbox_deliver(*, limit: int = 100) -> int:
    """Deliver due items; safe to run in several workers at once. Returns how many were sent."""
    now = clock.now()
    OutboxItem.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(status=OutboxStatus.PENDING)
    due = list(
        OutboxItem.objects.filter(status=OutboxStatus.PENDING, available_at__lte=now)
        .order_by("available_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for item_id in due:
        if not _claim(item_id):
            continue
        item = OutboxItem.objects.get(pk=item_id)
        try:
            _deliver_one(item)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is retried later
            failed = item.attempts >= MAX_ATTEMPTS or isinstance(exc, PermanentFailure)
            OutboxItem.objects.filter(pk=item_id).update(
                status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
                available_at=clock.now() + backoff(item.attempts),
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            log.warning("outbox item %s failed (attempt %s)", item_id, item.attempts)
            continue
        OutboxItem.objects.filter(pk=item_id).update(
            status=OutboxStatus.SENT, sent_at=clock.now(), last_error=""
        )
        sent += 1
    return sent
