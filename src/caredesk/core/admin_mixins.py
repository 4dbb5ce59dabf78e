"""Small helpers for the admin site."""

from __future__ import annotations

from typing import Any


class ReadOnlyAdmin:
    """Rows written only by CareDesk itself (logs, versions): shown, never added or edited."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
