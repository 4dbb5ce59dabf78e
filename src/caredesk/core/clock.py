"""The one clock every service reads, so tests move time instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """Return the current instant, timezone-aware UTC."""
    return _source()


def set_source(source: Callable[[], datetime]) -> Callable[[], datetime]:
    """Replace the clock (tests); returns the previous source so it can be restored."""
    global _source  # noqa: PLW0603
    previous = _source
    _source = source
    return previous
