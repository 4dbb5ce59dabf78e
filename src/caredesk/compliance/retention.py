"""Retention of the access audit: the oldest entries go, from the start of the chain only."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection, transaction

from caredesk.compliance.audit import LOCK_KEY, record
from caredesk.compliance.checkpoints import anchor_write
from caredesk.compliance.models import AuditAction, AuditEntry, ChainAnchor
from caredesk.core import clock

MIN_RETENTION_YEARS = 6


def years_before(instant: datetime, years: int) -> datetime:
    """The same calendar moment `years` earlier (29 February becomes 28 February)."""
    try:
        return instant.replace(year=instant.year - years)
    except ValueError:
        return instant.replace(year=instant.year - years, day=28)


def audit_purge() -> int:
    """Remove entries older than CAREDESK_AUDIT_RETENTION_YEARS from the chain's start.

    The chain's anchor moves to the first kept entry (with the last purged entry's hash), the
    new start is signed into the checkpoint file, and the purge is itself an audit entry.
    Returns how many entries were removed.
    """
    years = max(settings.CAREDESK_AUDIT_RETENTION_YEARS, MIN_RETENTION_YEARS)
    now = clock.now()
    cutoff = years_before(now, years)
    table = AuditEntry._meta.db_table
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        oldest = AuditEntry.objects.order_by("seq").values_list("seq", "at").first()
        if oldest is None or oldest[1] >= cutoff:
            return 0
        kept = AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").values("seq").first()
        head = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        first_kept = int(kept["seq"]) if kept else head + 1
        last_purged = AuditEntry.objects.filter(seq__lt=first_kept).order_by("-seq")
        last_seq, last_hash = last_purged.values_list("seq", "hash")[0]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # the append-only trigger lets this transaction's deletes through, no other's
                cursor.execute("SET LOCAL caredesk.audit_purge = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE seq < %s", [first_kept])  # noqa: S608
            removed: int = cursor.rowcount
        ChainAnchor.objects.all().delete()
        ChainAnchor.objects.create(seq=last_seq + 1, prev_hash=last_hash, purged_at=now)
        # Signed before commit: if the file cannot be written, nothing is purged.
        anchor_write(seq=last_seq + 1, prev_hash=last_hash)
        record(
            action=AuditAction.RECORDS_PURGED,
            object_type="audit_entries",
            object_id=f"{int(oldest[0])}-{last_seq}",
            reason=f"older than {years} years (before {cutoff.date().isoformat()})",
        )
    return removed
