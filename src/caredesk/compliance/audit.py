"""Write access-audit entries: `record(...)` is the one way in.

Entries are chained in one order across every process: PostgreSQL takes a transaction-scoped
advisory lock; SQLite's write transactions (IMMEDIATE) are already one at a time. The entry is
written inside the caller's transaction when there is one, so an audited change and its entry
commit or roll back together. A read recorded outside any transaction on PostgreSQL (a page
view) skips the lock: it reads the head and appends with one self-committing INSERT, and the
unique `seq` turns away a writer that read the same head as another, which then tries again
under the lock.

A change that records several entries in one transaction (opening a ticket: its creation, then
each protocol's change) may hold them back with `deferred()`: they are appended together when
the block ends, with one lock, one head read and one INSERT, as the transaction's last writes.
The chain's lock is then held only from that append to the commit, not while the rest of the
change is written, so concurrent changes wait on each other for the shortest time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest

from caredesk.compliance.chain import GENESIS, HASHED_FIELDS, entry_hash
from caredesk.compliance.models import AuditEntry, ChainAnchor
from caredesk.core import clock
from caredesk.core.forwarded import request_client_address
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


# Roles by account, kept briefly: reading them costs a query on every recorded page view. A
# change of someone's groups in this process drops theirs at once (compliance/apps.py).
ROLE_SECONDS = 30.0
_roles: dict[int, tuple[float, str]] = {}


def forget_role(user_id: int | None) -> None:
    _roles.pop(user_id or 0, None)


def _role_read(user: Any) -> str:
    names = sorted(user.groups.values_list("name", flat=True))
    if names:
        return ", ".join(names)
    if user.is_superuser:
        return "superuser"
    if user.user_permissions.exists():  # given permissions directly, outside any role
        return "staff"
    contact = getattr(user, "contact", None)
    if contact is not None and contact.is_org_admin:
        return "client admin"
    return "requester"


def role_of(user: Any) -> str:
    """A short description of the actor's role at the moment of access (read at most
    ROLE_SECONDS earlier)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if getattr(user, "is_superuser", False):
        return "superuser"
    now = time.monotonic()
    hit = _roles.get(user.pk)
    if hit is not None and now - hit[0] < ROLE_SECONDS:
        return hit[1]
    role = _role_read(user)
    _roles[user.pk] = (now, role)
    return role


def _request_facts(request: HttpRequest | None) -> tuple[str, str, str]:
    if request is None:
        return "", "", ""
    ip = request_client_address(request)[:45]
    agent = str(request.META.get("HTTP_USER_AGENT", ""))[:300]
    request_id = str(getattr(request, "request_id", "") or "")[:64]
    return ip, agent, request_id


# PostgreSQL: take the lock and read the head in one round trip. The second statement gets its
# own snapshot (READ COMMITTED), taken after the lock is held, so it sees the latest entry.
_PG_HEAD = f"SELECT seq, hash FROM {AuditEntry._meta.db_table} ORDER BY seq DESC LIMIT 1"  # noqa: S608
_PG_LOCK_AND_HEAD = f"SELECT pg_advisory_xact_lock({LOCK_KEY}); {_PG_HEAD}"


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
    return _anchor_head()


def _anchor_head() -> tuple[int, str]:
    """The head of an empty chain: just before its anchor, or the very start."""
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
    facts = (actor_id, role, ip, agent, request_id)
    held = getattr(_held, "entries", None)
    if held is not None and not connection.get_autocommit():
        entries = _unsealed(accesses, facts)
        held.extend(entries)  # numbered, chained and written when deferred() ends
        return entries
    for attempt in range(_ATTEMPTS):
        try:
            if attempt == 0 and connection.vendor == "postgresql" and connection.get_autocommit():
                return _append_autocommit(accesses, facts)
            entries = _unsealed(accesses, facts)
            _append_locked(entries)
            return entries
        except IntegrityError:
            # another writer took the same numbers first (only possible on PostgreSQL, where a
            # read outside a transaction first tries without the lock): again, under the lock
            if connection.vendor != "postgresql" or attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


