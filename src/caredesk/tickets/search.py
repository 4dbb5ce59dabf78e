"""Full-text search: ranked tickets with highlighted snippets, as the viewer may see them.

The index (one document per ticket, kept in step by database triggers: migration 0013) holds
the subject, the unencrypted form answers, every message and the tags; encrypted health
information is never in it and is found, as before, only by its exact value (blind index).
SQLite uses FTS5 and PostgreSQL a GIN-indexed tsvector; both fold case and accents the same
way and match every word of the query, words of three letters or more as word beginnings,
so the same words find the same tickets on both.
"""

from __future__ import annotations

import importlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from caredesk.accounts.capabilities import reads_internal_notes
from caredesk.accounts.models import User
from caredesk.core.errors import ValidationFailed
from caredesk.core.phi import PhiText, Unreadable
from caredesk.tickets.models import PHI_FIELDS, Channel, Message, MessageKind, Status, Ticket
from caredesk.tickets.pure import pk_from_ref

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
PREFIX_FROM = 3  # words of this length or more match as word beginnings
PAGE_SIZE = 20
MAX_PAGE = 25
SNIPPET_WIDTH = 180
# A query matching more tickets than this is broad: only its BROAD most recent matches (by
# ticket number) are ranked, or listed by the queue's search box, and the page says so. Reading
# and scoring every match of a word in a third of the desk took seconds; this bounds the work.
BROAD = 2_000
# On PostgreSQL a query's matches are read once, newest first, and at most CAP of them: the GIN
# index is scanned once per search. A word the planner expects in so many tickets that one and a
# half times BROAD of its matches fall among the RECENT_WINDOW most recent tickets (a common
# word) is first looked for there, walking the primary key backwards (about 1 µs a ticket, half
# the cost of reading a match), which reads no other match.
RECENT_WINDOW = 50 * BROAD
CAP = 50 * BROAD


# Accents as the index folds them (SQLite's unicode61 tokenizer with remove_diacritics 2; on
# PostgreSQL `tickets_search_fold`, migration 0013): a letter decomposed (NFD) without its
# combining marks U+0300-U+036F.
def _unaccented(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not 0x300 <= ord(c) <= 0x36F)
    return base if len(base) == 1 else ch


_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without the accents the index ignores; as long as `text`, character for
    character (so positions found in the folded text mark the original)."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
            continue
        low = ch.lower()
        out.append(_unaccented(low if len(low) == 1 else ch))
    return "".join(out)


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool

    def matches(self, word: str) -> bool:
        return word.startswith(self.word) if self.prefix else word == self.word


def terms_of(text: str) -> list[Term]:
    """The words of a query, folded, each once, at most MAX_TERMS."""
    seen: list[Term] = []
    for found in _WORD.findall(fold(text)):
        word = found[:MAX_TERM_LENGTH]
        term = Term(word, prefix=len(word) >= PREFIX_FROM)
        if term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def _fts5_query(terms: list[Term], *, internal: bool) -> str:
    words = " AND ".join(f'"{t.word}"' + ("*" if t.prefix else "") for t in terms)
    return words if internal else "{subject public} : (" + words + ")"


def _tsquery(terms: list[Term]) -> str:
    return " & ".join(t.word + (":*" if t.prefix else "") for t in terms)


def _matching_ids_sql(terms: list[Term], *, internal: bool) -> tuple[str, list[Any]]:
    """SQL selecting the ids of the tickets whose document has every term."""
    if connection.vendor == "postgresql":
        column = "everything" if internal else "public"
        return (
            f"SELECT ticket_id FROM tickets_ticketsearch WHERE {column} @@ "  # noqa: S608
            "to_tsquery('simple', %s)",
            [_tsquery(terms)],
        )
    return (
        "SELECT rowid FROM tickets_ticketsearch WHERE tickets_ticketsearch MATCH %s",
        [_fts5_query(terms, internal=internal)],
    )


