"""Key rotation: re-encrypt, in batches, every stored value and file not under the active key.

Each batch is one transaction and rows are walked in id order, so an interrupted rotation loses
nothing and a new run simply picks up what is still under an old key (or not yet encrypted).
Apps above the tickets with encrypted columns of their own register them (`sealed_register`, in
their ready()), so one rotation covers every model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from caredesk.accounts.models import Contact, SecondFactor
from caredesk.core.phi import (
    Unreadable,
    has_unreadable,
    index_fields,
    index_of,
    keyring,
    with_indexes,
)
from caredesk.core.phi_crypto import PREFIX, PhiDecryptError
from caredesk.core.phi_files import phi_storage
from caredesk.core.registries import Registry
from caredesk.tickets.models import PHI_FIELDS, Attachment, RequestField, Ticket, TicketEvent
from caredesk.tickets.services.phi import phi_answer_names, seal_answers


@dataclass(frozen=True)
class Sealed:
    """A model's encrypted columns, rotated (and counted) as one part of the progress."""

    part: str  # how the progress names it: "video sessions"
    model: Any
    fields: tuple[str, ...]
    index_part: str = ""  # the part that recomputes its blind indexes, when it has any


_registered: Registry[Sealed] = Registry("encrypted columns of other apps")


def sealed_register(sealed: Sealed) -> None:
    """Have key rotation re-encrypt (and `keys status` count) another app's encrypted columns."""
    _registered.register(sealed.part, sealed)


def sealed_models() -> list[Sealed]:
    """Every model with encrypted columns, in the order the progress reports them."""
    return [
        Sealed("ticket fields", Ticket, PHI_FIELDS, index_part="ticket search indexes"),
        *_registered,
        Sealed("contacts", Contact, ("date_of_birth",)),
        Sealed("authenticators", SecondFactor, ("secret",)),
    ]


@dataclass
class Progress:
    """What one batch did: its part, how many it re-encrypted, what could not be read."""

    part: str
    rewritten: int
    done: int
    remaining: int
    unreadable: list[str] = field(default_factory=list)


def _cast(qs: QuerySet[Any], name: str) -> QuerySet[Any]:
    annotated: QuerySet[Any] = qs.annotate(**{f"{name}_raw": Cast(name, TextField())})
    return annotated


def _stale_fields(fields: tuple[str, ...], active: str) -> Q:
    """Rows with an encrypted field set and not under the active key."""
    stale = Q()
    for name in fields:
        stale |= ~Q(**{f"{name}_raw": ""}) & ~Q(**{f"{name}_raw__startswith": f"{PREFIX}{active}:"})
    return stale


def _stale_tokens(name: str, active: str) -> Q:
    """JSON holding an encrypted value under another key."""
    return Q(**{f"{name}_raw__regex": f"{PREFIX}(?!{active}:)"})


def _rows(model: Any, fields: tuple[str, ...], active: str) -> QuerySet[Any]:
    qs: QuerySet[Any] = model.objects.all()
    for name in fields:
        qs = _cast(qs, name)
    return qs.filter(_stale_fields(fields, active))


def _forms(active: str) -> QuerySet[Ticket]:
    return _cast(Ticket.objects.all(), "form_data").filter(_stale_tokens("form_data", active))


def _events(active: str) -> QuerySet[TicketEvent]:
    qs = _cast(_cast(TicketEvent.objects.all(), "old"), "new")
    return qs.filter(_stale_tokens("old", active) | _stale_tokens("new", active))


def _rewriter(fields: tuple[str, ...]) -> Callable[[list[Any], list[str]], None]:
    """Re-save encrypted fields (and their blind indexes) under the active key."""

    def rewrite(rows: list[Any], unreadable: list[str]) -> None:
        for row in rows:
            if any(isinstance(getattr(row, name), Unreadable) for name in fields):
                unreadable.append(f"{row._meta.verbose_name} {getattr(row, 'ref', row.pk)}")
            row.save(update_fields=with_indexes(type(row), fields))

    return rewrite


def _rewrite_forms(rows: list[Ticket], unreadable: list[str]) -> None:
    for ticket in rows:
        if has_unreadable(ticket.form_data):
            unreadable.append(f"form answers of {ticket.ref}")
        Ticket.objects.filter(pk=ticket.pk).update(form_data=ticket.form_data)


def _rewrite_events(rows: list[TicketEvent], unreadable: list[str]) -> None:
    for event in rows:
        if has_unreadable(event.old) or has_unreadable(event.new):
            unreadable.append(f"event {event.pk}")
        TicketEvent.objects.filter(pk=event.pk).update(old=event.old, new=event.new)


# Rewrites a batch, noting what it could not read; returns how many rows it changed when that
# is not every readable row.
Rewrite = Callable[[list[Any], list[str]], int | None]


def _batches(part: str, qs: QuerySet[Any], batch: int, rewrite: Rewrite) -> Iterator[Progress]:
    """Walk the stale rows in id order, one transaction per batch."""
    last, done = 0, 0
    while True:
        with transaction.atomic():
            rows = list(qs.filter(pk__gt=last).select_for_update().order_by("pk")[:batch])
            if not rows:
                return
            unreadable: list[str] = []
            changed = rewrite(rows, unreadable)
        last, done = rows[-1].pk, done + len(rows)
        remaining = qs.filter(pk__gt=last).count()
        rewritten = len(rows) - len(unreadable) if changed is None else changed
        yield Progress(part, rewritten, done, remaining, unreadable)


