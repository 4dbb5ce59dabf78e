"""Complaint files at volume: the trends (by failure mode and IMDRF code, per week and month over
a year), the list's "due soon" filter, and the screens that show them.

    .venv/bin/python bench/complaints.py                       # embedded SQLite in a temp folder
    .venv/bin/python bench/complaints.py --complaints 100000
    .venv/bin/python bench/complaints.py --database-url postgres://postgres@127.0.0.1:5432/caredesk_cf

The files are written in bulk (tickets, files and their codes, spread over a year); the reads
are the ones the screens and the API make, timed --runs times each (p50, p95) with their query
counts. The database is created fresh (the PostgreSQL one is dropped first). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit import _ms, _setup  # noqa: E402 - the same fresh database as the audit benchmark

MODES = ("overheating", "no alarm", "battery drain", "cracked housing", "display blank",
         "over-infusion", "sensor drift", "connection lost", "")  # fmt: skip
CODES = ("A0401", "A0501", "A0701", "A1001", "A1401", "E0101", "E1905", "E2101", "E2401")
YEAR_START = date(2026, 1, 1)


def populate(n: int) -> Any:
    """n tickets with a complaint file each, received over 2026, written in bulk."""
    from caredesk.accounts.models import Contact
    from caredesk.accounts.roles import ROLE_QUALITY
    from caredesk.accounts.services import agent_create
    from caredesk.complaints.models import Complaint, ComplaintCode
    from caredesk.tickets.models import Ticket

    rng = random.Random(7)
    quality = agent_create(
        email="bench.quality@caredesk.example",
        name="Bench Quality",
        password=None,
        role=ROLE_QUALITY,
    )
    requester = Contact.objects.create(name="Bench Patient", email="bench.cf@patients.example")
    now = datetime(2026, 12, 31, 12, tzinfo=UTC)
    for start in range(0, n, 5000):
        size = min(5000, n - start)
        tickets = Ticket.objects.bulk_create(
            Ticket(
                subject=f"Device complaint {start + i}",
                requester=requester,
                created_at=now,
                updated_at=now,
            )
            for i in range(size)
        )
        files = []
        for t in tickets:
            aware = YEAR_START + timedelta(days=rng.randrange(365))
            reportable = rng.random() < 0.2
            files.append(
                Complaint(
                    ticket=t,
                    aware_on=aware,
                    summary=t.subject,
                    failure_mode=rng.choice(MODES),
                    imdrf_codes=sorted(set(rng.sample(CODES, 2))),
                    reportability="malfunction" if reportable else "not_reportable",
                    mdr_due_on=aware + timedelta(days=30) if reportable else None,
                    opened_at=now,
                    updated_at=now,
                )
            )
        files = Complaint.objects.bulk_create(files)
        ComplaintCode.objects.bulk_create(
            ComplaintCode(complaint=c, code=code, aware_on=c.aware_on)
            for c in files
            for code in c.imdrf_codes
        )
    return quality


def timed(runs: int, read: Any) -> dict[str, Any]:
    from django.db import connection, reset_queries

    read()  # warm
    values, queries = [], 0
    connection.force_debug_cursor = True
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        read()
        values.append(time.perf_counter() - started)
        queries = len(connection.queries)
    connection.force_debug_cursor = False
    return {**_ms(values), "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--complaints", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(args.database_url, Path(folder))
        from django.test import Client

        from caredesk.accounts.sessions import mark_signed_in
        from caredesk.accounts.signin import METHOD_TOTP
        from caredesk.complaints import selectors
        from caredesk.core import clock

        clock.set_source(lambda: datetime(2026, 12, 20, 15, tzinfo=UTC))  # "due soon" has rows
        started = time.perf_counter()
        quality = populate(args.complaints)
        written = time.perf_counter() - started
        client = Client()
        client.force_login(quality)
        session = client.session
        mark_signed_in(session, METHOD_TOTP)
        session.save()
        end = date(2026, 12, 31)

        def page(path: str) -> Any:
            def get() -> None:
                assert client.get(path).status_code == 200

            return get

        result = {
            "complaints": args.complaints,
            "database": "postgresql" if args.database_url else "sqlite",
            "populate_seconds": round(written, 1),
            "trends_year_by_week": timed(
                args.runs, lambda: selectors.trends(quality, start=YEAR_START, end=end, by="week")
            ),
            "trends_year_by_month": timed(
                args.runs, lambda: selectors.trends(quality, start=YEAR_START, end=end, by="month")
            ),
            "list_due_soon": timed(
                args.runs,
                lambda: list(
                    selectors.complaint_list(quality, selectors.Filters(status="", due="soon"))[
                        :200
                    ]
                ),
            ),
            "trends_page": timed(
                args.runs, page("/agent/complaints/trends/?start=2026-01-01&end=2026-12-31&by=week")
            ),
            "list_page": timed(args.runs, page("/agent/complaints/?status=all")),
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
