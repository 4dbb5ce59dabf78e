"""Full-text search over tickets: one search document per ticket, kept in step by triggers.

What is indexed: the subject, the requester's name and address, the form answers that are not
encrypted, every message body, and the tags. Encrypted health information (the PHI structured fields and PHI answers, stored as
`phi1:` tokens) is never indexed: it stays searchable only by exact value through its blind
index. Each document keeps the part every reader of the ticket may see (subject, requester,
answers, public replies) apart from the part only people who read internal notes see (notes, system
lines, tags).

SQLite: an FTS5 table (`unicode61 remove_diacritics 2`: case and accents folded) whose rowid is
the ticket id, with columns subject, public and internal. PostgreSQL: a table of two tsvectors
(`public`, `everything`) with GIN indexes, built with the `simple` configuration from text
folded by `tickets_search_fold` (lower case, accents removed as SQLite's tokenizer removes
them, and the characters that would make compound tokens such as e-mail addresses turned into
spaces).
`simple` because one desk holds English, Spanish, French and German side by side and the
language of a message is not known: a stemmer for one language mangles the others, and with
no stemming both databases find the same tickets for the same words.

Triggers on tickets, messages, tags and requesters refresh a ticket's document in the same
transaction as the change, whichever code wrote it. This migration indexes the tickets that exist already;
`caredesk search rebuild` does it again, in batches.
"""

from django.db import migrations

# Accents: decomposed (NFD), then the combining marks U+0300-U+036F dropped, as SQLite's
# unicode61 tokenizer does for Latin letters (normalize() needs a UTF8 database; on another
# encoding only the case is folded).
UNACCENTED = {
    True: "regexp_replace(normalize(lower(coalesce(value, '')), NFD), '[\\u0300-\\u036f]', '', 'g')",
    False: "lower(coalesce(value, ''))",
}
# Characters that join words into one token for PostgreSQL's parser (e-mail addresses, paths,
# hyphenated words, versions) and never for SQLite's: spaces, so both see the same words.
PUNCTUATION = "'[-@./_:+''~#%&=?!,;*()<>|`^$]'"
# Characters indexed per part of a ticket, at most (a tsvector holds at most 1 MB).
CAP = "500000"

