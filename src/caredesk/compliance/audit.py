"""Write access-audit entries: `record(...)` is the one way in.

Entries are chained in one order across every process: PostgreSQL takes a transaction-scoped
advisory lock; SQLite's write transactions (IMMEDIATE) are already one at a time. The entry is
written inside the caller's transaction when there is one, so an audited change and its entry
commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from caredesk.compliance.chain import GENESIS, entry_hash
from caredesk.compliance.models import AuditEntry, ChainAnchor
from caredesk.core import clock
from caredesk.core.middleware import current_request

LOCK_KEY = 0x43444155  # "CDAU": the advisory lock that orders the chain on PostgreSQL


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def content_of(entry: AuditEntry) -> dict[str, Any]:
    """The hashed content of a stored entry, in the chain module's form."""
    return {
        "seq": entry.seq,
        "at": iso(entry.at),
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "ticket_id": entry.ticket_id,
        "organization_id": entry.organization_id,
        "fields": list(entry.fields),
        "reason": entry.reason,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "request_id": entry.request_id,
    }


def role_of(user: Any) -> str:
    """A short description of the actor's role at the moment of access."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if getattr(user, "is_superuser", False):
        return "superuser"
    cached = getattr(user, "_audit_role", None)
    if cached is None:
        names = sorted(user.groups.values_list("name", flat=True))
        if names:
            cached = ", ".join(names)
        elif getattr(user, "contact_id", None):
            cached = "requester"
        else:
            cached = "user"
        user._audit_role = cached
    return str(cached)


def _request_facts(request: HttpRequest | None) -> tuple[str, str, str]:
    if request is None:
        return "", "", ""
    ip = str(request.META.get("REMOTE_ADDR", ""))[:45]
    agent = str(request.META.get("HTTP_USER_AGENT", ""))[:300]
    request_id = str(getattr(request, "request_id", "") or "")[:64]
    return ip, agent, request_id


# PostgreSQL: take the lock and read the head in one round trip. The second statement gets its
# own snapshot (READ COMMITTED), taken after the lock is held, so it sees the latest entry.
_PG_LOCK_AND_HEAD = (
    f"SELECT pg_advisory_xact_lock({LOCK_KEY});"
    f" SELECT seq, hash FROM {AuditEntry._meta.db_table} ORDER BY seq DESC LIMIT 1"
)


def _locked_head() -> tuple[int, str]:
    """Order this writer after every other (PostgreSQL) and return the chain's (seq, hash)."""
    last: Any = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_LOCK_AND_HEAD)
            cursor.nextset()
            last = cursor.fetchone()
    else:  # SQLite: the IMMEDIATE transaction already holds the database's one write lock
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None:
        return int(last[0]), str(last[1])
    anchor = ChainAnchor.objects.values_list("seq", "prev_hash").first()
    if anchor is not None:
        return int(anchor[0]) - 1, str(anchor[1])
    return 0, GENESIS


@dataclass(frozen=True)
class Access:
    """One thing seen or changed, for `record_many` (the same meaning as record()'s arguments)."""

    action: str
    object_type: str = ""
    object_id: object = ""
    ticket_id: int | None = None
    organization_id: int | None = None
    fields: Sequence[str] = ()
    reason: str = ""


def record(
    *,
    action: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: object = "",
    ticket_id: int | None = None,
    organization_id: int | None = None,
    fields: Sequence[str] = (),
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the audit chain and return it.

    `actor` defaults to the request's user; `request` defaults to the request being served.
    Never pass PHI or message text: `fields` names what was touched, not its values.
    """
    access = Access(action, object_type, object_id, ticket_id, organization_id, fields, reason)
    return record_many(accesses=[access], actor=actor, request=request)[0]


def record_many(
    *,
    accesses: Sequence[Access],
    actor: Any = None,
    request: HttpRequest | None = None,
    role: str | None = None,
) -> list[AuditEntry]:
    """Append one entry per access, by one actor in one request, with a single INSERT.

    `role` names the actor's role when there is no account to read it from.
    """
    if not accesses:
        return []
    if request is None:
        request = current_request()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    role = role_of(actor) if role is None else role
    ip, agent, request_id = _request_facts(request)
    with transaction.atomic():
        first_seq, prev = _locked_head()
        at = clock.now()
        entries = []
        for n, access in enumerate(accesses, start=1):
            entry = AuditEntry(
                seq=first_seq + n,
                at=at,
                actor_id=actor_id,
                actor_role=role,
                action=access.action,
                object_type=access.object_type,
                object_id=str(access.object_id)[:64],
                ticket_id=access.ticket_id,
                organization_id=access.organization_id,
                fields=sorted(set(access.fields)),
                reason=access.reason,
                ip=ip,
                user_agent=agent,
                request_id=request_id,
                prev_hash=prev,
            )
            entry.hash = prev = entry_hash(prev, content_of(entry))
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries)
        _checkpoint_when_due(first_seq, entries[-1])
    return entries


def _checkpoint_when_due(before: int, last: AuditEntry) -> None:
    """Every CAREDESK_AUDIT_CHECKPOINT_EVERY entries, sign the head once it is committed."""
    every = settings.CAREDESK_AUDIT_CHECKPOINT_EVERY
    if every <= 0 or before // every == last.seq // every:
        return
    from caredesk.compliance.checkpoints import checkpoint_write

    seq, digest, at = last.seq, last.hash, last.at
    transaction.on_commit(lambda: checkpoint_write(seq=seq, hash=digest, at=at))
