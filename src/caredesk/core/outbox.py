"""Outbox: services add items inside their transaction; workers deliver them after commit.

Each kind of item is delivered by a handler its owning app registers in `AppConfig.ready()`
(mail here in core; webhooks and tracker issues by integrations). A handler sends, and may keep
its own log in step with the item (`settle`, called in the transaction that records the outcome).

Claims. An item is taken by one conditional UPDATE: pending and due, or sending with its lease
run out (its worker died). Whoever's UPDATE changes the row owns the attempt; every other worker
and thread sees no row and moves on, so an item is attempted at most once per step of the retry
schedule however many workers run. The outcome is written only while the attempt still owns the
item (same status, same attempt number), so a worker that outlived its lease cannot overwrite
the result of the attempt that replaced it.
"""

from __future__ import annotations

import base64
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, F, Min, Q

from caredesk.core import clock
from caredesk.core.models import OutboxItem, OutboxStatus

log = logging.getLogger(__name__)
JITTER = 0.1  # each wait is lengthened by up to 10 % so retries after an outage spread out
SWEEP_SECONDS = 50.0  # a sweep stops taking new items after this, before the next one starts


# --- failures and outcomes ----------------------------------------------------------------------


class DeliveryFailed(Exception):  # noqa: N818 - reads as what happened
    """An attempt failed; `code` is the peer's answer (an HTTP status) when there was one."""

    permanent = False

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PermanentFailure(DeliveryFailed):
    """The delivery can never succeed (refused address, 4xx); do not retry it."""

    permanent = True


class NotConfigured(PermanentFailure):
    """The integration this item needs is not set up: nothing was tried, so it is not logged as
    a failure (the item is kept, failed, with the reason, and can be replayed once set up)."""


class Outcome:
    SENT = "sent"
    RETRYING = "retrying"  # failed; another attempt is scheduled
    FAILED = "failed"  # given up: permanent, or the whole schedule failed
    REPLAYED = "replayed"  # given up before, queued again by an operator


@dataclass(frozen=True)
class Settled:
    """An item's state after an attempt (or a replay), for its owner's log."""

    item_id: int
    outcome: str
    attempts: int
    at: datetime
    error: str = ""
    code: int | None = None
    next_attempt_at: datetime | None = None
    permanent: bool = False


Send = Callable[[dict[str, Any]], int | None]  # may return the peer's answer (HTTP status)
Settle = Callable[[dict[str, Any], Settled], None]
TicketOf = Callable[[dict[str, Any]], int | None]


@dataclass(frozen=True)
class Handler:
    send: Send
    settle: Settle | None = None
    ticket: TicketOf | None = None


_handlers: dict[str, Handler] = {}


def handler_register(
    kind: str, *, send: Send, settle: Settle | None = None, ticket: TicketOf | None = None
) -> None:
    """Deliver items of `kind` with `send` (raise to fail; PermanentFailure to give up now);
    `settle` keeps the owner's log in step with the item; `ticket` names the ticket an item is
    about (for the audit of replays)."""
    handler = Handler(send, settle, ticket)
    if _handlers.get(kind, handler) != handler:
        raise ImproperlyConfigured(f"two delivery handlers for outbox kind {kind!r}")
    _handlers[kind] = handler


def handler_kinds() -> list[str]:
    return sorted(_handlers)


# --- the retry schedule ---------------------------------------------------------------------------

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_STEP = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")


@cache
def _parse(text: str) -> tuple[timedelta, ...]:
    steps = []
    for part in (p.strip() for p in text.split(",")):
        found = _STEP.match(part)
        if found is None:
            raise ImproperlyConfigured(
                f"CAREDESK_OUTBOX_RETRY_SCHEDULE: {part!r} is not a wait such as 30s, 5m, 2h or 1d"
            )
        steps.append(timedelta(seconds=float(found[1]) * _UNITS[found[2]]))
    return tuple(steps)


def schedule() -> tuple[timedelta, ...]:
    """The waits between attempts: after the first failed attempt, after the second, and so on."""
    return _parse(settings.CAREDESK_OUTBOX_RETRY_SCHEDULE)


