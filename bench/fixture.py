"""Benchmark fixture: N realistic tickets written with COPY, in batches, after the demo base data.

Tickets spread evenly over 60 days; about 6-7% are still open (most of them recent), a third of
those unassigned. Each ticket has the requester's first message, and when assigned an agent reply
and sometimes an internal note (1-3 messages), plus the matching append-only events. Teams follow
the request type, assignees are members of that team, organizations follow the requester.

The secondary indexes of the big tables are dropped during the load and recreated from their exact
definitions afterwards (as pg_dump restores do); foreign-key triggers are skipped for the load
session (session_replication_role = replica) because the rows are consistent by construction.

The rows are checked against the models, not against a list kept here: every column the fixture
writes must still exist, and every other column takes the model field's default (or NULL where
the field allows it). A new NOT NULL column without a default stops the load with its name
(`SchemaDrift`), so a schema change breaks the benchmark's build, never its figures. Django must
be set up before `top_up` is called (bench/run.py does).
"""

from __future__ import annotations

import enum
import json
import math
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg

BIG_TABLES = (
    "tickets_ticket",
    "tickets_message",
    "tickets_ticketevent",
    "tickets_ticket_tags",
)
BATCH = 20_000
DAYS = 60
TAGS = [
    "vip",
    "escalated",
    "follow-up",
    "known-issue",
    "firmware",
    "refund",
    "outage",
    "onboarding",
    "feedback",
    "hipaa-review",
    "windows",
    "ios",
]
TICKET_COLUMNS = (
    "id",
    "subject",
    "status",
    "is_open",
    "priority",
    "channel",
    "category_id",
    "requester_id",
    "organization_id",
    "team_id",
    "tier",
    "assignee_id",
    "patient_id",
    "clinician_id",
    "encounter_id",
    "device_serial",
    "os",
    "browser",
    "network",
    "form_data",
    "created_at",
    "updated_at",
    "first_response_at",
    "solved_at",
    "closed_at",
    "status_changed_at",
    "guidance",
    "escalation_block",
)
MESSAGE_COLUMNS = (
    "id",
    "ticket_id",
    "kind",
    "author_user_id",
    "author_contact_id",
    "body_html",
    "body_text",
    "created_at",
)
EVENT_COLUMNS = (
    "ticket_id",
    "kind",
    "actor_user_id",
    "actor_contact_id",
    "field",
    "old",
    "new",
    "data",
    "created_at",
)
CONTACT_COLUMNS = (
    "id",
    "name",
    "email",
    "phone",
    "kind",
    "organization_id",
    "user_id",
    "created_at",
)
Who = tuple[int | None, int | None]  # (author user id, author contact id)
NOTE = "Checked the session logs; looks like a network drop on the client side."


class SchemaDrift(SystemExit):
    """The fixture no longer fits the models: it names the column and what to do."""


