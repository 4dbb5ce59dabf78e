"""Per-process snapshots of configuration that every write reads but people rarely change.

SLA policies (and rules) are read by each ticket change; loading them costs more queries than
the change itself. A snapshot is kept with the stamp of its `ConfigVersion` row; readers check
the stamp with one primary-key read and reload only when it differs. Saving or deleting a row
of the configuration writes a new random stamp in the same transaction, so every process sees
the change exactly when it commits, and a rolled-back change never leaves a stamp behind that a
later change could reuse.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_snapshots: dict[str, tuple[str, float, Any]] = {}  # name -> (stamp, checked at, value)
_lock = threading.Lock()
# names whose stamp was checked inside the current `pinned()` block
_pinned: ContextVar[set[str] | None] = ContextVar("caredesk_confcache_pinned", default=None)


@contextmanager
def pinned() -> Iterator[None]:
    """Inside the block, check each snapshot's stamp once: one act that changes many tickets
    (a bulk action) reads its configuration once, as a single change does. A change made in
    this process still drops its snapshot at once."""
    token = _pinned.set(set())
    try:
        yield
    finally:
        _pinned.reset(token)


def _stamp(name: str) -> str:
    """The current stamp: one primary-key read, written as SQL because every ticket change
    makes it (the ORM spent more time building the statement than the database running it)."""
    from django.db import connection

    from caredesk.core.models import ConfigVersion

    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL.format(table=ConfigVersion._meta.db_table), [name])
        row = cursor.fetchone()
    return str(row[0]) if row and row[0] else ""


_STAMP_SQL = "SELECT stamp FROM {table} WHERE name = %s"


def cached(name: str, loader: Callable[[], T], *, max_age: float = 0.0) -> T:
    """Return the snapshot called `name`, reloading it when its stamp has changed.

    Writers check the stamp every time. Readers that only display (badges on a list) may pass
    `max_age`: a stamp checked that many seconds ago is trusted, saving the read. A change made
    in this process drops the snapshot at once either way.
    """
    now = time.monotonic()
    entry = _snapshots.get(name)
    pins = _pinned.get()
    if entry is not None and (
        (max_age and now - entry[1] < max_age) or (pins is not None and name in pins)
    ):
        fresh: T = entry[2]
        return fresh
    if pins is not None:
        pins.add(name)
    stamp = _stamp(name)
    if entry is not None and entry[0] == stamp:
        with _lock:
            _snapshots[name] = (stamp, now, entry[2])
        value: T = entry[2]
        return value
    value = loader()
    with _lock:
        _snapshots[name] = (stamp, now, value)
    return value


def bump(name: str) -> None:
    """Mark configuration `name` as changed (call inside the writer's transaction)."""
    from caredesk.core.models import ConfigVersion

    stamp = uuid.uuid4().hex
    if not ConfigVersion.objects.filter(name=name).update(stamp=stamp):
        ConfigVersion.objects.update_or_create(name=name, defaults={"stamp": stamp})
    with _lock:
        _snapshots.pop(name, None)


def clear() -> None:
    """Drop every snapshot in this process."""
    with _lock:
        _snapshots.clear()


def bump_on_change(name: str, *models: Any) -> None:
    """Bump `name` whenever a row of these models is saved or deleted, or an m2m set changes."""

    def changed(**_kwargs: Any) -> None:
        bump(name)

    for model in models:
        uid = f"confcache:{name}:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(
                changed, sender=m2m.remote_field.through, weak=False, dispatch_uid=uid + m2m.name
            )
