"""Benchmark: the SLA sweep over 1,000,000 open tickets on PostgreSQL.

Targets: finding the due clocks takes < 100 ms, and the sweep's work grows with what is due,
not with what is open. Creates (and drops) its own database on 127.0.0.1.

Run: .venv/bin/python bench/sla_tick.py [--open 1000000] [--pg postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta


def _psql(base: str, sql: str) -> None:
    subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    name = "caredesk_bench_sla"
    _psql(args.pg, f"DROP DATABASE IF EXISTS {name}")
    _psql(args.pg, f"CREATE DATABASE {name}")
    os.environ.update(
        DATABASE_URL=f"{args.pg}/{name}",
        DJANGO_SETTINGS_MODULE="caredesk.settings",
        CAREDESK_DATA_DIR=tempfile.mkdtemp(prefix="caredesk-bench-sla-"),
        SECRET_KEY="bench-only-secret-key-bench-only-secret-key",
        CAREDESK_AUDIT_KEY="bench-only-audit-key-bench-only-audit-key",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from caredesk.core import clock
    from caredesk.sla.models import SlaClock
    from caredesk.sla.services import sla_tick

    call_command("migrate", verbosity=0)
    now = datetime(2026, 11, 2, 14, tzinfo=UTC)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO accounts_organization (name, kind, plan, email_domain, phone, notes, created_at)"
            " VALUES ('Bench clinic', 'clinic', 'standard', '', '', '', now()) RETURNING id"
        )
        org = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO accounts_contact (name, email, phone, kind, organization_id, created_at)"
            " VALUES ('Bench requester', 'bench@patients.example', '', 'patient', %s, now()) RETURNING id",
            [org],
        )
        contact = cur.fetchone()[0]
        cur.execute("SELECT id FROM sla_calendar WHERE name = '24/7'")
        calendar = cur.fetchone()[0]
        cur.execute("SELECT id FROM sla_slapolicy ORDER BY position LIMIT 1")
        policy = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO tickets_ticket (subject, status, is_open, priority, channel, requester_id,"
            " organization_id, tier, patient_id, clinician_id, encounter_id, device_serial, os, browser,"
            " network, form_data, created_at, updated_at)"
            " SELECT 'Bench ticket ' || g, 'open', true, 3, 'api', %s, %s, 1, '', '', '', '', '', '', '',"
            " '{}', %s, %s FROM generate_series(1, %s) g",
            [contact, org, now, now, args.open],
        )
        # Every open ticket has a running 24/7 clock started now with a target of up to 30 days;
        # its first check is the 75 % warning.
        cur.execute(
            "INSERT INTO sla_slaclock (ticket_id, metric, policy_id, calendar_id, target_seconds,"
            " started_at, elapsed_seconds, running_since, due_at, warnings_fired, next_check_at)"
            " SELECT id, 'resolution', %s, %s, t, %s, 0, %s, %s + make_interval(secs => t), '[]',"
            " %s + make_interval(secs => t * 0.75)"
            " FROM (SELECT id, 600 + floor(random() * 2592000)::int AS t FROM tickets_ticket) s",
            [policy, calendar, now, now, now, now],
        )
        cur.execute("ANALYZE")
    load_seconds = time.perf_counter() - t0

    def find_due(at: datetime) -> tuple[float, int]:
        start = time.perf_counter()
        ids = list(
            SlaClock.objects.filter(next_check_at__lte=at)
            .order_by("next_check_at", "id")
            .values_list("id", flat=True)[:500]
        )
        return (time.perf_counter() - start) * 1000, len(ids)

    find = [find_due(now + timedelta(minutes=1))[0] for _ in range(50)]
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN SELECT id FROM sla_slaclock WHERE next_check_at <= %s"
            " ORDER BY next_check_at, id LIMIT 500",
            [now + timedelta(minutes=1)],
        )
        plan = [row[0] for row in cur.fetchall()]

    sweeps = []
    moment = now
    for minutes in (1, 10, 60):  # how much became due since the last sweep
        moment = moment + timedelta(minutes=minutes)
        due = SlaClock.objects.filter(next_check_at__lte=moment).count()
        clock.set_source(lambda m=moment: m)
        start = time.perf_counter()
        if os.environ.get("BENCH_PROFILE") and minutes == 60:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            written = prof.runcall(sla_tick)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        else:
            written = sla_tick()
        sweeps.append(
            {
                "due_clocks": due,
                "events_written": written,
                "seconds": round(time.perf_counter() - start, 3),
                "ms_per_due_clock": round(1000 * (time.perf_counter() - start) / max(due, 1), 2),
            }
        )
    result = {
        "open_tickets": args.open,
        "load_seconds": round(load_seconds, 1),
        "find_due_ms_p50": round(statistics.median(find), 2),
        "find_due_ms_max": round(max(find), 2),
        "plan": plan,
        "sweeps": sweeps,
    }
    print(json.dumps(result, indent=2))
    connection.close()
    if not args.keep:
        _psql(args.pg, f"DROP DATABASE IF EXISTS {name}")


if __name__ == "__main__":
    sys.exit(main())
