"""A consistent copy of the embedded SQLite database, taken while CareDesk runs."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from django.db import connection


class BackupRefused(Exception):
    """The backup cannot be taken here (another database, an existing file)."""


def sqlite_backup(*, target: Path) -> int:
    """Copy the database into a new file with SQLite's online backup; returns its size.

    Health information stays encrypted in the copy; the keys are not in it (keep them apart)."""
    if connection.vendor != "sqlite":
        raise BackupRefused("The database is not SQLite: back it up with pg_dump.")
    if target.exists():
        raise BackupRefused(f"{target} already exists; choose a new file name.")
    connection.ensure_connection()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)
    finally:
        dest.close()
    return target.stat().st_size
