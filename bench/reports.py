"""Reports benchmark on PostgreSQL: building the rollups, keeping up with new events, dashboards.

    .venv/bin/python bench/reports.py                      # 1,000,000 tickets
    .venv/bin/python bench/reports.py --tickets 200000
    .venv/bin/python bench/reports.py --smoke              # 1,000 tickets, 200 RMAs, in seconds
    .venv/bin/python bench/reports.py --reuse-db           # measure again on a kept database
                                                           # (made with --keep-db)

Creates a fresh database (default caredesk_bench_reports on 127.0.0.1), migrates, loads the
demo base data and the tickets with the HTTP benchmark's COPY fixture (bench/fixture.py: each
ticket's created, message, assignment and status events), then the repairs fixture
(bench/rma_fixture.py: 50,000 RMAs over the same days in every status, the parts fitted, the
parts' stock and movements, service contracts and quarterly NPS surveys; a kept database that
lacks them gets them on --reuse-db). Then:

1. the rollups are built from every event the fixture wrote (`rollup.rebuild()`), timed;
2. new events are written the way the desk writes them (tickets opened, assigned, answered,
   solved, and older tickets answered, solved and reopened, through `caredesk.tickets.services`
   with the clock after the fixture's data), and one `rollup.advance()` reading them is timed:
   the job runs every minute, so 100 events a second is 6,000 events to read in under 60 s;
3. each dashboard (`selectors.dashboard`) and the tickets behind a figure
   (`selectors.tickets_behind`) are timed in-process after two warm-up runs, with the number of
   SQL statements each makes; a call whose p95 misses the target has its slowest statements
   explained (EXPLAIN ANALYZE) in the raw results;
4. the screens over HTTP: the desk runs under uvicorn (bench/run.py's server) on a free port of
   127.0.0.1, the administrator and a Tier 1 agent sign in as people do (password, then the
   authenticator's code), and each screen is fetched one request at a time, 2 warm-ups then
   --reps timed: the dashboards of step 3 with the same filters as query strings, the tickets
   behind FCR, the Tier 1 agent's own figures, the repairs page (30 and 365 days) and the
   executive page where the desk has one. Every answer must be 200 with the screen in it and
   the first must show a figure with a number; each page's SQL statements are counted by
   requesting it once in-process as the same person.

Any figure that disagrees with the data (events not all read, tickets not all counted, an
empty dashboard, a screen that answers anything but itself) fails the run. Raw results go to
bench/results/; the database is dropped at the end unless --keep-db.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fixture  # noqa: E402
import httpclient  # noqa: E402
import rma_fixture  # noqa: E402
import run  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caredesk_bench_reports"
SMOKE_URL = "postgres://postgres@127.0.0.1:5432/caredesk_bench_reports_smoke"
ADMIN = "admin@caredesk.example"
AGENT = "amara.osei@caredesk.example"  # Tier 1: sees their teams' tickets
TARGET_P95_MS = 300
JOB_SECONDS = 60  # the rollup job runs every minute
EVENTS_PER_SECOND = 100  # the rate it must keep up with
REPORT_TABLES = ("reports_rollup", "reports_contribution", "reports_ticketfacts")


class Mismatch(SystemExit):
    """A figure disagrees with the data it was computed from."""


def _check(ok: bool, what: str, failures: list[str], log: Any) -> None:
    if not ok:
        failures.append(what)
        log(f"  UNEXPECTED: {what}")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


# -- 1. building the rollups ----------------------------------------------------------------


class Progress(threading.Thread):
    """Logs how far the rollup job has read, from a connection of its own."""

    def __init__(self, url: str, every: float, log: Any) -> None:
        super().__init__(daemon=True)
        self.url, self.every, self.log = url, every, log
        self.done = threading.Event()

    def run(self) -> None:
        import psycopg

        t0 = time.perf_counter()
        with psycopg.connect(self.url, autocommit=True) as conn:
            top = conn.execute("SELECT coalesce(max(id), 0) FROM tickets_ticketevent").fetchone()
            while not self.done.wait(self.every):
                row = conn.execute("SELECT last_id FROM reports_cursor WHERE id = 1").fetchone()
                read = row[0] if row else 0
                seconds = time.perf_counter() - t0
                self.log(
                    f"  read up to event {read:,} of {top[0] if top else 0:,} "
                    f"({seconds:.0f} s, {read / seconds:,.0f} events/s)"
                )


def table_rows(url: str) -> dict[str, dict[str, Any]]:
    import psycopg

    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in REPORT_TABLES:
            row = conn.execute(
                f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) "  # noqa: S608
                f"FROM {table}"
            ).fetchone()
            out[table] = {"rows": row[0], "size": row[1]} if row else {}
    return out


def build(url: str, *, smoke: bool, failures: list[str], log: Any) -> dict[str, Any]:
    """Replay every ticket event onto empty rollups (`rollup.rebuild()`), timed."""
    import psycopg
    from django.db import connection
    from django.db.models import Sum

    from caredesk.reports import rollup
    from caredesk.reports.models import Contribution, Rollup
    from caredesk.tickets.models import Ticket, TicketEvent

    events = TicketEvent.objects.count()
    log(f"building the rollups from {events:,} ticket events (rollup.rebuild())")
    progress = Progress(url, 5 if smoke else 60, log)
    progress.start()
    t0 = time.perf_counter()
    try:
        read = rollup.rebuild()
    finally:
        progress.done.set()
        progress.join()
    seconds = time.perf_counter() - t0
    connection.close()
    t1 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in REPORT_TABLES:
            conn.execute(f"VACUUM ANALYZE {table}")
    analyze_seconds = time.perf_counter() - t1
    tickets = Ticket.objects.filter(parent__isnull=True).count()
    created = Rollup.objects.aggregate(n=Sum("created"))["n"] or 0
    listed = Contribution.objects.filter(metric="created").count()
    _check(read == events, f"rebuild read {read:,} of {events:,} events", failures, log)
    _check(
        created == tickets, f"{created:,} created counted for {tickets:,} tickets", failures, log
    )
    _check(listed == tickets, f"{listed:,} created listed for {tickets:,} tickets", failures, log)
    out = {
        "events": read,
        "seconds": round(seconds, 1),
        "events_per_second": round(read / seconds) if seconds else None,
        "vacuum_analyze_seconds": round(analyze_seconds, 1),
        "tables": table_rows(url),
    }
    log(
        f"  {read:,} events in {seconds:.1f} s: {out['events_per_second']:,} events/s "
        f"(then VACUUM ANALYZE {analyze_seconds:.1f} s)"
    )
    for table, info in out["tables"].items():
        log(f"  {table}: {info['rows']:,} rows, {info['size']}")
    return out


# -- 2. keeping up with new events ----------------------------------------------------------


class Desk:
    """Writes events as the desk does: through the ticket services, with the clock moved."""

    def __init__(self, rng: random.Random) -> None:
        from caredesk.accounts.models import Contact, Team
        from caredesk.tickets.models import RequestType, Ticket

        self.rng = rng
        self.types = list(RequestType.objects.filter(default_team__isnull=False))
        self.members = {
            team.pk: list(team.members.filter(is_active=True, is_staff=True))
            for team in Team.objects.all()
        }
        self.contacts = list(Contact.objects.filter(organization__isnull=False).order_by("?")[:500])
        newest = Ticket.objects.order_by("-created_at").values_list("pk", flat=True)
        recent = list(newest[:20_000])
        self.open_ids = list(
            Ticket.objects.filter(pk__in=recent, is_open=True, assignee__isnull=False).values_list(
                "pk", flat=True
            )[:3000]
        )
        self.solved_ids = list(
            Ticket.objects.filter(pk__in=recent, status="solved").values_list("pk", flat=True)[
                :3000
            ]
        )
        self.new_ids: list[int] = []
        self.refused = 0

    def _agent_for(self, ticket: Any) -> Any:
        return ticket.assignee or self.rng.choice(
            self.members.get(ticket.team_id) or [m for ms in self.members.values() for m in ms]
        )

    def open_ticket(self) -> None:
        from caredesk.tickets.services import Body, NewTicket, ticket_open

        rt = self.rng.choice(self.types)
        requester = self.rng.choice(self.contacts)
        ticket = ticket_open(
            data=NewTicket(
                requester=requester,
                subject=self.rng.choice(fixture.SUBJECTS.get(rt.slug, ["Help needed"])),
                body=Body(text=f"Hello,\n\n{rt.description} Could you help?\n\nThanks"),
                channel=self.rng.choice(["portal", "portal", "email", "phone", "chat"]),
                priority=rt.default_level,
                category=rt,
            ),
            actor=requester,
        )
        self.new_ids.append(ticket.pk)

    def work_new(self) -> None:
        """Assign one of the new tickets, answer it and often solve it."""
        from caredesk.tickets.models import Ticket
        from caredesk.tickets.services import Body, message_add, ticket_update

        if not self.new_ids:
            return self.open_ticket()
        ticket = Ticket.objects.get(pk=self.new_ids.pop(0))
        agent = self._agent_for(ticket)
        ticket = ticket_update(ticket=ticket, changes={"assignee": agent}, actor=agent)
        text = self.rng.choice(fixture.REPLIES)
        message_add(ticket=ticket, kind="public", body=Body(text=text), actor=agent)
        if self.rng.random() < 0.6:
            ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)
        return None

    def answer_old(self) -> None:
        from caredesk.tickets.models import Ticket
        from caredesk.tickets.services import Body, message_add

        ticket = Ticket.objects.get(pk=self.rng.choice(self.open_ids))
        agent = self._agent_for(ticket)
        text = self.rng.choice(fixture.REPLIES)
        message_add(ticket=ticket, kind="public", body=Body(text=text), actor=agent)

    def solve_old(self) -> None:
        from caredesk.tickets.models import Ticket
        from caredesk.tickets.services import ticket_update

        if not self.open_ids:
            return self.answer_old()
        ticket = Ticket.objects.get(pk=self.open_ids.pop())
        ticket_update(ticket=ticket, changes={"status": "solved"}, actor=self._agent_for(ticket))
        return None

    def reopen_old(self) -> None:
        """The requester answers a solved ticket: it reopens (and loses its FCR)."""
        from caredesk.tickets.models import Ticket
        from caredesk.tickets.services import Body, message_add

        if not self.solved_ids:
            return self.answer_old()
        ticket = Ticket.objects.select_related("requester").get(pk=self.solved_ids.pop())
        text = "It happened again this morning."
        message_add(ticket=ticket, kind="public", body=Body(text=text), actor=ticket.requester)
        return None

    def act(self) -> str:
        from caredesk.core.errors import DomainError
        from caredesk.tickets.services import EscalationBlocked

        actions: list[tuple[str, Callable[[], None], int]] = [
            ("open", self.open_ticket, 4),
            ("work new", self.work_new, 3),
            ("answer old", self.answer_old, 2),
            ("solve old", self.solve_old, 2),
            ("reopen old", self.reopen_old, 1),
        ]
        name, action, _w = self.rng.choices(actions, [w for *_x, w in actions])[0]
        try:
            action()
        except (DomainError, EscalationBlocked, PermissionError):
            self.refused += 1  # refused as a person would be refused; nothing was written
        return name


def keep_up(target: int, *, failures: list[str], log: Any) -> dict[str, Any]:
    """Write `target` events through the services, then time one `rollup.advance()`."""
    from django.db.models import Count, Max

    from caredesk.core import clock
    from caredesk.reports import rollup
    from caredesk.reports.models import Cursor
    from caredesk.tickets.models import TicketEvent

    rollup.advance()  # anything not read yet (a kept database)
    first = Cursor.objects.get(pk=1).last_id
    latest = TicketEvent.objects.aggregate(at=Max("created_at"))["at"]
    offset = max(timedelta(0), latest + timedelta(seconds=1) - datetime.now(UTC))
    previous = clock.set_source(lambda: datetime.now(UTC) + offset)
    desk = Desk(random.Random(11))
    log(f"writing {target:,} events through the ticket services (clock from {clock.now():%c})")
    done: dict[str, int] = {}
    written = 0
    t0 = time.perf_counter()
    try:
        while written < target:
            for _ in range(20):
                name = desk.act()
                done[name] = done.get(name, 0) + 1
            written = TicketEvent.objects.filter(pk__gt=first).count()
        write_seconds = time.perf_counter() - t0
        kinds = dict(
            TicketEvent.objects.filter(pk__gt=first).values_list("kind").annotate(n=Count("id"))
        )
        log(
            f"  {written:,} events in {write_seconds:.1f} s ({written / write_seconds:.0f}/s "
            f"from one process); actions {done}, {desk.refused} refused; kinds {kinds}"
        )
        t1 = time.perf_counter()
        read = rollup.advance()
        seconds = time.perf_counter() - t1
        t2 = time.perf_counter()
        idle = rollup.advance()
        idle_seconds = time.perf_counter() - t2
    finally:
        clock.set_source(previous)
    _check(read == written, f"advance read {read:,} of {written:,} new events", failures, log)
    _check(idle == 0, f"a second advance read {idle:,} events", failures, log)
    rate = read / seconds if seconds else 0.0
    per_job = JOB_SECONDS * EVENTS_PER_SECOND
    out = {
        "events_written": written,
        "write_seconds": round(write_seconds, 1),
        "actions": done,
        "refused": desk.refused,
        "kinds": kinds,
        "events_read": read,
        "advance_seconds": round(seconds, 3),
        "events_per_second": round(rate),
        "seconds_for_a_minute_at_100_per_s": round(per_job / rate, 2) if rate else None,
        "keeps_up": rate >= EVENTS_PER_SECOND,
        "idle_advance_ms": round(idle_seconds * 1000, 1),
    }
    log(
        f"  advance(): {read:,} events in {seconds:.2f} s = {rate:,.0f} events/s; a minute at "
        f"{EVENTS_PER_SECOND}/s ({per_job:,} events) takes {out['seconds_for_a_minute_at_100_per_s']}"
        f" s of the job's {JOB_SECONDS} s: {'keeps up' if out['keeps_up'] else 'FALLS BEHIND'}"
        f" (an advance with nothing new: {out['idle_advance_ms']} ms)"
    )
    return out


# -- 3. dashboards ----------------------------------------------------------------------------


def _busiest(dim: str, start: date, end: date) -> int:
    """The team, agent or organization with the most rollup rows in the period (the heaviest
    filtered dashboard)."""
    from django.db.models import Count

    from caredesk.reports.models import Rollup

    row = (
        Rollup.objects.filter(day__gte=start, day__lte=end)
        .exclude(**{dim: 0})
        .values(dim)
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return int(row[dim]) if row else 0


def cases(end: date) -> list[dict[str, Any]]:
    """The calls timed: (label, what to call). Filtered dashboards take the team, agent and
    organization with the most rollup rows in the last 30 days."""
    from caredesk.accounts.models import User
    from caredesk.reports.selectors import Filters

    def last(days: int, **kw: Any) -> Filters:
        return Filters(start=end - timedelta(days=days - 1), end=end, **kw)

    start30 = end - timedelta(days=29)
    team = _busiest("team", start30, end)
    agent = _busiest("agent", start30, end)
    org = _busiest("organization", start30, end)
    admin = User.objects.get(email=ADMIN).pk
    tier1 = User.objects.get(email=AGENT).pk
    return [
        {"label": "desk, 30 days, by team", "filters": last(30), "by": "team"},
        {"label": "desk, 90 days, by team", "filters": last(90), "by": "team"},
        {"label": "desk, 365 days, by team", "filters": last(365), "by": "team"},
        {"label": f"team {team}, 30 days", "filters": last(30, team=team), "by": "team"},
        {"label": f"agent {agent}, 30 days", "filters": last(30, agent=agent), "by": "team"},
        {"label": f"organization {org}, 30 days", "filters": last(30, organization=org),
         "by": "team"},
        {"label": "desk, 90 days, by organization", "filters": last(90), "by": "organization"},
        {"label": "desk, 90 days, by agent", "filters": last(90), "by": "agent"},
        {"label": "tickets behind FCR, administrator, 30 days", "filters": last(30),
         "user": admin},
        {"label": "tickets behind FCR, Tier 1 agent, 30 days", "filters": last(30),
         "user": tier1},
    ]  # fmt: skip


def _call(case: dict[str, Any]) -> Callable[[], int]:
    """One call of the case; what it shows, to check it is not empty (the period's solved
    tickets, or the tickets listed)."""
    from caredesk.accounts.models import User
    from caredesk.reports import selectors

    if "user" in case:
        user = User.objects.get(pk=case["user"])  # a fresh request's user

        def behind() -> int:
            return len(
                selectors.tickets_behind(user=user, filters=case["filters"], metric="fcr").tickets
            )

        return behind

    def board() -> int:
        d = selectors.dashboard(case["filters"], by=case["by"], top=True)
        return d.totals["solved"]

    return board


def explain(statements: list[dict[str, Any]], log: Any) -> list[dict[str, Any]]:
    """EXPLAIN ANALYZE of a call's two slowest SELECTs."""
    from django.db import connection

    slowest = sorted(statements, key=lambda s: -float(s["time"]))[:2]
    out = []
    with connection.cursor() as cursor:
        for s in slowest:
            if not s["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + s["sql"])
            plan = "\n".join(r[0] for r in cursor.fetchall())
            out.append({"ms": round(float(s["time"]) * 1000, 1), "sql": s["sql"], "plan": plan})
            log(f"    EXPLAIN ANALYZE ({out[-1]['ms']} ms): {s['sql'][:300]}")
            for line in plan.splitlines():
                log(f"      {line}")
    return out


def measure(end: date, reps: int, *, failures: list[str], log: Any) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for case in cases(end):
        times, shown = [], 0
        for i in range(reps + 2):
            call = _call(case)
            t0 = time.perf_counter()
            shown = call()
            if i >= 2:
                times.append((time.perf_counter() - t0) * 1000)
        call = _call(case)
        with CaptureQueriesContext(connection) as captured:
            call()
        statements = list(captured.captured_queries)
        f = case["filters"]
        row: dict[str, Any] = {
            "call": case["label"],
            "start": f.start.isoformat(),
            "end": f.end.isoformat(),
            "by": case.get("by"),
            "shown": shown,
            "queries": len(statements),
            "statement_ms": [round(float(s["time"]) * 1000, 1) for s in statements],
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(_percentile(times, 95), 1),
            "max_ms": round(max(times), 1),
        }
        _check(shown > 0, f"{case['label']}: nothing shown", failures, log)
        log(
            f"  {case['label']:<44} p50 {row['p50_ms']:>7.1f} ms  p95 {row['p95_ms']:>7.1f} ms"
            f"  {row['queries']:>2} queries (slowest {max(row['statement_ms']):.1f} ms)"
        )
        if row["p95_ms"] > TARGET_P95_MS:
            row["explain"] = explain(statements, log)
        rows.append(row)
    return rows


# -- 4. the screens over HTTP ------------------------------------------------------------------

# What each answer must hold to be measured (the screen, not a sign-in page or an error), and
# what the first answer must show besides: a figure with a number in it.
MARK = {
    "dashboard": b'<ul class="rp-kpis">',
    "tickets": b'<table class="simple rp-behind"',
    "repairs": b'<ul class="rp-kpis">',
    "executive": b'class="rp-kpi-value"',
}
FIGURE = {
    "dashboard": rb'<td class="num"><a href="[^"]*">[1-9][0-9,]*</a></td>',  # a count, not 0
    "tickets": rb'<th scope="row"><a href="/agent/tickets/\d+/">',  # a ticket listed
    "repairs": rb'<th scope="row">RMAs opened</th><td class="num">[1-9][0-9,]*</td>',
    "executive": rb'class="rp-kpi-value">(?:<a [^>]*>)?\s*[0-9]',  # a key figure
}


def executive_url() -> str | None:
    """The executive page's address, if this version of the desk has one."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("reports:executive")
    except NoReverseMatch:
        return None


def http_cases(end: date) -> list[dict[str, Any]]:
    """The screens timed over HTTP: every dashboard and list the in-process part times, as the
    query strings the screens name their filters with, then the Tier 1 agent's own figures, the
    repairs page and the executive page (where there is one)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from caredesk.accounts.models import User
    from caredesk.reports.selectors import Filters

    dashboard, tickets, repairs = (
        reverse("reports:dashboard"),
        reverse("reports:tickets"),
        reverse("reports:repairs"),
    )
    admin = User.objects.get(email=ADMIN).pk
    out = []
    for case in cases(end):
        query = case["filters"].as_query()
        if "user" in case:
            who = ADMIN if case["user"] == admin else AGENT
            out.append({"label": case["label"], "page": "tickets", "as": who,
                        "url": f"{tickets}?{urlencode({**query, 'metric': 'fcr'})}"})  # fmt: skip
        else:
            out.append({"label": case["label"], "page": "dashboard", "as": ADMIN,
                        "url": f"{dashboard}?{urlencode({**query, 'by': case['by']})}"})  # fmt: skip
    own = Filters(start=end - timedelta(days=29), end=end).as_query()
    out.append({"label": "Tier 1 agent's own figures, 30 days", "page": "dashboard", "as": AGENT,
                "url": f"{dashboard}?{urlencode(own)}"})  # fmt: skip
    for days in (30, 365):
        query = Filters(start=end - timedelta(days=days - 1), end=end).as_query()
        out.append({"label": f"repairs, {days} days", "page": "repairs", "as": ADMIN,
                    "url": f"{repairs}?{urlencode(query)}"})  # fmt: skip
    executive = executive_url()
    if executive is not None:
        for days in (30, 365):
            query = Filters(start=end - timedelta(days=days - 1), end=end).as_query()
            out.append({"label": f"executive, {days} days", "page": "executive", "as": ADMIN,
                        "url": f"{executive}?{urlencode(query)}"})  # fmt: skip
    return out


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _time_pages(
    port: int, pages: list[dict[str, Any]], secrets: dict[str, str], reps: int, log: Any
) -> list[dict[str, Any]]:
    """Sign in as each person (password, then the authenticator's code), then GET each page:
    once to check it shows a figure, 2 warm-ups, `reps` timed, one request at a time."""
    cookies = {email: {"Cookie": await run.login(port, email, secret)}
               for email, secret in secrets.items()}  # fmt: skip
    rows = []
    for page in pages:
        headers = cookies[page["as"]]
        row: dict[str, Any] = {k: page[k] for k in ("label", "page", "as", "url")}
        conn = httpclient.Connection(port)
        try:
            first = await conn.request("GET", page["url"], headers=headers)
            httpclient.verify(first, 200, MARK[page["page"]])
            if not re.search(FIGURE[page["page"]], first.body):
                raise httpclient.UnexpectedResponse("the page shows no figure with a number")
            row["bytes"] = len(first.body)
            before = run._cpu_times()
            row |= await httpclient.sequential(
                port,
                lambda _i, url=page["url"], h=headers: ("GET", url, h, b""),
                count=reps,
                warmup=2,
                max_seconds=600,
                contains=MARK[page["page"]],
            )
            # the whole machine's busy share meanwhile: the server, PostgreSQL, this client and
            # whatever else shares the 2 cores
            row["machine_busy_pct"] = run._busy_pct(before, run._cpu_times())
        except httpclient.UnexpectedResponse as exc:
            row["error"] = str(exc)[:500]
        finally:
            await conn.close()
        rows.append(row)
        if "error" in row:
            log(f"  {row['label']:<44} FAILED: {row['error'][:200]}")
        else:
            log(f"  {row['label']:<44} p50 {row['p50_ms']:>7.1f} ms  p95 {row['p95_ms']:>7.1f} ms"
                f"  ({row['n']} runs, {row['bytes']:,} bytes, machine"
                f" {row['machine_busy_pct']}% busy)")  # fmt: skip
    return rows


def count_statements(pages: list[dict[str, Any]]) -> None:
    """Each page's SQL statements, counted by requesting it once in-process (a test client
    signed in as the same person), after one request to warm the caches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = {email: run.signed_in(email) for email in {p["as"] for p in pages}}
    for page in pages:
        client = clients[page["as"]]
        client.get(page["url"])
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            resp = client.get(page["url"])
            seconds = time.perf_counter() - t0
        statement_ms = [float(q["time"]) * 1000 for q in captured.captured_queries]
        page["statements"] = len(statement_ms)
        page["statement_ms"] = [round(ms, 1) for ms in statement_ms]
        # one in-process request: its SQL and the rest (Python: the view, the template)
        page["in_process_ms"] = round(seconds * 1000, 1)
        page["in_process_sql_ms"] = round(sum(statement_ms), 1)
        page["in_process_status"] = resp.status_code


def measure_http(
    end: date,
    args: argparse.Namespace,
    env: dict[str, str],
    data_dir: Path,
    *,
    failures: list[str],
    log: Any,
) -> dict[str, Any]:
    """Start the desk (uvicorn, ASGI) on a free port of 127.0.0.1 against the benchmark
    database, sign in as the administrator and a Tier 1 agent, and time each screen."""
    from django.core.management import call_command
    from django.db import connections

    call_command("collectstatic", "--noinput", verbosity=0)  # the server's pages link them
    pages = http_cases(end)
    secrets = {email: run._second_factor(email) for email in (ADMIN, AGENT)}
    port = args.port or _free_port()
    server = argparse.Namespace(server="uvicorn", port=port, workers=args.workers, server_env=[])
    connections.close_all()
    server_log = data_dir / "server-reports.log"
    log(f"the screens over HTTP: uvicorn on 127.0.0.1:{port} ({args.workers} worker),"
        f" {args.reps} runs each after 2 warm-ups")  # fmt: skip
    executive = executive_url()
    out: dict[str, Any] = {
        "port": port,
        "workers": args.workers,
        "executive": executive or "not present (reports:executive does not resolve)",
        "load_average": _loadavg(),
    }
    if executive is None:
        log("  the executive page is not present (reports:executive does not resolve)")
    proc = run.start_server(server, env, server_log)
    try:
        rows = run._run_async(_time_pages(port, pages, secrets, args.reps, log))
    except httpclient.UnexpectedResponse as exc:  # signing in failed
        tail = server_log.read_text(errors="replace").splitlines()[-40:]
        print("\n".join(["server log (last lines):", *tail]), file=sys.stderr)
        failures.append(f"HTTP: {exc}")
        return out | {"rows": []}
    finally:
        run.stop_server(proc)
    out["load_average_end"] = _loadavg()
    count_statements(rows)
    for row in rows:
        if "error" in row:
            failures.append(f"HTTP {row['label']}: {row['error'][:200]}")
            continue
        _check(row["in_process_status"] == 200,
               f"{row['label']}: in-process answer {row['in_process_status']}", failures, log)  # fmt: skip
        _check(row["n"] == args.reps, f"{row['label']}: {row['n']} of {args.reps} runs", failures,
               log)  # fmt: skip
    ok = [r for r in rows if "error" not in r]
    out["rows"] = rows
    out["worst_p95_ms"] = max((r["p95_ms"] for r in ok), default=None)
    out["missed_target"] = [r["label"] for r in ok if r["p95_ms"] > TARGET_P95_MS]
    for row in rows:
        if "statements" in row:
            log(f"  {row['label']:<44} {row['statements']:>2} statements; in-process once"
                f" {row['in_process_ms']} ms, of which SQL {row['in_process_sql_ms']} ms")  # fmt: skip
    log(f"worst HTTP p95 {out['worst_p95_ms']} ms (target {TARGET_P95_MS} ms)"
        + (f"; over the target: {out['missed_target']}" if out["missed_target"] else ""))  # fmt: skip
    return out


# -- the run ------------------------------------------------------------------------------------


def load(url: str, args: argparse.Namespace, result: dict[str, Any], log: Any) -> None:
    from django.core.management import call_command

    from caredesk.demo import demo_load

    call_command("migrate", "--noinput", verbosity=0)
    demo_load(tickets=0)
    log(f"loading {args.tickets:,} tickets")
    now = datetime.now(UTC)
    result["tickets"] = fixture.top_up(url, args.tickets, now=now, log=log)
    log(f"  {result['tickets']}")
    load_repairs(url, args, result, log, now=now)


def load_repairs(
    url: str, args: argparse.Namespace, result: dict[str, Any], log: Any, *, now: datetime
) -> None:
    log(f"loading {args.rmas:,} RMAs, their parts, stock, contracts and NPS surveys")
    result["repairs_fixture"] = rma_fixture.load(url, rmas=args.rmas, now=now, log=log)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--events", type=int, default=6000, help="new events for advance()")
    p.add_argument("--reps", type=int, default=30)
    p.add_argument("--rmas", type=int, default=50_000, help="RMAs in the repairs fixture")
    p.add_argument("--port", type=int, default=0, help="the desk's port (default: a free one)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p.add_argument(
        "--smoke", action="store_true", help="1,000 tickets, 200 RMAs, 200 new events, 3 reps"
    )
    p.add_argument("--keep-db", action="store_true")
    p.add_argument(
        "--reuse-db", action="store_true", help="measure again on a database kept by --keep-db"
    )
    p.add_argument("--rebuild", action="store_true", help="with --reuse-db: build again")
    args = p.parse_args(argv)
    if args.smoke:
        args.tickets, args.events, args.reps, args.rmas = 1000, 200, 3, 200
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
    result["load_average_start"] = _loadavg()
    log(f"load average {' '.join(result['load_average_start'])}")
    run.django_setup(env)
    failures: list[str] = []
    started = time.perf_counter()
    try:
        from django.db.models import Max

        from caredesk.reports.models import Rollup

        if not args.reuse_db:
            load(url, args, result, log)
        else:  # a kept database takes the migrations written since, and the repairs fixture
            from django.core.management import call_command

            call_command("migrate", "--noinput", verbosity=0)
            if not rma_fixture.present():
                load_repairs(url, args, result, log, now=datetime.now(UTC))
        if not args.reuse_db or args.rebuild or not Rollup.objects.exists():
            result["build"] = build(url, smoke=args.smoke, failures=failures, log=log)
        end = Rollup.objects.aggregate(d=Max("day"))["d"]
        result["latest_day"] = end.isoformat()
        result["keep_up"] = keep_up(args.events, failures=failures, log=log)
        log(f"dashboards ending {end}, {args.reps} runs each after 2 warm-ups")
        result["load_average_dashboards"] = _loadavg()
        result["rows"] = measure(end, args.reps, failures=failures, log=log)
        worst = max(r["p95_ms"] for r in result["rows"])
        result["worst_p95_ms"] = worst
        log(f"worst p95 {worst:.1f} ms (target {TARGET_P95_MS} ms)")
        result["http"] = measure_http(end, args, env, data_dir, failures=failures, log=log)
        result["tables"] = table_rows(url)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            result["database_size"] = cursor.fetchone()[0]
        log(f"database size {result['database_size']}; {result['tables']}")
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep_db or args.reuse_db):
            run.recreate_database(url, drop_only=True)
            shutil.rmtree(data_dir, ignore_errors=True)  # its keys go with the database
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["load_average_end"] = _loadavg()
    result["failures"] = failures
    log(f"load average {' '.join(result['load_average_end'])}; {result['seconds']} s in all")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    path = out / f"reports-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    log(f"results in {path}")
    if failures:
        raise Mismatch("unexpected figures: " + "; ".join(failures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
