"""Who is at their desk: an open desk page checks in every few seconds (`/agent/live/`), and the
session knows the person's last page or action. Someone is away when no page of theirs has
checked in for `LIVE_GRACE` (the tab is closed, the laptop asleep) or they have done nothing for
`CAREDESK_AWAY_MINUTES`; mail about a mention goes to them only then.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings

from caredesk.core import clock
from caredesk.core.models import DeskPresence

# An open page checks in every 15 s; four missed check-ins and the page is taken as closed.
LIVE_GRACE = timedelta(minutes=1)
# A check-in is written at most this often per person and process (seconds).
WRITE_EVERY = 20.0
_written: dict[int, tuple[float, datetime]] = {}


def presence_seen(*, user_id: int, active_at: datetime | None) -> datetime | None:
    """Record a check-in of the person's desk; returns the previous check-in (None: first)."""
    now = clock.now()
    active = min(active_at or now, now)
    hit = _written.get(user_id)
    if hit is not None and time.monotonic() - hit[0] < WRITE_EVERY and hit[1] <= now:
        return hit[1]
    row = DeskPresence.objects.filter(user_id=user_id).only("live_at").first()
    previous = row.live_at if row else None
    if row is None:
        DeskPresence.objects.create(user_id=user_id, live_at=now, active_at=active)
    else:
        DeskPresence.objects.filter(user_id=user_id).update(live_at=now, active_at=active)
    _written[user_id] = (time.monotonic(), now)
    return previous


def presence_forget() -> None:
    """Forget this process's recent check-ins (tests move the clock)."""
    _written.clear()


def away_ids(user_ids: list[int]) -> set[int]:
    """Those of `user_ids` who are away now (one query)."""
    now = clock.now()
    idle = timedelta(minutes=settings.CAREDESK_AWAY_MINUTES)
    here = DeskPresence.objects.filter(
        user_id__in=user_ids, live_at__gte=now - LIVE_GRACE, active_at__gte=now - idle
    ).values_list("user_id", flat=True)
    return set(user_ids) - set(here)