def max_attempts() -> int:
    return len(schedule()) + 1


def schedule_span() -> timedelta:
    """How long a peer may be down, from an item's first attempt, before it is given up."""
    return sum(schedule(), timedelta())


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed attempts, lengthened by up to JITTER (never shortened,
    so the documented span is the least an item is retried for)."""
    step = schedule()[min(attempts, len(schedule())) - 1]
    return step * random.uniform(1.0, 1.0 + JITTER)  # noqa: S311 - jitter, not secrecy


def lease() -> timedelta:
    """How long a claim lasts: longer than any attempt can take (webhook and mail timeouts)."""
    return timedelta(seconds=settings.CAREDESK_OUTBOX_LEASE_SECONDS)


# --- waking the workers ---------------------------------------------------------------------------

Wake = Callable[[list[int], float], None]
_waker: list[Wake] = []


def waker_register(wake: Wake) -> None:
    """How to ask a worker to deliver these items in `delay` seconds (the job queue's shim)."""
    _waker[:] = [wake]


def _wake(ids: list[int], delay: float = 0.0) -> None:
    if not _waker or not ids:
        return  # the sweep every minute still finds them
    try:
        _waker[0](ids, max(delay, 0.0))
    except Exception:  # a queue that is down must not fail the change that was just committed
        log.exception("could not wake a worker for %d outbox item(s); the sweep will", len(ids))


class _Kick:
    """One wake-up per transaction for every item it added."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self) -> None:
        _wake(self.ids)


def outbox_add(*, kind: str, payload: dict[str, Any]) -> OutboxItem:
    """Record a side effect; call inside the transaction that makes it necessary."""
    now = clock.now()
    item = OutboxItem.objects.create(kind=kind, payload=payload, available_at=now, created_at=now)
    pending = transaction.get_connection().run_on_commit
    kick = next((entry[1] for entry in pending if isinstance(entry[1], _Kick)), None)
    if kick is not None:
        kick.ids.append(item.pk)
    else:
        kick = _Kick()
        kick.ids.append(item.pk)
        transaction.on_commit(kick)  # outside a transaction: at once
    return item


# --- delivering -----------------------------------------------------------------------------------


def _claimable(now: datetime) -> Q:
    return Q(status=OutboxStatus.PENDING, available_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lte=now
    )


def _claim(item: OutboxItem) -> bool:
    """Take the item for one attempt (True), unless it is not due or someone else took it or
    tried it since it was listed: the attempt number it was listed with is part of the claim."""
    now = clock.now()
    taken = OutboxItem.objects.filter(_claimable(now), pk=item.pk, attempts=item.attempts).update(
        status=OutboxStatus.SENDING,
        claimed_at=now,
        lease_until=now + lease(),
        attempts=item.attempts + 1,
    )
    if taken:
        item.attempts += 1
    return bool(taken)


def _settle(item: OutboxItem, handler: Handler | None, settled: Settled, **fields: Any) -> bool:
    """Write the outcome, and the owner's log with it, if this attempt still owns the item."""
    with transaction.atomic():
        owned = OutboxItem.objects.filter(
            pk=item.pk, status=OutboxStatus.SENDING, attempts=item.attempts
        ).update(lease_until=None, **fields)
        if owned and handler is not None and handler.settle is not None:
            handler.settle(item.payload, settled)
    if not owned:
        log.warning(
            "outbox item %s: attempt %s outlived its lease; a later attempt owns the item",
            item.pk,
            item.attempts,
        )
    return bool(owned)


def _failed(item: OutboxItem, handler: Handler | None, exc: Exception) -> str:
    now = clock.now()
    permanent = isinstance(exc, DeliveryFailed) and exc.permanent
    code = exc.code if isinstance(exc, DeliveryFailed) else None
    text = str(exc) if isinstance(exc, DeliveryFailed) else f"{type(exc).__name__}: {exc}"
    error = text[:2000]
    if permanent or item.attempts >= max_attempts():
        settled = Settled(item.pk, Outcome.FAILED, item.attempts, now, error, code, None, permanent)
        settled_now = _settle(item, handler, settled, status=OutboxStatus.FAILED, last_error=error)
        if settled_now and isinstance(exc, NotConfigured):
            log.info("outbox item %s (%s) not sent: %s", item.pk, item.kind, error)
        elif settled_now:
            log.warning(
                "outbox item %s (%s) given up after attempt %s (%s)",
                item.pk,
                item.kind,
                item.attempts,
                "permanent failure" if permanent else "retry schedule exhausted",
            )
        return Outcome.FAILED
    next_at = now + backoff(item.attempts)
    settled = Settled(item.pk, Outcome.RETRYING, item.attempts, now, error, code, next_at)
    if _settle(
        item, handler, settled, status=OutboxStatus.PENDING, available_at=next_at, last_error=error
    ):
        log.info(
            "outbox item %s (%s) attempt %s failed (%s); next at %s",
            item.pk,
            item.kind,
            item.attempts,
            type(exc).__name__ if code is None else code,
            next_at.isoformat(timespec="seconds"),
        )
        _wake([item.pk], (next_at - clock.now()).total_seconds())
    return Outcome.RETRYING


def _attempt(item: OutboxItem) -> str | None:
    """Claim, send and record one item: the outcome, or None when someone else has it."""
    if not _claim(item):
        return None
    handler = _handlers.get(item.kind)
    try:
        if handler is None:
            raise PermanentFailure(f"no delivery handler is registered for kind {item.kind!r}")
        code = handler.send(item.payload)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried or given up
        if handler is None:
            log.error("outbox item %s: unknown kind %r, given up", item.pk, item.kind)
        return _failed(item, handler, exc)
    now = clock.now()
    settled = Settled(item.pk, Outcome.SENT, item.attempts, now, code=code)
    _settle(item, handler, settled, status=OutboxStatus.SENT, sent_at=now, last_error="")
    return Outcome.SENT


def _attempt_guarded(item: OutboxItem) -> str | None:
    """One item's broken bookkeeping must not stop the others: it comes back after its lease."""
    try:
        return _attempt(item)
    except Exception:
        log.exception("outbox item %s: the outcome could not be recorded", item.pk)
        return "unrecorded"


def outbox_deliver(*, ids: Sequence[int] | None = None, batch: int = 100) -> int:
    """Attempt every item due now (or only those of `ids`); any number of workers may run this
    at once. Returns how many items this call sent."""
    started, began = clock.now(), time.monotonic()
    if ids is not None:
        _wake_when_due(ids, started)
    sent = 0
    while True:
        due = OutboxItem.objects.filter(_claimable(started))
        if ids is not None:
            due = due.filter(pk__in=ids)
        # items this call failed are due later than `started`, so each is tried once per call
        listed = due.order_by("available_at", "id").only("kind", "payload", "attempts")
        chosen = list(listed[:batch])
        outcomes = [_attempt_guarded(item) for item in chosen]
        sent += outcomes.count(Outcome.SENT)
        claimed = any(outcome is not None for outcome in outcomes)
        if len(chosen) < batch or not claimed or time.monotonic() - began > SWEEP_SECONDS:
            break
    return sent


def _wake_when_due(ids: Iterable[int], now: datetime) -> None:
    """A wake-up that came before its items were due (another machine's clock) is booked again
    for when they are. Items attempted by this call book their own next wake-up on failure."""
    for item_id, at in OutboxItem.objects.filter(
        pk__in=list(ids), status=OutboxStatus.PENDING, available_at__gt=now
    ).values_list("id", "available_at"):
        _wake([item_id], (at - now).total_seconds())


# --- replaying what was given up ------------------------------------------------------------------


@dataclass(frozen=True)
class Replayed:
    item_id: int
    kind: str
    ticket_id: int | None
    last_error: str


ReplayListener = Callable[[Sequence[Replayed], Any], None]
_replay_listeners: list[ReplayListener] = []


def replay_listen(listener: ReplayListener) -> None:
    """Be told of every replay, inside its transaction, with the actor (None: command line)."""
    if listener not in _replay_listeners:
        _replay_listeners.append(listener)


def outbox_replay(
    *,
    ids: Iterable[int] | None = None,
    kind: str = "",
    since: datetime | None = None,
    actor: Any = None,
) -> list[Replayed]:
    """Queue given-up items again with a fresh retry schedule. Only failed items are touched, so
    replaying twice, or replaying a delivered item, does nothing. Listeners (the access audit)
    record each replay in the same transaction."""
    chosen = OutboxItem.objects.filter(status=OutboxStatus.FAILED)
    if ids is not None:
        chosen = chosen.filter(pk__in=list(ids))
    if kind:
        chosen = chosen.filter(kind=kind)
    if since is not None:
        chosen = chosen.filter(claimed_at__gte=since)
    now = clock.now()
    replayed: list[Replayed] = []
    with transaction.atomic():
        for item in chosen.select_for_update().order_by("id"):
            took = OutboxItem.objects.filter(pk=item.pk, status=OutboxStatus.FAILED).update(
                status=OutboxStatus.PENDING,
                attempts=0,
                available_at=now,
                lease_until=None,
                replays=F("replays") + 1,
            )
            if not took:
                continue
            handler = _handlers.get(item.kind)
            if handler is not None and handler.settle is not None:
                settled = Settled(item.pk, Outcome.REPLAYED, 0, now, item.last_error, None, now)
                handler.settle(item.payload, settled)
            about = handler.ticket(item.payload) if handler and handler.ticket else None
            replayed.append(Replayed(item.pk, item.kind, about, item.last_error))
        for listener in _replay_listeners:
            listener(replayed, actor)
        if replayed:
            ids_now = [r.item_id for r in replayed]
            transaction.on_commit(lambda: _wake(ids_now))
    return replayed


# --- what an operator sees --------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    counts: dict[str, dict[str, int]]  # kind -> status -> items
    oldest_waiting: datetime | None  # created_at of the oldest item not yet sent nor given up
    next_attempt: datetime | None
    schedule: tuple[timedelta, ...]
    span: timedelta


def outbox_status() -> Status:
    counts: dict[str, dict[str, int]] = {}
    for row in OutboxItem.objects.values("kind", "status").annotate(n=Count("id")):
        counts.setdefault(row["kind"], {})[row["status"]] = row["n"]
    waiting = OutboxItem.objects.filter(
        status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
    ).aggregate(oldest=Min("created_at"), next=Min("available_at", filter=Q(status="pending")))
    return Status(counts, waiting["oldest"], waiting["next"], schedule(), schedule_span())


def describe(span: timedelta) -> str:
    """A wait in words: 1 d 3 h 35 min 5 s."""
    seconds = span.total_seconds()
    if seconds < 60:
        return f"{round(seconds, 1):g} s"
    whole = round(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        if whole >= size:
            parts.append(f"{whole // size} {unit}")
            whole %= size
    return " ".join(parts)


# --- mail (a core kind) -----------------------------------------------------------------------


def email_send(payload: dict[str, Any]) -> None:
    """The mail handler: one message through Django's configured backend (SMTP or a provider),
    with its files (`attachments`: name, type and base64 content each)."""
    message = EmailMessage(
        subject=payload["subject"],
        body=payload["body"],
        to=payload["to"],
        cc=payload.get("cc") or None,
        from_email=payload.get("from") or None,
        headers=payload.get("headers") or {},
    )
    for item in payload.get("attachments") or ():
        message.attach(item["name"], base64.b64decode(item["content"]), item["type"])
    message.send(fail_silently=False)


def attachment(name: str, content_type: str, content: bytes) -> dict[str, str]:
    """A file for an email payload's `attachments` (JSON holds text: the bytes go as base64)."""
    return {"name": name, "type": content_type, "content": base64.b64encode(content).decode()}
