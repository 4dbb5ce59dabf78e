"""Full-text search over published articles, the way tickets are searched (tickets/search.py):
the same folding and query words (every word must match, words of three letters or more as
word beginnings), SQLite FTS5 ranked by bm25, PostgreSQL a GIN-indexed tsvector with the
`simple` configuration ranked by ts_rank, the title weighing more than the body.

The index holds the published version only: the knowledge services write an article's row
when they publish it and remove it when they archive it.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from caredesk.tickets.search import _WORD, Term, fold, highlight, terms_of

# the best matches read before the filters and the page apply
RANKED_LIMIT = 500


def _words(text: str) -> str:
    """The text as the index holds it: folded, punctuation turned into spaces."""
    return " ".join(_WORD.findall(fold(text)))


def index_write(article_id: int, title: str, body_text: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO knowledge_articlesearch (article_id, document) VALUES (%s, "
                "setweight(to_tsvector('simple', %s), 'A') || to_tsvector('simple', %s)) "
                "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
                [article_id, _words(title), _words(body_text)],
            )
            return
        cursor.execute("DELETE FROM knowledge_articlesearch WHERE rowid = %s", [article_id])
        cursor.execute(
            "INSERT INTO knowledge_articlesearch (rowid, title, body) VALUES (%s, %s, %s)",
            [article_id, _words(title), _words(body_text)],
        )


def index_remove(article_id: int) -> None:
    column = "article_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM knowledge_articlesearch WHERE {column} = %s",  # noqa: S608
            [article_id],
        )


def ranked_ids(terms: list[Term], *, every: bool = True, limit: int = RANKED_LIMIT) -> list[int]:
    """The ids of the published articles holding every word (or, not `every`, any word as a
    word beginning), best first, at most `limit`."""
    if not terms:
        return []
    if connection.vendor == "postgresql":
        if every:
            query = " & ".join(t.word + (":*" if t.prefix else "") for t in terms)
        else:
            query = " | ".join(t.word + ":*" for t in terms)
        sql = (
            "SELECT article_id FROM knowledge_articlesearch "
            "WHERE document @@ to_tsquery('simple', %s) "
            "ORDER BY ts_rank(document, to_tsquery('simple', %s)) DESC, article_id DESC "
            "LIMIT %s"
        )
        params: list[Any] = [query, query, limit]
    else:
        if every:
            query = " AND ".join(f'"{t.word}"' + ("*" if t.prefix else "") for t in terms)
        else:
            query = " OR ".join(f'"{t.word}"*' for t in terms)
        sql = (
            "SELECT rowid FROM knowledge_articlesearch WHERE knowledge_articlesearch MATCH %s "
            "ORDER BY bm25(knowledge_articlesearch, 10.0, 1.0), rowid DESC LIMIT %s"
        )
        params = [query, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(row[0]) for row in cursor.fetchall()]


def snippet(text: str, terms: list[Term], *, width: int = 180) -> list[tuple[str, bool]]:
    """The text around the first word found, as (text, marked) pieces; its beginning when no
    word is in it."""
    found = highlight(text, terms, width=width)
    if found is not None:
        return found
    cut = text[:width]
    return [(cut + ("…" if len(text) > width else ""), False)]


def suggestion_terms(text: str, *, at_most: int = 6) -> list[Term]:
    """Words of a problem as typed in a request form, the longer (more telling) ones first;
    short words are left out. The suggestions then take articles matching any of them."""
    words = [t for t in terms_of(text) if len(t.word) >= 3]
    return sorted(words, key=lambda t: -len(t.word))[:at_most]
