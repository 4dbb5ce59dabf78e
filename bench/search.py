"""Full-text search benchmark on PostgreSQL: ranked search and the queue's search box.

    .venv/bin/python bench/search.py                       # 1,000,000 tickets, 3,000,000 messages
    .venv/bin/python bench/search.py --tickets 100000 --messages 300000
    .venv/bin/python bench/search.py --smoke               # 1,000 tickets, in seconds

Creates a fresh database (default caredesk_bench_search on 127.0.0.1), migrates, loads the
demo base data, loads the tickets with the HTTP benchmark's COPY fixture (bench/fixture.py:
subject, the requester's message, replies and notes), then COPYs more messages until there are
`--messages`, written from a vocabulary with a long tail (a few words in many messages, most
in few) in English, Spanish, French and German with their accents, plus clinicians' names and
phrases agents search for. Loading skips the triggers (session_replication_role = replica), so
the search documents are then built as `caredesk search rebuild` does (the GIN indexes dropped
during the build and created after it). Then, in-process, each query of QUERIES is timed as
the ranked search (`ticket_search`, snippets included) and as the queue's search box
(`ticket_page` with `q`), for an administrator (sees every ticket) and a Tier 1 agent (sees
their teams' tickets), after two warm-up runs. Raw results go to bench/results/; the
database is dropped at the end unless --keep-db. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fixture  # noqa: E402
import run  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caredesk_bench_search"
SMOKE_URL = "postgres://postgres@127.0.0.1:5432/caredesk_bench_search_smoke"
ADMIN = "admin@caredesk.example"
AGENT = "amara.osei@caredesk.example"  # Tier 1: sees their teams' tickets
TARGET_P95_MS = 100

# (label, query, filters): what agents type. "Typical" ones find tens to a few thousand
# tickets; the "broad" ones find a large share of the desk and are reported on their own.
QUERIES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("two words in messages", "microphone permission", {}, True),
    ("a clinician's name", "okonkwo", {}, True),
    ("accents folded", "reanimation", {}, True),
    ("German words", "Ärztin Rückruf", {}, True),
    ("Spanish phrase", "cita cancelada", {}, True),
    ("rare word", "tachykardie", {}, True),
    ("word beginning", "stethosc", {}, True),
    ("name and filter: open", "okonkwo", {"status": "open"}, True),
    ("words and level 1", "microphone permission", {"priority": 1}, True),
    ("broad: error code", "E-214", {}, False),
    ("broad: subject word", "battery", {}, False),
    ("broad: common word", "please", {}, False),
]
CLINICIANS = [
    "Okonkwo",
    "Lindqvist",
    "Fernández",
    "Dubois",
    "Schäfer",
    "Nakamura",
    "Ivanova",
    "Haddad",
    "Moreau",
    "Gutiérrez",
]
PHRASES = [
    "Safari keeps asking for microphone permission before the visit.",
    "Dr. {name} asked for a call back about the results.",
    "Le patient est en réanimation, la consultation vidéo a coupé.",
    "Die Ärztin bittet um Rückruf wegen der Tachykardie-Warnung.",
    "La cita cancelada no aparece en la aplicación.",
    "The stethoscope adapter lost pairing after the update.",
]
COMMON = [
    "the",
    "a",
    "to",
    "and",
    "please",
    "thanks",
    "visit",
    "app",
    "call",
    "video",
    "patient",
    "clinician",
    "device",
    "update",
    "issue",
    "again",
    "today",
    "help",
    "sent",
    "email",
    "phone",
    "screen",
    "login",
    "account",
    "appointment",
]
WORDS = {
    "en": [
        "connection",
        "audio",
        "delay",
        "camera",
        "browser",
        "sync",
        "reading",
        "alert",
        "schedule",
        "refund",
        "charge",
        "install",
        "upgrade",
        "tablet",
        "headset",
        "bluetooth",
        "firmware",
        "sensor",
        "cuff",
        "pressure",
        "glucose",
    ],
    "es": [
        "conexión",
        "llamada",
        "médico",
        "aplicación",
        "pantalla",
        "cuenta",
        "contraseña",
        "cita",
        "sesión",
        "teléfono",
        "correo",
        "pago",
        "factura",
        "paciente",
        "enfermera",
        "mañana",
    ],
    "fr": [
        "connexion",
        "appel",
        "médecin",
        "écran",
        "compte",
        "mot",
        "passe",
        "rendez-vous",
        "séance",
        "téléphone",
        "courriel",
        "paiement",
        "facture",
        "infirmière",
        "réanimation",
        "hôpital",
    ],
    "de": [
        "Verbindung",
        "Anruf",
        "Ärztin",
        "Bildschirm",
        "Konto",
        "Passwort",
        "Termin",
        "Sitzung",
        "Telefon",
        "Rechnung",
        "Zahlung",
        "Pflegekraft",
        "Rückruf",
        "Krankenhaus",
        "Gerät",
        "Störung",
    ],
}


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    """Made-up words for the long tail (product names, places, misspellings...)."""
    syllables = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ru",
        "sa",
        "ti",
        "vo",
        "ze",
        "bar",
        "den",
        "fil",
        "gor",
        "hun",
        "jas",
        "kel",
        "mor",
        "nix",
        "pol",
        "quin",
    ]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size)]


class Texts:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tail = _vocabulary(rng, 40_000)
        # Zipf-like weights over the tail: a few words common, most rare
        self.tail_weights = [1 / (i + 1) for i in range(len(self.tail))]
        self.cum = list(self._cumulative(self.tail_weights))

    @staticmethod
    def _cumulative(weights: list[float]) -> Any:
        total = 0.0
        for w in weights:
            total += w
            yield total

    def message(self) -> str:
        rng = self.rng
        lang = rng.choice(["en", "en", "es", "fr", "de"])
        words = [rng.choice(COMMON) for _ in range(rng.randint(4, 10))]
        words += [rng.choice(WORDS[lang]) for _ in range(rng.randint(3, 8))]
        words += rng.choices(self.tail, cum_weights=self.cum, k=rng.randint(3, 8))
        rng.shuffle(words)
        text = " ".join(words).capitalize() + "."
        if rng.random() < 0.01:
            text += " " + rng.choice(PHRASES).format(name=rng.choice(CLINICIANS))
        return text


def load_messages(url: str, target: int, *, rng: random.Random, log: Any) -> dict[str, Any]:
    """COPY messages onto existing tickets until there are `target`."""
    import psycopg

    t0 = time.perf_counter()
    texts = Texts(rng)
    with psycopg.connect(url) as conn:
        have, max_id, max_ticket = conn.execute(
            "SELECT count(*), coalesce(max(id), 0), (SELECT max(id) FROM tickets_ticket) "
            "FROM tickets_message"
        ).fetchone()  # type: ignore[misc]
        add = max(0, target - have)
        agents = [r[0] for r in conn.execute("SELECT id FROM accounts_user WHERE is_staff")]
        conn.execute("SET session_replication_role = replica")
        now = datetime.now(UTC)
        columns = "id, ticket_id, kind, author_user_id, body_html, body_text, created_at, " + (
            "email_message_id"
        )
        done = 0
        while done < add:
            n = min(50_000, add - done)
            with conn.cursor().copy(f"COPY tickets_message ({columns}) FROM STDIN") as copy:
                for i in range(n):
                    text = texts.message()
                    kind = "internal" if rng.random() < 0.3 else "public"
                    copy.write_row(
                        (
                            max_id + done + i + 1,
                            rng.randint(1, max_ticket),
                            kind,
                            rng.choice(agents),
                            f"<p>{text}</p>",
                            text,
                            now - timedelta(days=60 * rng.random()),
                            "",
                        )
                    )
            conn.commit()
            done += n
            if done % 500_000 < 50_000:
                log(f"  {done:,}/{add:,} messages ({time.perf_counter() - t0:.0f} s)")
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_message', 'id'),"
            " (SELECT max(id) FROM tickets_message))"
        )
        conn.commit()
    return {"added": add, "seconds": round(time.perf_counter() - t0, 1)}


GIN = {
    "tickets_ticketsearch_public_gin": "CREATE INDEX tickets_ticketsearch_public_gin "
    "ON tickets_ticketsearch USING gin (public)",
    "tickets_ticketsearch_everything_gin": "CREATE INDEX tickets_ticketsearch_everything_gin "
    "ON tickets_ticketsearch USING gin (everything)",
}


def build_index(url: str, *, log: Any) -> dict[str, Any]:
    """Build every ticket's search document (as `caredesk search rebuild`), GIN indexes last."""
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        for name in GIN:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.commit()
    from django.db import connection

    from caredesk.tickets import search

    total = 0
    for total in search.index_rebuild(batch=20_000):
        if total % 100_000 == 0:
            log(f"  {total:,} documents ({time.perf_counter() - t0:.0f} s)")
    connection.close()
    t1 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        for definition in GIN.values():
            conn.execute(definition)
        conn.execute("VACUUM ANALYZE")
        size = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('tickets_ticketsearch'))"
        ).fetchone()
    return {
        "documents": total,
        "documents_seconds": round(t1 - t0, 1),
        "gin_and_analyze_seconds": round(time.perf_counter() - t1, 1),
        "table_size": size[0] if size else None,
    }


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(reps: int, log: Any) -> list[dict[str, Any]]:
    from caredesk.accounts.models import User
    from caredesk.tickets import selectors
    from caredesk.tickets.search import SearchFilters, ticket_search

    rows = []
    for email in (ADMIN, AGENT):
        user = User.objects.get(email=email)
        for label, q, filters, typical in QUERIES:
            for kind in ("ranked", "queue"):
                times, found = [], 0
                for i in range(reps + 2):
                    user = User.objects.get(pk=user.pk)  # a fresh request's user
                    t0 = time.perf_counter()
                    if kind == "ranked":
                        page = ticket_search(user=user, filters=SearchFilters(q=q, **filters))
                        found = len(page.hits)
                    else:
                        f = selectors.TicketFilters(queue="all", q=q, **filters)
                        found = len(selectors.ticket_page(user=user, filters=f).items)
                    if i >= 2:
                        times.append((time.perf_counter() - t0) * 1000)
                row = {
                    "user": email.split("@")[0],
                    "query": label,
                    "q": q,
                    "filters": filters,
                    "kind": kind,
                    "typical": typical,
                    "shown": found,
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(_percentile(times, 95), 1),
                }
                rows.append(row)
                log(
                    f"  {row['user']:<11} {kind:<6} {label:<28} {found:>3} shown "
                    f"p50 {row['p50_ms']:>7.1f} ms  p95 {row['p95_ms']:>7.1f} ms"
                )
    return rows