def text_match(user: User, text: str, *, every: bool = False) -> Q:
    """Tickets whose indexed text (as `user` may read it) has every word of `text`: all of
    them, or for a broad query (unless `every`) the BROAD most recent; `text_match_among`
    says which.

    The matches are read first and the list filters by primary key: a list ordered by another
    index would otherwise walk that index past every ticket that does not match. With `every`
    (an export), the matches of a broad query stay a subquery."""
    return text_match_among(user, text, every=every)[0]


def text_match_among(user: User, text: str, *, every: bool = False) -> tuple[Q, int | None]:
    """`text_match`, and None when every match is in it, else how many of the most recent."""
    terms = terms_of(text)
    if not terms:
        return Q(pk__in=[]), None
    internal = reads_internal_notes(user)
    ids, among = _matches(terms, internal=internal)
    if among and every:
        sql, params = _matching_ids_sql(terms, internal=internal)
        # the SQL is fixed text; the words travel as a parameter
        return Q(pk__in=RawSQL(sql, params)), None  # noqa: S611
    return _among_ids(ids), among


class _AnyOf(Lookup):
    """`column = ANY(array)`: a list of ids as one array parameter (PostgreSQL). Used as an
    expression, never registered on a field."""

    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def _among_ids(ids: list[int]) -> Q:
    """Tickets among these ids; on PostgreSQL as one array parameter (2,000 placeholders cost
    more to send and plan than the lookups they ask for)."""
    if connection.vendor == "postgresql" and len(ids) > PAGE_SIZE:
        return Q(_AnyOf(F("pk"), ids))
    return Q(pk__in=ids)


def _matches(terms: list[Term], *, internal: bool) -> tuple[list[int], int | None]:
    """The ids of the matching tickets when there are at most BROAD (and None), else the ids
    of the BROAD most recent ones (and BROAD). Five statements at most, however broad."""
    sql, params = _matching_ids_sql(terms, internal=internal)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _pg_matches(cursor, sql, params, internal=internal)
        cursor.execute(f"{sql} LIMIT %s", [*params, BROAD + 1])
        ids = [int(row[0]) for row in cursor.fetchall()]
        if len(ids) <= BROAD:
            return ids, None
        # FTS5 reads its matches by rowid, either way
        cursor.execute(f"{sql} ORDER BY rowid DESC LIMIT %s", [*params, BROAD])
        return [int(row[0]) for row in cursor.fetchall()], BROAD


def _pg_matches(
    cursor: Any, sql: str, params: list[Any], *, internal: bool
) -> tuple[list[int], int | None]:
    """PostgreSQL: `_matches`. The matches are read once from the GIN index, at most CAP of
    them, and the newest kept; the window function counts them in the same statement, so a
    narrow query costs one statement after the plan. A common word (by the planner's estimate)
    is looked for among the most recent tickets first, and so is a word with more than CAP
    matches the planner did not foresee; every match, sorted, is the last resort."""
    cursor.execute("SELECT max(ticket_id) FROM tickets_ticketsearch")
    newest = int(cursor.fetchone()[0] or 0)
    walk = newest > RECENT_WINDOW  # else the walk would read the whole desk: read the matches
    common = walk and 2 * _planned_rows(cursor, sql, params) * RECENT_WINDOW >= 3 * BROAD * newest
    if common and (ids := _recent_by_key(cursor, newest, params, internal=internal)):
        return ids, BROAD
    cursor.execute(
        f"SELECT ticket_id, count(*) OVER () FROM ({sql} LIMIT %s) m "  # noqa: S608
        "ORDER BY ticket_id DESC LIMIT %s",
        [*params, CAP, BROAD + 1],
    )
    rows = cursor.fetchall()
    ids = [int(row[0]) for row in rows]
    matched = int(rows[0][1]) if rows else 0
    if matched <= BROAD:
        return ids, None
    if matched < CAP:
        return ids[:BROAD], BROAD
    if walk and not common and (ids := _recent_by_key(cursor, newest, params, internal=internal)):
        return ids, BROAD
    cursor.execute(f"{sql} ORDER BY ticket_id + 0 DESC LIMIT %s", [*params, BROAD])
    return [int(row[0]) for row in cursor.fetchall()], BROAD