PG_CREATE = """
CREATE TABLE tickets_ticketsearch (
    ticket_id bigint PRIMARY KEY,
    public tsvector NOT NULL,
    everything tsvector NOT NULL
);
CREATE INDEX tickets_ticketsearch_public_gin ON tickets_ticketsearch USING gin (public);
CREATE INDEX tickets_ticketsearch_everything_gin ON tickets_ticketsearch USING gin (everything);
CREATE FUNCTION tickets_search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $fold$ SELECT regexp_replace(UNACCENTED, PUNCTUATION, ' ', 'g') $fold$;
CREATE FUNCTION tickets_search_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $refresh$
INSERT INTO tickets_ticketsearch (ticket_id, public, everything)
SELECT d.id, d.subject || d.public, d.subject || d.public || d.internal FROM (
    SELECT t.id,
        setweight(to_tsvector('simple', tickets_search_fold(t.subject)), 'A') AS subject,
        to_tsvector('simple', tickets_search_fold(
            left(concat_ws(' ', c.name, c.email, f.answers, m.public), CAP)
        )) AS public,
        to_tsvector('simple', tickets_search_fold(left(concat_ws(' ', m.internal, g.tags), CAP)))
            AS internal
    FROM tickets_ticket t
    LEFT JOIN accounts_contact c ON c.id = t.requester_id
    LEFT JOIN LATERAL (
        SELECT string_agg(body_text, ' ' ORDER BY id) FILTER (WHERE kind = 'public') AS public,
            string_agg(body_text, ' ' ORDER BY id) FILTER (WHERE kind <> 'public') AS internal
        FROM tickets_message WHERE ticket_id = t.id
    ) m ON true
    LEFT JOIN LATERAL (
        SELECT string_agg(v #>> '{}', ' ') AS answers
        FROM jsonb_path_query(t.form_data, 'strict $.**') v
        WHERE jsonb_typeof(v) = 'string' AND left(v #>> '{}', 5) <> 'phi1:'
    ) f ON true
    LEFT JOIN LATERAL (
        SELECT string_agg(tag.name, ' ') AS tags
        FROM tickets_ticket_tags tt JOIN tickets_tag tag ON tag.id = tt.tag_id
        WHERE tt.ticket_id = t.id
    ) g ON true
    WHERE t.id = ANY (ids)
) d
ON CONFLICT (ticket_id) DO UPDATE
    SET public = EXCLUDED.public, everything = EXCLUDED.everything;
$refresh$;
CREATE FUNCTION tickets_search_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
    PERFORM tickets_search_refresh(ARRAY[NEW.id]::bigint[]);
    RETURN NULL;
END
$t$;
CREATE FUNCTION tickets_search_part_changed() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tickets_search_refresh(ARRAY[NEW.ticket_id]::bigint[]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM tickets_search_refresh(ARRAY[OLD.ticket_id]::bigint[]);
    ELSE
        PERFORM tickets_search_refresh(ARRAY[NEW.ticket_id, OLD.ticket_id]::bigint[]);
    END IF;
    RETURN NULL;
END
$t$;
CREATE FUNCTION tickets_search_tag_renamed() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
    PERFORM tickets_search_refresh(
        ARRAY(SELECT ticket_id FROM tickets_ticket_tags WHERE tag_id = NEW.id)::bigint[]
    );
    RETURN NULL;
END
$t$;
CREATE FUNCTION tickets_search_requester_renamed() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
    PERFORM tickets_search_refresh(
        ARRAY(SELECT id FROM tickets_ticket WHERE requester_id = NEW.id)::bigint[]
    );
    RETURN NULL;
END
$t$;
CREATE TRIGGER tickets_search_requester_rename AFTER UPDATE OF name, email ON accounts_contact
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION tickets_search_requester_renamed();
CREATE TRIGGER tickets_search_ticket_insert AFTER INSERT ON tickets_ticket
    FOR EACH ROW EXECUTE FUNCTION tickets_search_ticket_changed();
CREATE TRIGGER tickets_search_ticket_update
    AFTER UPDATE OF subject, form_data, requester_id ON tickets_ticket FOR EACH ROW
    WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.form_data IS DISTINCT FROM NEW.form_data
          OR OLD.requester_id IS DISTINCT FROM NEW.requester_id)
    EXECUTE FUNCTION tickets_search_ticket_changed();
CREATE TRIGGER tickets_search_message_insert_delete AFTER INSERT OR DELETE ON tickets_message
    FOR EACH ROW EXECUTE FUNCTION tickets_search_part_changed();
CREATE TRIGGER tickets_search_message_update
    AFTER UPDATE OF body_text, kind, ticket_id ON tickets_message FOR EACH ROW
    WHEN (OLD.body_text IS DISTINCT FROM NEW.body_text OR OLD.kind IS DISTINCT FROM NEW.kind
          OR OLD.ticket_id IS DISTINCT FROM NEW.ticket_id)
    EXECUTE FUNCTION tickets_search_part_changed();
CREATE TRIGGER tickets_search_tags AFTER INSERT OR DELETE OR UPDATE ON tickets_ticket_tags
    FOR EACH ROW EXECUTE FUNCTION tickets_search_part_changed();
CREATE TRIGGER tickets_search_tag_rename AFTER UPDATE OF name ON tickets_tag FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION tickets_search_tag_renamed();
-- No foreign key: a ticket's document leaves with it by these triggers, so emptying the
-- ticket table (TRUNCATE, as a flush does) never trips over the search table.
CREATE FUNCTION tickets_search_ticket_deleted() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
    DELETE FROM tickets_ticketsearch WHERE ticket_id = OLD.id;
    RETURN NULL;
END
$t$;
CREATE FUNCTION tickets_search_tickets_truncated() RETURNS trigger LANGUAGE plpgsql AS $t$
BEGIN
    TRUNCATE tickets_ticketsearch;
    RETURN NULL;
END
$t$;
CREATE TRIGGER tickets_search_ticket_delete AFTER DELETE ON tickets_ticket
    FOR EACH ROW EXECUTE FUNCTION tickets_search_ticket_deleted();
CREATE TRIGGER tickets_search_ticket_truncate AFTER TRUNCATE ON tickets_ticket
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_search_tickets_truncated();
""".replace("PUNCTUATION", PUNCTUATION).replace("CAP", CAP)
PG_DROP = """
DROP TRIGGER IF EXISTS tickets_search_ticket_truncate ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_search_ticket_delete ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_search_tickets_truncated();
DROP FUNCTION IF EXISTS tickets_search_ticket_deleted();
DROP TRIGGER IF EXISTS tickets_search_requester_rename ON accounts_contact;
DROP TRIGGER IF EXISTS tickets_search_tag_rename ON tickets_tag;
DROP TRIGGER IF EXISTS tickets_search_tags ON tickets_ticket_tags;
DROP TRIGGER IF EXISTS tickets_search_message_update ON tickets_message;
DROP TRIGGER IF EXISTS tickets_search_message_insert_delete ON tickets_message;
DROP TRIGGER IF EXISTS tickets_search_ticket_update ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_search_ticket_insert ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_search_requester_renamed();
DROP FUNCTION IF EXISTS tickets_search_tag_renamed();
DROP FUNCTION IF EXISTS tickets_search_part_changed();
DROP FUNCTION IF EXISTS tickets_search_ticket_changed();
DROP FUNCTION IF EXISTS tickets_search_refresh(bigint[]);
DROP FUNCTION IF EXISTS tickets_search_fold(text);
DROP TABLE IF EXISTS tickets_ticketsearch;
"""