def matches(queries: list[tuple[str, str, dict[str, Any], bool]]) -> dict[str, int]:
    """How many tickets each query's words find in the whole desk (for reading the times)."""
    from django.db import connection

    from caredesk.tickets.search import _tsquery, terms_of

    out = {}
    with connection.cursor() as cursor:
        for label, q, _filters, _typical in queries:
            cursor.execute(
                "SELECT count(*) FROM tickets_ticketsearch "
                "WHERE everything @@ to_tsquery('simple', %s)",
                [_tsquery(terms_of(q))],
            )
            out[label] = cursor.fetchone()[0]
    return out


def load(url: str, args: argparse.Namespace, result: dict[str, Any], log: Any) -> None:
    from django.core.management import call_command

    from caredesk.demo import demo_load

    call_command("migrate", "--noinput", verbosity=0)
    demo_load(tickets=0)
    log(f"loading {args.tickets:,} tickets")
    result["tickets"] = fixture.top_up(url, args.tickets, now=datetime.now(UTC), log=log)
    log(f"loading messages up to {args.messages:,}")
    result["messages"] = load_messages(url, args.messages, rng=random.Random(7), log=log)
    log("building the search documents")
    result["index"] = build_index(url, log=log)
    log(f"  {result['index']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--messages", type=int, default=3_000_000)
    p.add_argument("--reps", type=int, default=30)
    p.add_argument("--smoke", action="store_true", help="1,000 tickets, 3,000 messages, 3 reps")
    p.add_argument("--keep-db", action="store_true")
    p.add_argument(
        "--reuse-db", action="store_true", help="measure again on a database kept by --keep-db"
    )
    p.add_argument(
        "--rebuild-index", action="store_true", help="with --reuse-db: build the documents again"
    )
    args = p.parse_args(argv)
    if args.smoke:
        args.tickets, args.messages, args.reps = 1000, 3000, 3
        if args.database_url == DEFAULT_URL:
            args.database_url = SMOKE_URL
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url
    run._check_local(url)
    log = run.log
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    # the data folder holds the keys of the database's encrypted values: kept with the database
    data_dir = Path(tempfile.gettempdir()) / f"caredesk-{run._db_name(url)}-data"
    data_dir.mkdir(mode=0o700, exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "caredesk.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "CAREDESK_AUDIT_KEY": "bench-only-audit-key-" + "y" * 40,
        "CAREDESK_INSECURE_HTTP": "1",
        "CAREDESK_DEMO": "0",
        "CAREDESK_DATA_DIR": str(data_dir),
        "CAREDESK_LOG_LEVEL": "WARNING",
    }
    if not args.reuse_db:
        log(f"fresh database {run._db_name(url)}")
        run.recreate_database(url)
    result: dict[str, Any] = {"machine": run.machine_info(url), "config": vars(args) | {}}
    result["config"].pop("database_url")
    run.django_setup(env)
    started = time.perf_counter()
    try:
        if not args.reuse_db:
            load(url, args, result, log)
        elif args.rebuild_index:
            log("building the search documents")
            result["index"] = build_index(url, log=log)
            log(f"  {result['index']}")
        result["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
        result["matches"] = matches(QUERIES)
        log(f"  tickets each query finds: {result['matches']}")
        result["rows"] = measure(args.reps, log)
        typical = [r["p95_ms"] for r in result["rows"] if r["typical"]]
        result["typical_worst_p95_ms"] = max(typical)
        log(f"typical queries: worst p95 {max(typical):.1f} ms (target {TARGET_P95_MS} ms)")
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep_db or args.reuse_db):
            run.recreate_database(url, drop_only=True)
            shutil.rmtree(data_dir, ignore_errors=True)  # its keys go with the database
    result["seconds"] = round(time.perf_counter() - started, 1)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    path = out / f"search-{stamp}.json"
    import json

    path.write_text(json.dumps(result, indent=2, default=str))
    log(f"results in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