def _recent_by_key(cursor: Any, newest: int, params: list[Any], *, internal: bool) -> list[int]:
    """The BROAD most recent matches among the RECENT_WINDOW most recent tickets, read from the
    end of the primary key (each ticket's document tested, not the GIN index); [] unless more
    than BROAD are there (then the query is broad and these are its most recent matches)."""
    column = "everything" if internal else "public"
    cursor.execute(
        "SELECT ticket_id FROM tickets_ticketsearch WHERE ticket_id > %s "  # noqa: S608
        f"AND coalesce({column} @@ to_tsquery('simple', %s), false) "  # not by the GIN
        "ORDER BY ticket_id DESC LIMIT %s",
        [newest - RECENT_WINDOW, *params, BROAD + 1],
    )
    ids = [int(row[0]) for row in cursor.fetchall()]
    return ids[:BROAD] if len(ids) > BROAD else []


def _planned_rows(cursor: Any, sql: str, params: list[Any]) -> int:
    """How many rows the planner expects `sql` to select (no row is read)."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def _ranked_sql(terms: list[Term], *, internal: bool, within: str | None) -> tuple[str, list[Any]]:
    """SQL of the matching ticket ids among `within` (a subquery of ids; None: all), best
    first, with its LIMIT and OFFSET parameters last."""
    if connection.vendor == "postgresql":
        column = "everything" if internal else "public"
        among = f"AND s.ticket_id IN ({within}) " if within else ""
        sql = (
            f"SELECT s.ticket_id FROM tickets_ticketsearch s, to_tsquery('simple', %s) q "  # noqa: S608
            f"WHERE s.{column} @@ q {among}"
            f"ORDER BY ts_rank(s.{column}, q, 1) DESC, s.ticket_id DESC LIMIT %s OFFSET %s"
        )
        return sql, [_tsquery(terms)]
    # bm25: lower is better; the subject weighs ten times a message
    among = f"AND rowid IN ({within}) " if within else ""
    sql = (
        "SELECT rowid FROM tickets_ticketsearch WHERE tickets_ticketsearch MATCH %s "  # noqa: S608
        f"{among}"
        "ORDER BY bm25(tickets_ticketsearch, 10.0, 1.0, 1.0), rowid DESC LIMIT %s OFFSET %s"
    )
    return sql, [_fts5_query(terms, internal=internal)]


@dataclass(frozen=True)
class SearchFilters:
    q: str
    status: str | None = None
    custom_status: int | None = None  # a custom status's id (its tickets only)
    priority: int | None = None
    team: int | None = None
    assignee: int | None = None
    channel: str | None = None
    organization: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    page: int = 1


@dataclass(frozen=True)
class Snippet:
    """Where the words were found ("Subject", "Internal note", ...) and the text around
    them, as (text, marked) pieces: the template escapes the text and marks the words."""

    where: str
    pieces: list[tuple[str, bool]]

    @property
    def html(self) -> str:
        from django.utils.html import escape

        return "".join(f"<mark>{escape(t)}</mark>" if m else escape(t) for t, m in self.pieces)


@dataclass(frozen=True)
class Hit:
    ticket: Ticket
    exact: bool  # found by reference or by a health identifier, not by its words
    subject: list[tuple[str, bool]]
    snippets: list[Snippet] = field(default_factory=list)


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    page: int
    has_more: bool
    terms: list[Term]
    among: int | None = None  # a broad query: only this many of the most recent matches ranked


def _check(f: SearchFilters) -> list[Term]:
    errors: dict[str, list[str]] = {}
    terms = terms_of(f.q)
    if not terms and pk_from_ref(f.q.strip()) is None:
        errors["q"] = ["Type at least one word to search for."]
    if f.status is not None and f.status not in Status.values:
        errors["status"] = [f"Choose one of: {', '.join(Status.values)}."]
    if f.channel is not None and f.channel not in Channel.values:
        errors["channel"] = [f"Choose one of: {', '.join(Channel.values)}."]
    if f.created_from and f.created_to and f.created_from > f.created_to:
        errors["created_to"] = ["The end of the period comes before its start."]
    if not 1 <= f.page <= MAX_PAGE:
        errors["page"] = [f"Use 1 to {MAX_PAGE}."]
    if errors:
        raise ValidationFailed("The search is not valid.", errors=errors)
    return terms


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(user: User, f: SearchFilters) -> QuerySet[Ticket]:
    from caredesk.tickets.selectors import tickets_visible

    exact: dict[str, Any] = {
        "status": f.status,
        "custom_status_id": f.custom_status,
        "priority": f.priority,
        "team_id": f.team,
        "assignee_id": f.assignee,
        "channel": f.channel,
        "organization_id": f.organization,
    }
    qs = tickets_visible(user).filter(**{k: v for k, v in exact.items() if v is not None})
    if f.created_from:
        qs = qs.filter(created_at__gte=_day_start(f.created_from))
    if f.created_to:
        qs = qs.filter(created_at__lt=_day_start(f.created_to) + timedelta(days=1))
    return qs


def _exact_ids(user: User, f: SearchFilters, qs: QuerySet[Ticket]) -> list[int]:
    """Tickets named by the query itself: a reference, or (for people with access to PHI) a
    patient, clinician or encounter ID typed in full."""
    from caredesk.tickets.selectors import can_view_phi, phi_match

    text = f.q.strip()
    pk = pk_from_ref(text)
    found = Q(pk=pk) if pk is not None else Q(pk__in=[])
    if can_view_phi(user) and len(text) <= 64:
        for name in PHI_FIELDS:
            found |= phi_match(name, text)
    elif pk is None:
        return []
    return list(qs.filter(found).order_by("-updated_at", "-pk").values_list("pk", flat=True)[:10])


def _id_list(ids: list[int]) -> tuple[str, tuple[Any, ...]]:
    """A subquery of these ids, as one parameter."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", (ids,)
    return "SELECT value FROM json_each(%s)", (json.dumps(ids),)