def _attachment_batches(active: str, batch: int) -> Iterator[Progress]:
    """Files are checked by their header (the key id), then rewritten one by one."""
    last, done = 0, 0
    while True:
        rows = list(Attachment.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            return
        rewritten, unreadable = 0, []
        for att in rows:
            name = cast(str, att.file.name)  # a stored attachment always has its file's name
            try:
                if phi_storage.key_id(name) != active:
                    phi_storage.reseal(name)
                    rewritten += 1
            except (OSError, PhiDecryptError):
                unreadable.append(f"attachment {att.pk}")
        last, done = rows[-1].pk, done + len(rows)
        remaining = Attachment.objects.filter(pk__gt=last).count()
        yield Progress("attachments", rewritten, done, remaining, unreadable)


def _answers_marked_later(batch: int) -> Iterator[Progress]:
    """Answers given before their question was marked PHI: encrypted now. Only tickets of
    request types with PHI questions are read, in id order, one transaction per batch."""
    categories = list(
        RequestField.objects.filter(Q(phi=True) | Q(maps_to__in=PHI_FIELDS))
        .values_list("request_type_id", flat=True)
        .distinct()
    )
    names: dict[int | None, frozenset[str]] = {pk: phi_answer_names(pk) for pk in categories}
    qs = Ticket.objects.filter(category_id__in=categories).exclude(form_data={})
    last, done = 0, 0
    while True:
        with transaction.atomic():
            page = qs.filter(pk__gt=last).order_by("pk").only("pk", "category", "form_data")
            rows = list(page[:batch])
            if not rows:
                return
            sealed = 0
            for ticket in rows:
                marked = seal_answers(ticket.form_data, names[ticket.category_id])
                if any(type(marked[k]) is not type(v) for k, v in ticket.form_data.items()):
                    Ticket.objects.filter(pk=ticket.pk).update(form_data=marked)
                    sealed += 1
        last, done = rows[-1].pk, done + len(rows)
        remaining = qs.filter(pk__gt=last).count()
        yield Progress("answers marked PHI later", sealed, done, remaining)


def _indexed_rows(model: Any) -> QuerySet[Any]:
    """Rows with at least one blind index set."""
    any_index = Q()
    for index in index_fields(model).values():
        any_index |= ~Q(**{index: ""})
    rows: QuerySet[Any] = model.objects.filter(any_index)
    return rows


def _reindexer(model: Any) -> Rewrite:
    """Recompute blind indexes under the current index key; write only those that changed."""
    indexes = index_fields(model)

    def reindex(rows: list[Any], unreadable: list[str]) -> int:
        rewritten = 0
        for row in rows:
            changed = {}
            for source, index in indexes.items():
                value = getattr(row, source)
                if isinstance(value, Unreadable):
                    unreadable.append(f"{row._meta.verbose_name} {getattr(row, 'ref', row.pk)}")
                    continue
                digest = index_of(model, source, value)
                if getattr(row, index) != digest:
                    changed[index] = digest
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)
                rewritten += 1
        return rewritten

    return reindex


def keys_rotate(*, batch: int = 500) -> Iterator[Progress]:
    """Re-encrypt everything not under the active key, batch by batch (a generator: each
    step is one committed batch)."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    active = keyring().active_id
    sealed = sealed_models()
    for s in sealed:
        yield from _batches(s.part, _rows(s.model, s.fields, active), batch, _rewriter(s.fields))
    yield from _batches("form answers", _forms(active), batch, _rewrite_forms)
    yield from _answers_marked_later(batch)
    yield from _batches("event values", _events(active), batch, _rewrite_events)
    yield from _attachment_batches(active, batch)
    if keyring().previous_index_keys:
        # a new blind-index key: every search index is computed again (searches match both
        # keys meanwhile); then `index_previous` can be removed from the keys
        for s in sealed:
            if s.index_part:
                yield from _batches(
                    s.index_part, _indexed_rows(s.model), batch, _reindexer(s.model)
                )


def _field_counts(model: Any, fields: tuple[str, ...], ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in fields:
        qs = _cast(model.objects.all(), name).exclude(**{f"{name}_raw": ""})
        total = qs.count()
        for kid in ids:
            n = qs.filter(**{f"{name}_raw__startswith": f"{PREFIX}{kid}:"}).count()
            counts[kid] = counts.get(kid, 0) + n
            total -= n
        plain = qs.exclude(**{f"{name}_raw__startswith": PREFIX}).count()
        counts["not encrypted"] = counts.get("not encrypted", 0) + plain
        counts["unknown key"] = counts.get("unknown key", 0) + total - plain
    return counts


def keys_status() -> dict[str, dict[str, int]]:
    """Per part, how many stored values (rows, for JSON) are under each key ID; "not encrypted"
    counts values written before encryption, "unknown key" those under a key not configured."""
    ring = keyring()
    out = {s.part: _field_counts(s.model, s.fields, ring.ids) for s in sealed_models()}
    for part, qs, names in (
        ("form answers", _cast(Ticket.objects.all(), "form_data"), ["form_data"]),
        ("event values", _cast(_cast(TicketEvent.objects.all(), "old"), "new"), ["old", "new"]),
    ):
        counts = {}
        for kid in ring.ids:
            match = Q()
            for name in names:
                match |= Q(**{f"{name}_raw__contains": f"{PREFIX}{kid}:"})
            counts[kid] = qs.filter(match).count()
        out[part] = counts
    files: dict[str, int] = {}
    for name in Attachment.objects.values_list("file", flat=True).iterator():
        try:
            kid = phi_storage.key_id(name) or "not encrypted"
        except OSError:
            kid = "missing"
        files[kid] = files.get(kid, 0) + 1
    out["attachments"] = files
    return out
