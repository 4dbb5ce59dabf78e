"""Access audit costs: the write on a desk ticket page view, and `caredesk audit verify`'s rate.

    .venv/bin/python bench/audit.py                          # embedded SQLite in a temp folder
    .venv/bin/python bench/audit.py --entries 2000000        # a longer chain to verify
    .venv/bin/python bench/audit.py --database-url postgres://postgres@127.0.0.1:5432/caredesk_audit

1. The ticket page `/agent/tickets/<id>/`, in-process through Django's test client, --views
   times with the audit entry written and the same number without it (the two interleaved, so
   drift on a shared machine hits both alike); p50 and p95 of each, and of `record()` alone.
2. A chain of --entries entries written through `record_many` (batches of 5,000, realistic
   user agents and request IDs), one signed checkpoint, then the whole chain verified as the
   command does: entries per minute.

The database is created fresh (the PostgreSQL one is dropped first). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
)


def _setup(database_url: str | None, folder: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "caredesk.settings",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "CAREDESK_AUDIT_KEY": "bench-only-audit-key-" + "y" * 40,
            "CAREDESK_INSECURE_HTTP": "1",
            "CAREDESK_DATA_DIR": str(folder),
            "CAREDESK_LOG_LEVEL": "WARNING",
            "CAREDESK_AUDIT_CHECKPOINT_EVERY": "0",  # one checkpoint, written by the benchmark
        }
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        _recreate(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)


def _recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_pct(values, 0.5) * 1000, 3),
        "p95_ms": round(_pct(values, 0.95) * 1000, 3),
        "mean_ms": round(statistics.fmean(values) * 1000, 3),
    }


def page_overhead(views: int) -> dict[str, Any]:
    """The ticket page with and without its audit entry, interleaved."""
    from django.test import Client

    from caredesk.accounts.models import Team
    from caredesk.accounts.roles import ROLE_AGENT
    from caredesk.accounts.services import agent_create, requester_for_email
    from caredesk.accounts.sessions import mark_signed_in
    from caredesk.accounts.signin import METHOD_TOTP
    from caredesk.compliance import access
    from caredesk.compliance.audit import record
    from caredesk.compliance.models import AuditAction
    from caredesk.tickets.services import Body, NewTicket, message_add, ticket_open

    team = Team.objects.create(name="Bench team", slug="bench")
    agent = agent_create(
        email="bench.agent@caredesk.example",
        name="Bench Agent",
        password="bench-password-123",
        role=ROLE_AGENT,
        teams=[team],
    )
    requester = requester_for_email(email="bench.patient@patients.example", name="Bench Patient")
    ticket = ticket_open(
        data=NewTicket(
            requester=requester,
            subject="Glucose sensor stops reporting after an hour",
            body=Body(text="The sensor disconnects and the app shows no readings."),
            team=team,
            structured={"patient_id": "BENCH-0001", "device_serial": "GS-99812"},
        ),
        actor=requester,
    )
    for n in range(4):
        message_add(ticket=ticket, kind="public", body=Body(text=f"Reply {n}"), actor=agent)
    client = Client(HTTP_USER_AGENT=AGENTS[0])
    client.force_login(agent)  # a session past both sign-in steps, as a real sign-in makes
    session = client.session
    mark_signed_in(session, METHOD_TOTP)
    session.save()
    path = f"/agent/tickets/{ticket.pk}/"
    real = access.ticket_viewed
    for _ in range(20):  # warm caches and connections
        client.get(path)
    timings: dict[str, list[float]] = {"with_audit": [], "without_audit": []}
    for n in range(views * 2):
        audited = n % 2 == 0
        access.ticket_viewed = real if audited else (lambda **_: None)  # type: ignore[assignment]
        started = time.perf_counter()
        response = client.get(path)
        timings["with_audit" if audited else "without_audit"].append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    access.ticket_viewed = real
    alone = []
    for _ in range(views):
        started = time.perf_counter()
        record(
            action=AuditAction.TICKET_VIEWED,
            actor=agent,
            object_type="ticket",
            object_id=ticket.pk,
            ticket_id=ticket.pk,
            fields=["messages", "patient_id", "requester", "subject"],
        )
        alone.append(time.perf_counter() - started)
    with_audit, without = _ms(timings["with_audit"]), _ms(timings["without_audit"])
    return {
        "views_each": views,
        "page_with_audit": with_audit,
        "page_without_audit": without,
        "overhead_p50_ms": round(with_audit["p50_ms"] - without["p50_ms"], 3),
        "record_alone": _ms(alone),
    }


def verify_rate(entries: int) -> dict[str, Any]:
    """Write a chain of `entries` entries, sign its head, and verify it all."""
    from caredesk.compliance.audit import Access, record_many
    from caredesk.compliance.checkpoints import checkpoint_now, checkpoints_read
    from caredesk.compliance.models import AuditAction, AuditEntry
    from caredesk.compliance.selectors import chain_verify

    have = AuditEntry.objects.count()
    started = time.perf_counter()
    batch = 5000
    written = 0
    while have + written < entries:
        size = min(batch, entries - have - written)
        accesses = [
            Access(
                AuditAction.TICKET_VIEWED if n % 4 else AuditAction.TICKET_CHANGED,
                "ticket",
                1000 + n % 50_000,
                ticket_id=1000 + n % 50_000,
                organization_id=n % 40 or None,
                fields=["messages", "patient_id", "requester", "subject"][: 1 + n % 4],
            )
            for n in range(written, written + size)
        ]
        record_many(accesses=accesses, actor=None)
        written += size
    write_seconds = time.perf_counter() - started
    checkpoint_now()
    started = time.perf_counter()
    outcome = chain_verify(checkpoints=checkpoints_read())
    seconds = time.perf_counter() - started
    assert outcome.ok, outcome.problem
    return {
        "entries": outcome.checked,
        "write_seconds": round(write_seconds, 1),
        "verify_seconds": round(seconds, 2),
        "entries_per_minute": int(outcome.checked * 60 / seconds),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--views", type=int, default=500)
    p.add_argument("--entries", type=int, default=1_000_000)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    p.add_argument("--skip-verify", action="store_true")
    args = p.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="caredesk-audit-bench-"))
    _setup(args.database_url, folder)
    from django.db import connection

    result: dict[str, Any] = {"database": connection.vendor}
    result["page"] = page_overhead(args.views)
    if not args.skip_verify:
        result["verify"] = verify_rate(args.entries)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
