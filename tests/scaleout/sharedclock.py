"""A clock shared by separate processes: the real time plus an offset kept in a file.

Only the scale-out test's processes install it (tests/scaleout/settings.py); the product has no
such setting. The test writes the offset atomically (a new file renamed over the old one), and
each process re-reads it when the file changes, which costs one stat() per reading of the clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.apps import AppConfig

CLOCK_FILE = "CAREDESK_TEST_CLOCK_FILE"


def write_offset(path: Path, seconds: float) -> None:
    """Move every process's clock to real time + `seconds` (atomically)."""
    fresh = path.with_name(path.name + ".new")
    fresh.write_text(repr(float(seconds)))
    os.replace(fresh, path)


class FileClock:
    def __init__(self, path: str) -> None:
        self.path = path
        self._state: tuple[tuple[int, int], timedelta] = ((-1, -1), timedelta(0))

    def __call__(self) -> datetime:
        stat = os.stat(self.path)
        key = (stat.st_ino, stat.st_mtime_ns)
        state = self._state  # one read: threads may replace it meanwhile
        if state[0] != key:
            state = (key, timedelta(seconds=float(Path(self.path).read_text())))
            self._state = state
        return datetime.now(UTC) + state[1]


class SharedClockConfig(AppConfig):
    name = "tests.scaleout"
    label = "scaleout_shared_clock"

    def ready(self) -> None:
        from caredesk.core import clock

        path = os.environ.get(CLOCK_FILE)
        if path:
            clock.set_source(FileClock(path))