def _ranked_ids(
    user: User, terms: list[Term], qs: QuerySet[Ticket], page: int
) -> tuple[list[int], int | None]:
    """One page of matching ids, best first (and one more, if any); and None when every match
    was ranked, else how many of the most recent matches were."""
    if not terms:
        return [], None
    internal = reads_internal_notes(user)
    ids, among = _matches(terms, internal=internal)
    within: str | None = None
    params: tuple[Any, ...] = ()
    if qs.query.where or among:  # filters or visibility, or a broad query: these only
        kept = (
            list(qs.filter(_among_ids(ids)).values_list("pk", flat=True)) if qs.query.where else ids
        )
        if not kept:
            return [], among
        within, params = _id_list(kept)
    sql, head = _ranked_sql(terms, internal=internal, within=within)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, *params, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE])
        return [int(row[0]) for row in cursor.fetchall()], among


def ticket_search(*, user: User, filters: SearchFilters) -> SearchPage:
    """One page of the tickets `user` may see that match, best first, with snippets: a
    ticket named exactly comes first; a constant number of queries per page."""
    from caredesk.tickets.selectors import LIST_RELATED

    terms = _check(filters)
    qs = _filtered(user, filters)
    exact = _exact_ids(user, filters, qs) if filters.page == 1 else []
    ranked_ids, among = _ranked_ids(user, terms, qs, filters.page)
    ranked = [pk for pk in ranked_ids if pk not in exact]
    has_more = len(ranked) > PAGE_SIZE
    ids = exact + ranked[:PAGE_SIZE]
    found = Ticket.objects.select_related(*LIST_RELATED).prefetch_related("tags").in_bulk(ids)
    tickets = [found[pk] for pk in ids if pk in found]
    texts = _message_texts(user, [t.pk for t in tickets])
    hits = [
        Hit(
            ticket=t,
            exact=t.pk in exact,
            subject=highlight(t.subject, terms, whole=True) or [(t.subject, False)],
            snippets=_snippets(t, texts.get(t.pk, []), terms, internal=reads_internal_notes(user)),
        )
        for t in tickets
    ]
    return SearchPage(hits=hits, page=filters.page, has_more=has_more, terms=terms, among=among)


