"""Changing audit rows the way an attacker with the database's owner rights would: the
append-only trigger is switched off first (inside the test's transaction), then plain SQL."""

from __future__ import annotations

from django.db import connection

_OFF = {
    "postgresql": "ALTER TABLE compliance_auditentry DISABLE TRIGGER compliance_audit_append_only",
    "sqlite": "DROP TRIGGER IF EXISTS compliance_audit_append_only",
}


def tamper(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_OFF[connection.vendor])
        cursor.execute(statement, params or [])