_ATTEMPTS = 50
_held = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back the entries recorded inside a transaction in this block, then append them
    together when it ends (see the module's notes). Use it around the writes of one change,
    inside its transaction, with nothing slow between the block's end and the commit.

    Entries recorded outside a transaction are written at once as always; an error in the block
    drops the held entries with the transaction that rolls back. Nested blocks join the
    outermost one.
    """
    if getattr(_held, "entries", None) is not None:
        yield
        return
    _held.entries = []
    try:
        yield
        entries = _held.entries
    finally:
        _held.entries = None
    if not entries:
        return
    for attempt in range(_ATTEMPTS):
        try:
            _append_locked(entries)
            return
        except IntegrityError:  # as in record_many(): a lock-free appender took the numbers
            if connection.vendor != "postgresql" or attempt == _ATTEMPTS - 1:
                raise


def _append_locked(entries: list[AuditEntry]) -> None:
    """Number, chain and insert entries under the chain's lock, in the caller's transaction
    (or a new one).

    On PostgreSQL a savepoint lets the caller try again after an IntegrityError (a read
    appending without the lock took these numbers first) without spoiling its transaction.
    SQLite's write transaction shuts out every other writer, so no savepoint is needed there.
    """
    if connection.vendor == "postgresql" and not connection.get_autocommit():
        _append_pg_in_transaction(entries)
        return
    with transaction.atomic(savepoint=connection.vendor == "postgresql"):
        first_seq, prev = _locked_head()
        _seal(entries, first_seq, prev)
        AuditEntry.objects.bulk_create(entries)
        _checkpoint_when_due(first_seq, entries[-1])


# Inside a transaction on PostgreSQL: the savepoint, the lock and the head in one round trip,
# then the INSERT and the savepoint's release in a second (four round trips before).
_PG_SAVEPOINT = "cd_audit_append"
_PG_SAVEPOINT_LOCK_AND_HEAD = f"SAVEPOINT {_PG_SAVEPOINT}; {_PG_LOCK_AND_HEAD}"
_PG_UNDO = f"ROLLBACK TO SAVEPOINT {_PG_SAVEPOINT}; RELEASE SAVEPOINT {_PG_SAVEPOINT}"


def _append_pg_in_transaction(entries: list[AuditEntry]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_PG_SAVEPOINT_LOCK_AND_HEAD)
        cursor.nextset()
        cursor.nextset()
        last = cursor.fetchone()
        first_seq, prev = (int(last[0]), str(last[1])) if last else _anchor_head()
        _seal(entries, first_seq, prev)
        sql, params = _insert_sql(entries)
        try:
            cursor.execute(f"{sql}; RELEASE SAVEPOINT {_PG_SAVEPOINT}", params)
        except IntegrityError:
            cursor.execute(
                f"ROLLBACK TO SAVEPOINT {_PG_SAVEPOINT}; RELEASE SAVEPOINT {_PG_SAVEPOINT}"
            )
            raise
        _returned_ids(cursor, entries)
    _checkpoint_when_due(first_seq, entries[-1])


def _seal(entries: list[AuditEntry], first_seq: int, prev: str) -> None:
    """Number entries after `first_seq`, each sealed with the previous one's hash."""
    for n, entry in enumerate(entries, start=1):
        entry.seq = first_seq + n
        entry.prev_hash = prev
        entry.hash = prev = entry_hash(prev, content_of(entry))


def _chained(
    accesses: Sequence[Access], facts: tuple[Any, ...], first_seq: int, prev: str
) -> list[AuditEntry]:
    """Unsaved entries numbered after `first_seq`, each sealed with the previous one's hash."""
    entries = _unsealed(accesses, facts)
    _seal(entries, first_seq, prev)
    return entries


def _unsealed(accesses: Sequence[Access], facts: tuple[Any, ...]) -> list[AuditEntry]:
    """Unsaved entries, not numbered or chained yet."""
    actor_id, role, ip, agent, request_id = facts
    at = clock.now()
    entries = []
    for access in accesses:
        entry = AuditEntry(
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
        )
        entries.append(entry)
    return entries


_INSERTED = tuple(HASHED_FIELDS) + ("prev_hash", "hash")


def _append_autocommit(accesses: Sequence[Access], facts: tuple[Any, ...]) -> list[AuditEntry]:
    """PostgreSQL outside a transaction (a page or an API read): read the head, then one INSERT
    that commits by itself. Two round trips instead of five; the unique `seq` refuses a writer
    that read the same head as another, and record_many() then tries again."""
    with connection.cursor() as cursor:
        cursor.execute(_PG_HEAD)
        last = cursor.fetchone()
    first_seq, prev = (int(last[0]), str(last[1])) if last else _anchor_head()
    entries = _chained(accesses, facts, first_seq, prev)
    sql, params = _insert_sql(entries)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        _returned_ids(cursor, entries)
    _checkpoint_when_due(first_seq, entries[-1])
    return entries


def _insert_sql(entries: list[AuditEntry]) -> tuple[str, list[Any]]:
    """One INSERT of sealed entries, returning their ids (PostgreSQL)."""
    row = "(" + ", ".join("%s::jsonb" if c == "fields" else "%s" for c in _INSERTED) + ")"
    params: list[Any] = []
    for e in entries:
        params += [json.dumps(e.fields) if c == "fields" else getattr(e, c) for c in _INSERTED]
    sql = (
        f"INSERT INTO {AuditEntry._meta.db_table} ({', '.join(_INSERTED)})"  # noqa: S608
        f" VALUES {', '.join([row] * len(entries))} RETURNING id"
    )
    return sql, params


def _returned_ids(cursor: Any, entries: list[AuditEntry]) -> None:
    for entry, (pk,) in zip(entries, cursor.fetchall(), strict=True):
        entry.pk = pk
        entry._state.adding = False


def _checkpoint_when_due(before: int, last: AuditEntry) -> None:
    """Every CAREDESK_AUDIT_CHECKPOINT_EVERY entries, sign the head once it is committed."""
    every = settings.CAREDESK_AUDIT_CHECKPOINT_EVERY
    if every <= 0 or before // every == last.seq // every:
        return
    from caredesk.compliance.checkpoints import checkpoint_write

    seq, digest, at = last.seq, last.hash, last.at
    transaction.on_commit(lambda: checkpoint_write(seq=seq, hash=digest, at=at))