WHERE = {
    MessageKind.PUBLIC: "Reply",
    MessageKind.INTERNAL: "Internal note",
    MessageKind.SYSTEM: "System",
}


def _message_texts(user: User, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(kind, body) of the messages of these tickets the user may read, newest first."""
    kinds = list(WHERE) if reads_internal_notes(user) else [MessageKind.PUBLIC]
    rows = (
        Message.objects.filter(ticket_id__in=ids, kind__in=kinds)
        .order_by("-created_at", "-id")
        .values_list("ticket_id", "kind", "body_text")
    )
    texts: dict[int, list[tuple[str, str]]] = {}
    for ticket_id, kind, body in rows:
        texts.setdefault(ticket_id, []).append((kind, body))
    return texts


def _snippets(
    ticket: Ticket, messages: list[tuple[str, str]], terms: list[Term], *, internal: bool
) -> list[Snippet]:
    """Up to two places, besides the subject, where the words were found: messages (newest
    first), the requester, form answers that are not health information, then tags (for
    agents)."""
    places: list[tuple[str, str]] = [(WHERE[MessageKind(k)], body) for k, body in messages]
    requester = ticket.requester
    places.append(("Requester", f"{requester.name} {requester.email or ''}".strip()))
    for key, value in (ticket.form_data or {}).items():
        if isinstance(value, str) and not isinstance(value, PhiText | Unreadable):
            places.append((f"Answer: {key}", value))
    if internal:
        places += [("Tags", " ".join(t.name for t in ticket.tags.all()))]
    out: list[Snippet] = []
    for where, text in places:
        pieces = highlight(text, terms)
        if pieces:
            out.append(Snippet(where, pieces))
        if len(out) == 2:
            break
    return out


def highlight(
    text: str, terms: list[Term], *, width: int = SNIPPET_WIDTH, whole: bool = False
) -> list[tuple[str, bool]] | None:
    """The text around the first word found (all of it when `whole`), cut at word edges, as
    (text, marked) pieces; None when no word of the query is in it."""
    if not terms:
        return None
    folded = fold(text)
    spans = [m.span() for m in _WORD.finditer(folded) if any(t.matches(m.group()) for t in terms)]
    if not spans:
        return None
    start, end = 0, len(text)
    if not whole and len(text) > width:
        start = max(0, spans[0][0] - width // 3)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = min(len(text), start + width)
        while end < len(text) and not text[end].isspace():
            end += 1
    pieces: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    at = start
    for a, b in spans:
        if a < start or b > end:
            continue
        if a > at:
            pieces.append((text[at:a], False))
        pieces.append((text[a:b], True))
        at = b
    if end > at:
        pieces.append((text[at:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return pieces


def index_rebuild(*, batch: int = 2000) -> Iterator[int]:
    """Build every ticket's search document again, in batches of ids (each its own
    transaction); yields how many tickets are done. For data loaded past the triggers."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    index = importlib.import_module("caredesk.tickets.migrations.0013_search")
    done = 0
    steps = index.backfill(connection, batch)
    while True:
        with transaction.atomic():
            step = next(steps, None)
        if step is None:
            return
        done = step
        yield done