class Table:
    """One table the fixture COPYs into, checked against its Django model.

    `given` are the columns the fixture writes itself, in row order; every other column of the
    model is appended with the field's default (or NULL where the field allows it).
    """

    def __init__(self, label: str, given: tuple[str, ...]) -> None:
        from django.apps import apps
        from django.db.models import NOT_PROVIDED
        from django.db.models.fields import AutoFieldMixin

        model = apps.get_model(label)
        self.name = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        gone = [c for c in given if c not in fields]
        if gone:
            raise SchemaDrift(
                f"bench/fixture.py writes {self.name}.{', '.join(gone)}, which {label} no longer"
                " has: update the fixture's columns."
            )
        extra, values = [], []
        for column, f in fields.items():
            if column in given or isinstance(f, AutoFieldMixin) or f.db_default is not NOT_PROVIDED:
                continue  # written here, or the database fills it (a sequence, a DB default)
            if f.has_default():
                values.append(_db_value(f, f.get_default()))
            elif f.null:
                values.append(None)
            else:
                raise SchemaDrift(
                    f"{self.name}.{column} ({label}.{f.name}) is NOT NULL and has no default:"
                    " give it a value in bench/fixture.py."
                )
            extra.append(column)
        self.columns = (*given, *extra)
        self.extra = tuple(values)

    def copy(self, cur: psycopg.Cursor[Any], rows: list[tuple[Any, ...]]) -> None:
        with cur.copy(f"COPY {self.name} ({', '.join(self.columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + self.extra)


def _db_value(f: Any, value: Any) -> Any:
    from django.db import models

    if isinstance(f, models.JSONField):
        return json.dumps(value)
    value = f.get_prep_value(value)
    return value.value if isinstance(value, enum.Enum) else value


def tables() -> dict[str, Table]:
    """The fixture's tables, checked against the models (raises SchemaDrift)."""
    return {
        "contact": Table("accounts.Contact", CONTACT_COLUMNS),
        "ticket": Table("tickets.Ticket", TICKET_COLUMNS),
        "message": Table("tickets.Message", MESSAGE_COLUMNS),
        "event": Table("tickets.TicketEvent", EVENT_COLUMNS),
    }


@dataclass
class Base:
    """Ids of the demo base data the tickets point at."""

    types: list[dict[str, Any]]
    contacts: list[tuple[int, int | None]]  # (contact id, organization id)
    team_agents: dict[int, list[int]]
    team_tier: dict[int, int]
    agents: list[int]
    tag_ids: list[int] = field(default_factory=list)


def _base(
    conn: psycopg.Connection[Any], extra_contacts: int, now: datetime, contact_table: Table
) -> Base:
    cur = conn.cursor()
    orgs = [r[0] for r in cur.execute("SELECT id FROM accounts_organization ORDER BY id")]
    have = cur.execute(
        "SELECT count(*) FROM accounts_contact WHERE email LIKE 'bench.%'"
    ).fetchone()
    missing = extra_contacts - (have[0] if have else 0)
    if missing > 0 and orgs:
        first_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM accounts_contact").fetchone()
        start = first_id[0] if first_id else 1
        contact_table.copy(
            cur,
            [
                (
                    i,
                    f"Requester {i}",
                    f"bench.requester{i}@example.org",
                    "",
                    "clinician" if i % 3 == 0 else "patient",
                    orgs[i % len(orgs)],
                    None,
                    now - timedelta(days=400),
                )
                for i in range(start, start + missing)
            ],
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_contact', 'id'),"
            " (SELECT max(id) FROM accounts_contact))"
        )
    contacts = [
        (r[0], r[1])
        for r in cur.execute("SELECT id, organization_id FROM accounts_contact ORDER BY id")
    ]
    types = [
        {"id": r[0], "slug": r[1], "team": r[2], "level": r[3], "description": r[4]}
        for r in cur.execute(
            "SELECT id, slug, default_team_id, default_level, description"
            " FROM tickets_requesttype ORDER BY position"
        )
    ]
    team_agents: dict[int, list[int]] = {}
    for team_id, user_id in cur.execute(
        "SELECT team_id, user_id FROM accounts_team_members ORDER BY team_id, user_id"
    ):
        team_agents.setdefault(team_id, []).append(user_id)
    team_tier = {
        r[0]: r[1] or 1 for r in cur.execute("SELECT id, tier FROM accounts_team ORDER BY id")
    }
    agents = [
        r[0]
        for r in cur.execute(
            "SELECT id FROM accounts_user WHERE is_staff AND is_active ORDER BY id"
        )
    ]
    cur.executemany(
        "INSERT INTO tickets_tag (name) VALUES (%s) ON CONFLICT (name) DO NOTHING",
        [(t,) for t in TAGS],
    )
    tag_ids = [r[0] for r in cur.execute("SELECT id FROM tickets_tag ORDER BY id")]
    conn.commit()
    return Base(types, contacts, team_agents, team_tier, agents, tag_ids)


def _secondary_indexes(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """(name, definition) of indexes on the big tables that back no constraint."""
    rows = conn.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.tablename, i.indexname
        """,
        [list(BIG_TABLES)],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


SUBJECTS = {
    "video-visit": [
        "Unable to connect to video visit",
        "Video froze during consult",
        "Patient cannot hear clinician",
        "Camera not detected in browser",
    ],
    "device-error": [
        "Device shows error E-214 on start",
        "Battery will not charge",
        "Display flickers after firmware update",
        "Sensor reading stuck at zero",
    ],
    "billing": [
        "Charged twice for March",
        "Refund for cancelled visit",
        "Invoice shows wrong plan",
    ],
    "scheduling": ["Need a sooner appointment", "Cannot book follow-up"],
    "cancellation": ["Please cancel my membership", "Cancel subscription at end of term"],
    "eligibility": ["App says no programs available", "Not eligible message after enrollment"],
    "clinical-collaboration": [
        "Vitals not syncing to care team",
        "Remote monitoring alerts missing",
    ],
    "account-access": ["Locked out after password reset", "MFA code not arriving"],
}
REPLIES = [
    "Thanks for the details. Could you clear the browser cache, restart the device and try again?",
    "I have reproduced this and passed it to our technical team with the session trace.",
    "This is fixed on our side now. Please let us know if it happens again.",
    "I have processed this in the admin console; you will receive a confirmation email shortly.",
]


def _html(text: str) -> str:
    return "".join(f"<p>{p}</p>" for p in text.split("\n\n"))


class _Writer:
    """Builds the rows of one ticket and its messages, events and tags."""

    def __init__(self, base: Base, rng: random.Random, now: datetime, message_id: int) -> None:
        self.base = base
        self.rng = rng
        self.now = now
        self.message_id = message_id
        self.tickets: list[tuple[Any, ...]] = []
        self.messages: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.tags: list[tuple[int, int]] = []

    def _event(
        self,
        tid: int,
        kind: str,
        who: Who,
        when: datetime,
        *,
        field_name: str = "",
        old: Any = None,
        new: Any = None,
        data: Any = None,
    ) -> None:
        user, contact = who
        self.events.append(
            (
                tid,
                kind,
                user,
                contact,
                field_name,
                None if old is None else json.dumps(old),
                None if new is None else json.dumps(new),
                json.dumps(data or {}),
                when,
            )
        )

    def _message(self, tid: int, kind: str, who: Who, text: str, when: datetime) -> None:
        mid = self.message_id
        self.message_id += 1
        self.messages.append((mid, tid, kind, *who, _html(text), text, when))
        self._event(tid, "message_added", who, when, data={"message": mid, "kind": kind})

    def ticket(self, tid: int) -> None:  # noqa: C901, PLR0912 - one flat recipe reads best
        rng, base, now = self.rng, self.base, self.now
        age_days = DAYS * rng.random()
        created = now - timedelta(days=age_days)
        rt = rng.choice(base.types)
        contact_id, org_id = rng.choice(base.contacts)
        team_id = rt["team"]
        p_open = 0.04 + 0.5 * math.exp(-age_days / 3)
        is_open = rng.random() < p_open
        status = (
            rng.choices(["new", "open", "pending", "on_hold"], [30, 35, 21, 14])[0]
            if is_open
            else rng.choices(["solved", "closed"], [40, 60])[0]
        )
        assignee = (
            None if status == "new" else rng.choice(base.team_agents.get(team_id, base.agents))
        )
        room = min(now - created, timedelta(hours=72))
        first_response = solved = closed = None
        if assignee is not None:
            first_response = created + room * rng.random() * 0.3
        updated = created
        if is_open:
            updated = created + room * rng.random()
        else:
            solved = (first_response or created) + (room * rng.random())
            updated = solved
            if status == "closed":
                closed = solved
        structured = {
            k: ""
            for k in (
                "patient_id",
                "clinician_id",
                "encounter_id",
                "device_serial",
                "os",
                "browser",
                "network",
            )
        }
        if rt["slug"] == "device-error":
            structured["device_serial"] = f"PT-{rng.randint(100000, 999999)}"
        elif rt["slug"] == "video-visit":
            structured["os"] = rng.choice(["iOS 18", "Android 15", "Windows 11", "macOS 15"])
            structured["browser"] = rng.choice(["Safari 18", "Chrome 131", "Edge 131"])
            structured["network"] = rng.choice(["Wi-Fi", "Mobile data", "Wired"])
        channel = rng.choice(["portal", "portal", "email", "phone", "chat", "api"])
        priority = min(4, max(1, rt["level"] + rng.choice([-1, 0, 0, 0, 1])))
        self.tickets.append(
            (
                tid,
                rng.choice(SUBJECTS.get(rt["slug"], ["Help needed"])),
                status,
                is_open,
                priority,
                channel,
                rt["id"],
                contact_id,
                org_id,
                team_id,
                base.team_tier.get(team_id, 1),
                assignee,
                structured["patient_id"],
                structured["clinician_id"],
                structured["encounter_id"],
                structured["device_serial"],
                structured["os"],
                structured["browser"],
                structured["network"],
                "{}",
                created,
                updated,
                first_response,
                solved,
                closed,
                updated,  # status changed at
                "",  # guidance
                "",  # escalation block
            )
        )
        requester: Who = (None, contact_id)
        self._event(
            tid,
            "created",
            requester,
            created,
            data={
                "channel": channel,
                "priority": priority,
                "status": "new",
                "team": team_id,
                "category": rt["id"],
            },
        )
        self._message(
            tid,
            "public",
            requester,
            f"Hello,\n\n{rt['description']} Could you help?\n\nThanks",
            created,
        )
        if assignee is not None and first_response is not None:
            agent: Who = (assignee, None)
            when = first_response
            self._event(tid, "assigned", agent, when, field_name="assignee", new=assignee)
            self._event(
                tid, "status_changed", agent, when, field_name="status", old="new", new="open"
            )
            self._message(tid, "public", agent, rng.choice(REPLIES), when)
            if rng.random() < 0.3:
                self._message(tid, "internal", agent, NOTE, when)
            if status != "open":
                self._event(
                    tid,
                    "status_changed",
                    agent,
                    updated,
                    field_name="status",
                    old="open",
                    new=status,
                )
        if base.tag_ids and rng.random() < 0.2:
            for tag in rng.sample(base.tag_ids, rng.choice([1, 1, 2])):
                self.tags.append((tid, tag))


def _flush(cur: psycopg.Cursor[Any], w: _Writer, t: dict[str, Table]) -> None:
    t["ticket"].copy(cur, w.tickets)
    t["message"].copy(cur, w.messages)
    t["event"].copy(cur, w.events)
    with cur.copy("COPY tickets_ticket_tags (ticket_id, tag_id) FROM STDIN") as copy:
        for row in w.tags:
            copy.write_row(row)
    w.tickets.clear()
    w.messages.clear()
    w.events.clear()
    w.tags.clear()


def top_up(
    dsn: str, target: int, *, now: datetime, seed: int = 42, log: Any = print
) -> dict[str, Any]:
    """Add tickets until there are `target`; return timings and row counts."""
    t0 = time.perf_counter()
    t = tables()
    with psycopg.connect(dsn) as conn:
        have_row = conn.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM tickets_ticket"
        ).fetchone()
        have, max_id = (have_row[0], have_row[1]) if have_row else (0, 0)
        add = max(0, target - have)
        base = _base(
            conn, extra_contacts=max(2000, target // 20), now=now, contact_table=t["contact"]
        )
        if add == 0:
            return {"added": 0, "seconds": 0.0}
        rng = random.Random(seed + target)
        mid_row = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM tickets_message").fetchone()
        w = _Writer(base, rng, now, mid_row[0] if mid_row else 1)
        indexes = _secondary_indexes(conn)
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
        cur = conn.cursor()
        t_rows = time.perf_counter()
        for n, tid in enumerate(range(max_id + 1, max_id + 1 + add), 1):
            w.ticket(tid)
            if n % BATCH == 0:
                _flush(cur, w, t)
                conn.commit()
                if n % (BATCH * 10) == 0:
                    log(f"  {n:,}/{add:,} tickets ({time.perf_counter() - t_rows:.0f} s)")
        _flush(cur, w, t)
        conn.commit()
        rows_s = time.perf_counter() - t_rows
        t_idx = time.perf_counter()
        for _name, definition in indexes:
            conn.execute(definition)
        conn.commit()
        idx_s = time.perf_counter() - t_idx
        for table in ("tickets_ticket", "tickets_message"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608 - fixed names
                f" (SELECT max(id) FROM {table}))"
            )
        conn.commit()
        t_an = time.perf_counter()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        an_s = time.perf_counter() - t_an
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]  # noqa: S608
            for t in (*BIG_TABLES, "accounts_contact")
        }
        open_row = conn.execute("SELECT count(*) FROM tickets_ticket WHERE is_open").fetchone()
        unassigned_row = conn.execute(
            "SELECT count(*) FROM tickets_ticket WHERE is_open AND assignee_id IS NULL"
        ).fetchone()
    return {
        "added": add,
        "seconds": round(time.perf_counter() - t0, 1),
        "rows_seconds": round(rows_s, 1),
        "index_seconds": round(idx_s, 1),
        "vacuum_analyze_seconds": round(an_s, 1),
        "indexes_rebuilt": len(indexes),
        "rows": counts,
        "open": open_row[0] if open_row else None,
        "open_unassigned": unassigned_row[0] if unassigned_row else None,
    }