# A SQLite trigger cannot call a function: each repeats the refresh for its tickets (`IDS`).
SQLITE_REFRESH = """
DELETE FROM tickets_ticketsearch WHERE rowid IN (IDS);
INSERT INTO tickets_ticketsearch (rowid, subject, public, internal)
SELECT t.id, t.subject,
    substr(coalesce((SELECT c.name || ' ' || coalesce(c.email, '') FROM accounts_contact c
                     WHERE c.id = t.requester_id), '')
           || ' ' || coalesce((SELECT group_concat(j.value, ' ') FROM json_tree(t.form_data) j
                     WHERE j.type = 'text' AND substr(j.value, 1, 5) <> 'phi1:'), '')
           || ' ' || coalesce((SELECT group_concat(body_text, ' ') FROM tickets_message
                               WHERE ticket_id = t.id AND kind = 'public'), ''), 1, CAP),
    substr(coalesce((SELECT group_concat(body_text, ' ') FROM tickets_message
                     WHERE ticket_id = t.id AND kind <> 'public'), '')
           || ' ' || coalesce((SELECT group_concat(tag.name, ' ')
                               FROM tickets_ticket_tags tt JOIN tickets_tag tag
                               ON tag.id = tt.tag_id WHERE tt.ticket_id = t.id), ''), 1, CAP)
FROM tickets_ticket t WHERE t.id IN (IDS);
""".replace("CAP", CAP)

SQLITE_TRIGGERS = {
    "tickets_search_ticket_insert": ("AFTER INSERT ON tickets_ticket", "NEW.id"),
    "tickets_search_ticket_update": (
        "AFTER UPDATE OF subject, form_data, requester_id ON tickets_ticket "
        "WHEN OLD.subject IS NOT NEW.subject OR OLD.form_data IS NOT NEW.form_data "
        "OR OLD.requester_id IS NOT NEW.requester_id",
        "NEW.id",
    ),
    "tickets_search_requester_rename": (
        "AFTER UPDATE OF name, email ON accounts_contact "
        "WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email",
        "SELECT id FROM tickets_ticket WHERE requester_id = NEW.id",
    ),
    "tickets_search_message_insert": ("AFTER INSERT ON tickets_message", "NEW.ticket_id"),
    "tickets_search_message_delete": ("AFTER DELETE ON tickets_message", "OLD.ticket_id"),
    "tickets_search_message_update": (
        "AFTER UPDATE OF body_text, kind, ticket_id ON tickets_message "
        "WHEN OLD.body_text IS NOT NEW.body_text OR OLD.kind IS NOT NEW.kind "
        "OR OLD.ticket_id IS NOT NEW.ticket_id",
        "NEW.ticket_id, OLD.ticket_id",
    ),
    "tickets_search_tags_insert": ("AFTER INSERT ON tickets_ticket_tags", "NEW.ticket_id"),
    "tickets_search_tags_delete": ("AFTER DELETE ON tickets_ticket_tags", "OLD.ticket_id"),
    "tickets_search_tag_rename": (
        "AFTER UPDATE OF name ON tickets_tag WHEN OLD.name IS NOT NEW.name",
        "SELECT ticket_id FROM tickets_ticket_tags WHERE tag_id = NEW.id",
    ),
}
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE tickets_ticketsearch USING fts5("
    "subject, public, internal, tokenize = 'unicode61 remove_diacritics 2')",
    *(
        f"CREATE TRIGGER {name} {when} BEGIN {SQLITE_REFRESH.replace('IDS', ids)} END;"
        for name, (when, ids) in SQLITE_TRIGGERS.items()
    ),
    "CREATE TRIGGER tickets_search_ticket_delete AFTER DELETE ON tickets_ticket "
    "BEGIN DELETE FROM tickets_ticketsearch WHERE rowid = OLD.id; END;",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGERS),
    "DROP TRIGGER IF EXISTS tickets_search_ticket_delete;",
    "DROP TABLE IF EXISTS tickets_ticketsearch;",
]
BATCH = 2000


def refresh(cursor, vendor: str, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Build the search documents of these tickets again."""
    if vendor == "postgresql":
        cursor.execute("SELECT tickets_search_refresh(%s::bigint[])", [ids])
        return
    listed = ", ".join(str(int(pk)) for pk in ids)
    for statement in SQLITE_REFRESH.replace("IDS", listed).split(";"):
        if statement.strip():
            cursor.execute(statement)


def backfill(connection, batch: int = BATCH):  # type: ignore[no-untyped-def]
    """Index every ticket, a batch of ids at a time; yields how many are done."""
    done, last = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id FROM tickets_ticket WHERE id > %s ORDER BY id LIMIT %s", [last, batch]
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return
            refresh(cursor, connection.vendor, ids)
            last, done = ids[-1], done + len(ids)
            yield done


def create(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SHOW server_encoding")
            utf8 = cursor.fetchone()[0].upper() in ("UTF8", "UTF-8")
        schema_editor.execute(PG_CREATE.replace("UNACCENTED", UNACCENTED[utf8]), params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, params=None)
    else:
        return
    for _done in backfill(schema_editor.connection):
        pass


def drop(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_safety_and_paging_event_kinds")]

    operations = [migrations.RunPython(create, drop)]
