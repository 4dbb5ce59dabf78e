"""Stored files of deleted rows go once the deletion has committed."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction


def delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files after commit: a rolled-back deletion keeps them."""
    wanted = [n for n in names if n]
    if not wanted:
        return

    def remove() -> None:
        for name in wanted:
            default_storage.delete(name)

    transaction.on_commit(remove)
