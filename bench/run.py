"""CareDesk HTTP benchmarks on PostgreSQL: ticket create, agent queue, API list, ticket page.

    .venv/bin/python bench/run.py                      # 100,000 tickets
    .venv/bin/python bench/run.py --also 1000000       # then top up to 1,000,000 and measure again
    .venv/bin/python bench/run.py --smoke              # CI: 1,000 tickets, every page, in seconds

Creates a fresh database (default caredesk_bench on 127.0.0.1), migrates, loads the demo base
data (teams, agents, organizations, request types), loads N tickets with COPY, VACUUM ANALYZE,
counts the SQL queries of each page in-process, EXPLAIN ANALYZEs the list queries, then starts
uvicorn on 127.0.0.1 and measures over HTTP with bounded request counts and time limits. Agents
sign in as people do, password then the authenticator's code. Every measured answer must have
the expected status and content (a queue page holds the ticket list, a create answers 201 with
the ticket), or the run stops: a redirect to the sign-in page is never measured. Raw results go
to bench/results/; the database is dropped at the end unless --keep-db.
See docs/benchmarks.md for the results and how to read them.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fixture  # noqa: E402
import httpclient  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caredesk_bench"
SMOKE_URL = "postgres://postgres@127.0.0.1:5432/caredesk_bench_smoke"
ADMIN = "admin@caredesk.example"
AGENT = "amara.osei@caredesk.example"  # tier-1: sees most tickets
SPECIALIST = "marek.wojcik@caredesk.example"  # engineering: sees few tickets
PASSWORD = "caredesk-demo"  # the published demo password
CPU_REPS = 20
BATCH = 50  # tickets per POST /api/v1/tickets/batch
TARGETS = {
    "create_per_second": 500,
    "queue_p95_ms": 50,
    "api_list_p95_ms": 50,
    "ticket_p95_ms": 40,
}


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


def _db_name(url: str) -> str:
    return urllib.parse.urlparse(url).path.lstrip("/")


def _maintenance_url(url: str) -> str:
    return urllib.parse.urlparse(url)._replace(path="/postgres").geturl()


def _check_local(url: str) -> None:
    host = urllib.parse.urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to benchmark a non-local database host: {host}")
    if "bench" not in _db_name(url):
        raise SystemExit("the benchmark database name must contain 'bench' (it is dropped)")


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    name = _db_name(url)
    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _redis_clear(redis_url: str, prefix: str) -> None:
    """Delete the benchmark's own Redis keys (its queue, cache entries and sign-in limits)."""
    if not redis_url:
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        queue = "".join(c for c in prefix if c.isalnum() or c == "_")  # as huey names it
        for pattern in (f"{prefix}:*", f"huey.redis.{queue}"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)
    finally:
        client.close()


def machine_info(url: str) -> dict[str, Any]:
    from importlib.metadata import version

    import psycopg

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem_kb = int(line.split()[1])
    with psycopg.connect(url) as conn:
        pg = conn.execute("SELECT version()").fetchone()
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "synchronous_commit")
        }
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "postgresql": pg[0] if pg else "",
        "postgresql_settings": settings,
        "python": platform.python_version(),
        **{name: version(name) for name in ("django", "django-ninja", "uvicorn", "psycopg")},
    }


# --- in-process: setup, query counts, EXPLAIN ---------------------------------------------------


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def prepare_app(*, load_demo: bool = True) -> dict[str, Any]:
    """Migrate, collect static files, load the demo base data, make an API token, and set up
    the authenticator of each agent who signs in."""
    from django.core.management import call_command

    from caredesk.accounts.models import User
    from caredesk.accounts.scopes import TICKETS_READ, TICKETS_WRITE
    from caredesk.accounts.services import token_create
    from caredesk.demo import demo_load

    t0 = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    t1 = time.perf_counter()
    if load_demo:
        demo_load(tickets=0)
    admin = User.objects.get(email=ADMIN)
    _token, secret = token_create(user=admin, name="bench", scopes=[TICKETS_READ, TICKETS_WRITE])
    return {
        "token": secret,
        "totp": {email: _second_factor(email) for email in (ADMIN, AGENT, SPECIALIST)},
        "migrate_seconds": round(t1 - t0, 1),
        "demo_base_seconds": round(time.perf_counter() - t1, 1),
    }


def _second_factor(email: str) -> str:
    """The authenticator secret of the person (set up through the enrolment services)."""
    from caredesk.accounts import totp
    from caredesk.accounts.models import SecondFactor, User
    from caredesk.accounts.signin import mfa_confirm, mfa_start
    from caredesk.core import clock

    user = User.objects.get(email=email)
    factor = SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if factor is None:
        factor = mfa_start(user=user)
        mfa_confirm(user=user, code=totp.code_at(factor.secret, clock.now().timestamp()))
    return factor.secret


def _next_code(email: str, secret: str) -> str:
    """The authenticator's code for the first 30-second step the desk has not accepted yet."""
    from caredesk.accounts import totp
    from caredesk.accounts.models import SecondFactor

    last = SecondFactor.objects.get(user__email=email).last_step
    now = time.time()
    step = max(totp.step_at(now), last + 1)
    if step > totp.step_at(now) + totp.DRIFT_STEPS:  # every step within the drift is used
        time.sleep((step - totp.DRIFT_STEPS) * totp.STEP_SECONDS - now)
    return totp.code_at(secret, step * totp.STEP_SECONDS)


def _pick_tickets(rng: random.Random, count: int) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM tickets_ticket")
        lo, hi = cur.fetchone()
        ids = [rng.randint(lo, hi) for _ in range(count)]
        cur.execute(
            "SELECT t.id, count(m.id) FROM tickets_ticket t"
            " LEFT JOIN tickets_message m ON m.ticket_id = t.id"
            " WHERE t.id = ANY(%s) GROUP BY t.id",
            [ids[:200]],
        )
        by_messages: dict[int, int] = {}
        for tid, n in cur.fetchall():
            by_messages.setdefault(n, tid)
        cur.execute("SELECT id FROM tickets_requesttype ORDER BY id")
        types = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT id FROM accounts_contact ORDER BY id")
        contacts = [r[0] for r in cur.fetchall()]
    return {"ids": ids, "by_messages": by_messages, "types": types, "contacts": contacts}


def _next_link(content: bytes) -> str | None:
    m = re.search(rb'href="([^"]*)" rel="next"', content)
    return "/agent/" + html.unescape(m.group(1).decode()) if m else None


def signed_in(email: str) -> Any:
    """An in-process test client with a session past both sign-in steps, as the HTTP
    measurement's real sign-in makes."""
    from django.test import Client

    from caredesk.accounts.models import User
    from caredesk.accounts.sessions import mark_signed_in
    from caredesk.accounts.signin import METHOD_TOTP

    client = Client()
    client.force_login(User.objects.get(email=email))
    session = client.session
    mark_signed_in(session, METHOD_TOTP)
    session.save()
    return client


def count_queries(
    token: str, picks: dict[str, Any], cpu_reps: int = CPU_REPS
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Run each measured page once in-process and count its SQL queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    desk, agent, specialist = signed_in(ADMIN), signed_in(AGENT), signed_in(SPECIALIST)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    out: dict[str, Any] = {}
    urls: dict[str, str] = {}
    captured: dict[str, list[str]] = {}

    def run(name: str, client: Client, method: str, url: str, **kw: Any) -> Any:
        call = getattr(client, method)
        with CaptureQueriesContext(connection) as ctx:
            resp = call(url, **kw)
        sqls = [q["sql"] for q in ctx.captured_queries]  # read now: the next request resets it
        want = 201 if method == "post" else 200
        if resp.status_code != want:
            raise httpclient.UnexpectedResponse(
                f"{name}: {method.upper()} {url} answered {resp.status_code}, not {want}:"
                f" {resp.content[:300]!r}"
            )
        # Python CPU time of this process per request (Django + test client, not PostgreSQL):
        # unlike wall time it hardly moves when other work shares the machine.
        c0 = time.process_time()
        for _ in range(cpu_reps):
            call(url, **kw)
        cpu_ms = round(1000 * (time.process_time() - c0) / cpu_reps, 1)
        out[name] = {
            "url": url,
            "status": resp.status_code,
            "queries": len(sqls),
            "python_cpu_ms": cpu_ms,
        }
        captured[name] = sqls
        return resp

    for client in (desk, agent, specialist, api):
        client.get("/agent/?queue=open")
    r = run("queue_open", desk, "get", "/agent/?queue=open")
    urls["queue_open_page2"] = _next_link(r.content) or ""
    run("queue_open_page2", desk, "get", urls["queue_open_page2"])
    run("queue_unassigned", desk, "get", "/agent/?queue=unassigned")
    run("queue_open_team_agent", agent, "get", "/agent/?queue=open")
    run("queue_team_team_agent", agent, "get", "/agent/?queue=team")
    run("queue_open_specialist", specialist, "get", "/agent/?queue=open")
    r = run("api_list_open", api, "get", "/api/v1/tickets?queue=open&limit=25")
    cursor = r.json().get("next_cursor")
    urls["api_list_open_page2"] = "/api/v1/tickets?" + urllib.parse.urlencode(
        {"queue": "open", "limit": 25, "cursor": cursor}
    )
    run("api_list_open_page2", api, "get", urls["api_list_open_page2"])
    for n, tid in sorted(picks["by_messages"].items()):
        run(f"ticket_page_{n}_messages", desk, "get", f"/agent/tickets/{tid}/")
        run(f"api_ticket_get_{n}_messages", api, "get", f"/api/v1/tickets/{tid}")
    run(
        "api_create",
        api,
        "post",
        "/api/v1/tickets",
        data=json.dumps(
            {
                "subject": "Query count probe",
                "body": "Hello, counting queries.",
                "requester_id": picks["contacts"][0],
                "category": picks["types"][0],
            }
        ),
        content_type="application/json",
    )
    return out, captured


def explain(captured: dict[str, list[str]], names: list[str]) -> dict[str, Any]:
    """EXPLAIN ANALYZE every SELECT on tickets_ticket the named pages ran."""
    from django.db import connection

    plans: dict[str, Any] = {}
    with connection.cursor() as cur:
        for name in names:
            for i, sql in enumerate(captured.get(name, [])):
                if not sql.startswith("SELECT") or '"tickets_ticket"' not in sql:
                    continue
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cur.fetchall())
                m = re.search(r"Execution Time: ([\d.]+) ms", plan)
                plans[f"{name}#{i}"] = {
                    "sql": sql,
                    "execution_ms": float(m.group(1)) if m else None,
                    "plan": plan,
                }
    return plans


# --- the server -------------------------------------------------------------------------------


def start_server(
    args: argparse.Namespace, env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    if args.server == "serve":
        cli = [sys.executable, "-m", "caredesk.cli"]
        cmd = [*cli, "serve", "--no-worker", "--port", str(args.port)]
    else:
        wsgi = args.server == "uvicorn-wsgi"
        cmd = [
            sys.executable, "-m", "uvicorn",
            "caredesk.wsgi:application" if wsgi else "caredesk.asgi:application",
            "--interface", "wsgi" if wsgi else "asgi3",
            "--host", "127.0.0.1", "--port", str(args.port), "--workers", str(args.workers),
            "--log-level", "warning", "--no-access-log", "--lifespan", "off",
        ]  # fmt: skip
    extra = dict(kv.split("=", 1) for kv in args.server_env)
    logf = log_path.open("wb")
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **env, **extra},
        stdout=logf,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early; see {log_path}")
        try:
            with urllib.request.urlopen(  # noqa: S310 - fixed http://127.0.0.1 URL
                f"http://127.0.0.1:{args.port}/healthz", timeout=2
            ) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit(f"server did not become healthy in 90 s; see {log_path}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # the group this script started for the server
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _cpu_times() -> tuple[int, int]:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    idle = values[3] + values[4]
    return sum(values), idle


def _busy_pct(before: tuple[int, int], after: tuple[int, int]) -> float:
    total, idle = after[0] - before[0], after[1] - before[1]
    return round(100 * (1 - idle / total), 1) if total else 0.0


_TICK = os.sysconf("SC_CLK_TCK")


def _foreign_cpu(server_pgid: int) -> dict[int, float]:
    """CPU seconds of every process that is not ours (server group, this process, PostgreSQL)."""
    out: dict[int, float] = {}
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        comm_end = raw.rindex(")")
        comm = raw[raw.index("(") + 1 : comm_end]
        fields = raw[comm_end + 2 :].split()
        pid, pgid = int(entry.name), int(fields[2])
        if pid == me or pgid == server_pgid or comm.startswith("postgres"):
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / _TICK
    return out


def _proc_cpu(pid: int) -> float:
    try:
        raw = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def _our_cpu(url: str, server_pgid: int) -> dict[str, Any]:
    """CPU seconds so far of the server's processes and of the PostgreSQL backends serving the
    benchmark database (the server keeps its connections, so the same backends throughout)."""
    import psycopg

    server = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            if int(raw[raw.rindex(")") + 2 :].split()[2]) == server_pgid:
                server += _proc_cpu(int(entry.name))
    with psycopg.connect(url) as conn:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return {"server": server, "database": {pid: _proc_cpu(pid) for pid in pids}}


def _foreign_pct(before: dict[int, float], after: dict[int, float], seconds: float) -> float:
    """Share of the machine (all cores) the other processes used between two snapshots."""
    used = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
    cores = os.cpu_count() or 1
    return round(100 * used / (seconds * cores), 1) if seconds > 0 else 0.0


async def wait_quiet(max_wait: float, threshold: float = 15.0) -> float:
    """Wait until the machine is idle (others may share it); return the last idle sample.

    The benchmark measures on a 2-core machine: anything else running (a test suite, a build)
    would be measured too. Bounded: after `max_wait` seconds it proceeds and the busy figure
    recorded with each measurement tells the reader.
    """
    if max_wait <= 0:
        return 0.0
    deadline = time.monotonic() + max_wait
    waited = False
    while True:
        before = _cpu_times()
        await asyncio.sleep(1.0)
        busy = _busy_pct(before, _cpu_times())
        if busy < threshold or time.monotonic() > deadline:
            if waited:
                log(f"  machine quiet again ({busy}% busy)")
            return busy
        if not waited:
            log(f"  machine busy ({busy}%) with other work; waiting up to {max_wait:.0f} s")
            waited = True


# --- over HTTP --------------------------------------------------------------------------------


async def login(port: int, email: str, secret: str) -> str:
    """Sign in as a person does: password, then the authenticator's code; the session cookie.

    Each step must answer what it answers a person (the code page after the password, the queue
    after the code), so a change to signing in stops the benchmark instead of emptying it.
    """
    conn = httpclient.Connection(port)
    jar: dict[str, str] = {}

    async def step(method: str, path: str, form: dict[str, str] | None = None) -> Any:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
        body = b""
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(form).encode()
        r = await conn.request(method, path, headers=headers, body=body)
        jar.update(r.cookies())
        return r

    def csrf(r: Any) -> str:
        m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', r.body)
        if not m:
            raise httpclient.UnexpectedResponse(f"no sign-in form for {email}: HTTP {r.status}")
        return m.group(1).decode()

    def expect(r: Any, status: int, where: str) -> None:
        location = r.header("location") or ""
        if r.status != status or (status == 302 and not location.startswith(where)):
            raise httpclient.UnexpectedResponse(
                f"signing in {email}: HTTP {r.status} to {location or '-'}, expected {status}"
                f" {where}"
            )

    try:
        r = await step("GET", "/login/")
        r = await step(
            "POST",
            "/login/",
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf(r)},
        )
        expect(r, 302, "/login/code/")
        r = await step("GET", "/login/code/")
        token = csrf(r)
        code = await asyncio.to_thread(_next_code, email, secret)
        r = await step("POST", "/login/code/", {"code": code, "csrfmiddlewaretoken": token})
        expect(r, 302, "/")
        r = await step("GET", "/agent/?queue=open")
        httpclient.verify(r, 200, QUEUE_MARK)
        return "; ".join(f"{k}={v}" for k, v in jar.items())
    finally:
        await conn.close()


def _get(path: str, headers: dict[str, str]) -> Any:
    return lambda _i: ("GET", path, headers, b"")


# What each measured answer must hold: the page itself, never a sign-in page or an error.
QUEUE_MARK = b'<div id="ticket-list">'
ROWS_MARK = b'<table class="tickets"'  # a queue with tickets in it
TICKET_MARK = b'<h1 id="ticket-title">'
API_LIST_MARK = b'"items"'
API_TICKET_MARK = b'"subject"'


def _db_sessions(url: str) -> int:
    """PostgreSQL's count of connections ever opened to the benchmark database."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


async def _clean(args: argparse.Namespace, pgid: int, run: Any) -> dict[str, Any]:
    """Run a measurement; if other processes used the machine meanwhile, retry (bounded).

    Keeps the attempt during which other processes used the least CPU and records that share.
    """
    best: dict[str, Any] | None = None
    for attempt in range(1, args.attempts + 1):
        await wait_quiet(args.max_wait_quiet)
        sessions = _db_sessions(args.database_url)
        before, fb, t0 = _cpu_times(), _foreign_cpu(pgid), time.monotonic()
        res = await run()
        opened = _db_sessions(args.database_url) - sessions - 1  # less our own counter query
        res["db_connections_opened"] = opened
        res["db_connections_per_request"] = round(opened / max(res.get("n", 1), 1), 2)
        res["foreign_cpu_pct"] = _foreign_pct(fb, _foreign_cpu(pgid), time.monotonic() - t0)
        res["machine_busy_pct"] = _busy_pct(before, _cpu_times())
        res["attempt"] = attempt
        if best is None or res["foreign_cpu_pct"] < best["foreign_cpu_pct"]:
            best = res
        if res["foreign_cpu_pct"] <= args.max_foreign_pct or attempt == args.attempts:
            break
        log(f"  other processes used {res['foreign_cpu_pct']}% of the machine; measuring again")
    assert best is not None
    return best


async def measure_http(
    args: argparse.Namespace,
    token: str,
    secrets: dict[str, str],
    *,
    picks: dict[str, Any],
    urls: dict[str, str],
    pgid: int,
) -> dict[str, Any]:
    port = args.port
    admin = {"Cookie": await login(port, ADMIN, secrets[ADMIN])}
    agent = {"Cookie": await login(port, AGENT, secrets[AGENT])}
    specialist = {"Cookie": await login(port, SPECIALIST, secrets[SPECIALIST])}
    bearer = {"Authorization": f"Bearer {token}"}
    ids = picks["ids"]
    seq = {"count": args.samples, "warmup": args.warmup, "max_seconds": args.max_seconds}
    out: dict[str, Any] = {}
    endpoints = [
        ("queue_open", _get("/agent/?queue=open", admin), ROWS_MARK),
        ("queue_open_page2", _get(urls["queue_open_page2"], admin), ROWS_MARK),
        ("queue_unassigned", _get("/agent/?queue=unassigned", admin), QUEUE_MARK),
        ("queue_open_team_agent", _get("/agent/?queue=open", agent), ROWS_MARK),
        ("queue_open_specialist", _get("/agent/?queue=open", specialist), QUEUE_MARK),
        ("api_list_open", _get("/api/v1/tickets?queue=open&limit=25", bearer), API_LIST_MARK),
        ("api_list_open_page2", _get(urls["api_list_open_page2"], bearer), API_LIST_MARK),
        (
            "ticket_page",
            lambda i: ("GET", f"/agent/tickets/{ids[i % len(ids)]}/", admin, b""),
            TICKET_MARK,
        ),
        (
            "api_ticket_get",
            lambda i: ("GET", f"/api/v1/tickets/{ids[i % len(ids)]}", bearer, b""),
            API_TICKET_MARK,
        ),
    ]
    for name, make, mark in endpoints:
        if args.only and name not in args.only:
            continue
        try:
            out[name] = await _clean(
                args,
                pgid,
                lambda m=make, c=mark: httpclient.sequential(port, m, contains=c, **seq),
            )
        except httpclient.UnexpectedResponse as exc:
            raise httpclient.UnexpectedResponse(f"{name}: {exc}") from None
        log(
            f"  {name:<24} p50 {out[name]['p50_ms']:>7} ms  p95 {out[name]['p95_ms']:>7} ms"
            f"  (other processes {out[name]['foreign_cpu_pct']}%)"
        )

    if args.only and "create" not in args.only:
        return out
    # The queue page under 8 concurrent agents: throughput and latency while loaded.
    out["queue_open_c8"] = await _clean(
        args,
        pgid,
        lambda: httpclient.concurrent(
            port,
            _get("/agent/?queue=open", admin),
            contains=ROWS_MARK,
            count=args.samples * 2,
            concurrency=args.concurrency,
            max_seconds=args.max_seconds,
        ),
    )
    log(
        f"  queue_open_c8            {out['queue_open_c8']['per_second']} pages/s"
        f"  (other processes {out['queue_open_c8']['foreign_cpu_pct']}%)"
    )

    rng = random.Random(7)
    contacts, types = picks["contacts"], picks["types"]
    post_headers = {**bearer, "Content-Type": "application/json"}

    def create(i: int) -> tuple[str, str, dict[str, str], bytes]:
        body = {
            "subject": f"Benchmark ticket {i}: video visit dropped",
            "body": "Hello,\n\nThe video visit dropped after five minutes. Could you help?",
            "requester_id": rng.choice(contacts),
            "category": rng.choice(types),
            "priority": rng.choice([2, 3, 3, 4]),
            "channel": "email",
        }
        return "POST", "/api/v1/tickets", post_headers, json.dumps(body).encode()

    async def create_run() -> dict[str, Any]:
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        cpu0 = await asyncio.to_thread(_our_cpu, args.database_url, pgid)
        res = await httpclient.concurrent(
            port,
            create,
            count=args.creates,
            concurrency=args.concurrency,
            max_seconds=args.max_seconds * 2,
            expect=201,
            contains=b'"ref"',
        )
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu1 = await asyncio.to_thread(_our_cpu, args.database_url, pgid)
        client = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        res["client_cpu_seconds"] = round(client, 2)
        ok = max(res["ok"], 1)
        server = cpu1["server"] - cpu0["server"]
        database = sum(v - cpu0["database"].get(pid, 0.0) for pid, v in cpu1["database"].items())
        res["server_cpu_ms_per_ticket"] = round(1000 * server / ok, 2)
        res["database_cpu_ms_per_ticket"] = round(1000 * database / ok, 2)
        res["client_cpu_ms_per_ticket"] = round(1000 * client / ok, 2)
        # What the machine's cores could create if nothing else ran (others share it now).
        total = (server + database + client) / ok
        res["capacity_per_second"] = round((os.cpu_count() or 1) / total, 1) if total else 0.0
        return res

    out["create"] = await _clean(args, pgid, create_run)
    c = out["create"]
    log(
        f"  create                   {c['per_second']} tickets/s"
        f"  (other processes {c['foreign_cpu_pct']}%); CPU ms a ticket: server"
        f" {c['server_cpu_ms_per_ticket']}, PostgreSQL {c['database_cpu_ms_per_ticket']}, client"
        f" {c['client_cpu_ms_per_ticket']}: {c['capacity_per_second']}/s on idle cores"
    )

    # Imports and integrations: POST /api/v1/tickets/batch, BATCH tickets a request.
    def create_batch(i: int) -> tuple[str, str, dict[str, str], bytes]:
        items = [json.loads(create(i * BATCH + k)[3]) for k in range(BATCH)]
        return (
            "POST",
            "/api/v1/tickets/batch",
            post_headers,
            json.dumps({"tickets": items}).encode(),
        )

    async def batch_run() -> dict[str, Any]:
        res = await httpclient.concurrent(
            port,
            create_batch,
            count=max(1, args.creates // BATCH),
            concurrency=args.batch_concurrency,
            max_seconds=args.max_seconds * 2,
            expect=201,
        )
        res["tickets_per_second"] = round(res["per_second"] * BATCH, 1)
        return res

    out["create_batch"] = await _clean(args, pgid, batch_run)
    log(
        f"  create_batch ({BATCH}/request) {out['create_batch']['tickets_per_second']} tickets/s"
        f"  (other processes {out['create_batch']['foreign_cpu_pct']}%)"
    )
    return out


def _run_async(coro: Any) -> Any:
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:
        return asyncio.run(coro)


# --- report -----------------------------------------------------------------------------------


def summary(result: dict[str, Any]) -> str:
    cols = [
        ("create/s", "create", "per_second"),
        ("batch create/s", "create_batch", "tickets_per_second"),
        ("queue p95", "queue_open", "p95_ms"),
        ("queue p2 p95", "queue_open_page2", "p95_ms"),
        ("unassigned p95", "queue_unassigned", "p95_ms"),
        ("tier-1 agent p95", "queue_open_team_agent", "p95_ms"),
        ("specialist p95", "queue_open_specialist", "p95_ms"),
        ("API list p95", "api_list_open", "p95_ms"),
        ("API p2 p95", "api_list_open_page2", "p95_ms"),
        ("ticket p95", "ticket_page", "p95_ms"),
        ("API ticket p95", "api_ticket_get", "p95_ms"),
        ("DB conns/req", "queue_open", "db_connections_per_request"),
    ]
    rows = [
        "| tickets | " + " | ".join(c[0] for c in cols) + " |",
        "|---" * (len(cols) + 1) + "|",
    ]
    for size in result["sizes"]:
        h = size["http"]
        cells = [str(h.get(key, {}).get(field, "-")) for _, key, field in cols]
        rows.append(f"| {size['tickets']:,} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--tickets", type=int, default=100_000, help="first size (default 100,000)")
    p.add_argument("--also", type=int, action="append", default=[], help="further sizes, topped up")
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--port", type=int, default=8765)
    p.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="job queue of the measured server (scale-out mode); empty: SQLite in the data folder",
    )
    p.add_argument(
        "--server",
        choices=["uvicorn", "uvicorn-wsgi", "serve"],
        default="uvicorn",
        help="uvicorn ASGI (default), uvicorn-wsgi (caredesk.wsgi), or serve (caredesk serve)",
    )
    p.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the server only (e.g. DATABASE_CONN_MAX_AGE=0)",
    )
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    p.add_argument("--creates", type=int, default=2000, help="POST /api/v1/tickets requests")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--batch-concurrency", type=int, default=4, help="concurrent batch requests")
    p.add_argument("--samples", type=int, default=300, help="sequential requests per read page")
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--max-seconds", type=float, default=60.0, help="time cap per measurement")
    p.add_argument(
        "--max-load-minutes",
        type=float,
        default=15.0,
        help="skip a further size whose projected load time exceeds this",
    )
    p.add_argument(
        "--max-wait-quiet",
        type=float,
        default=300.0,
        help="seconds to wait for other work on the machine to finish before each measurement",
    )
    p.add_argument("--attempts", type=int, default=3, help="tries per measurement (contention)")
    p.add_argument(
        "--max-foreign-pct",
        type=float,
        default=5.0,
        help="retry a measurement if other processes used more than this %% of the machine",
    )
    p.add_argument(
        "--reuse-db",
        action="store_true",
        help="measure an existing benchmark database (from --keep-db) instead of a fresh one",
    )
    p.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    p.add_argument("--label", default="", help="free text saved with the results")
    p.add_argument(
        "--smoke",
        action="store_true",
        help="CI's check: 1,000 tickets, a few requests of every kind, no waiting for a quiet"
        " machine; fails on any unexpected answer or schema change (database caredesk_bench_smoke)",
    )
    p.add_argument(
        "--only",
        type=lambda v: set(v.split(",")),
        default=set(),
        help="measure only these (comma-separated names, e.g. ticket_page,create)",
    )
    args = p.parse_args(argv)
    if args.smoke:
        args.tickets, args.also = 1000, []
        args.samples, args.warmup, args.creates = 20, 3, 160
        args.max_seconds, args.max_wait_quiet, args.attempts = 20.0, 0.0, 1
        args.max_foreign_pct = 100.0
        if "--database-url" not in (argv if argv is not None else sys.argv):
            args.database_url = os.environ.get("BENCH_SMOKE_DATABASE_URL", SMOKE_URL)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url
    _check_local(url)
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out_path = results_dir / f"caredesk-{stamp}.json"
    # The data folder holds the encryption keys of the database's health information and
    # authenticator secrets: a kept database keeps its folder, named after it, for --reuse-db.
    data_dir = Path(tempfile.gettempdir()) / f"caredesk-{_db_name(url)}-data"
    if not args.reuse_db:
        shutil.rmtree(data_dir, ignore_errors=True)
    elif not data_dir.is_dir():
        raise SystemExit(f"--reuse-db: {data_dir} (kept with the database) is missing")
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
        # scale-out mode, as the operator guide describes it: jobs queue in Redis
        "REDIS_URL": args.redis_url,
        # its own keys (job queue, cache, sign-in limits), emptied before and after the run:
        # no worker takes the jobs the measured requests queue
        "CAREDESK_REDIS_PREFIX": f"caredesk-{_db_name(url)}",
    }
    _redis_clear(args.redis_url, env["CAREDESK_REDIS_PREFIX"])
    if args.reuse_db:
        log(f"reusing database {_db_name(url)}")
    else:
        log(f"fresh database {_db_name(url)}")
        recreate_database(url)
    result: dict[str, Any] = {
        "label": args.label,
        "machine": machine_info(url),
        "config": {k: v for k, v in vars(args).items() if k != "database_url"},
        "targets": TARGETS,
        "sizes": [],
    }
    django_setup(env)
    from django.db import connections

    prep = prepare_app(load_demo=not args.reuse_db)
    token = prep.pop("token")
    secrets = prep.pop("totp")
    result["setup"] = prep
    now = datetime.now(UTC)
    sizes = sorted({args.tickets, *args.also})
    try:
        for size in sizes:
            done = result["sizes"][-1] if result["sizes"] else None
            if done and done["load"].get("added"):
                rate = done["load"]["added"] / max(done["load"]["seconds"], 0.1)
                projected = (size - done["tickets"]) / rate / 60
                if projected > args.max_load_minutes:
                    log(f"skip {size:,}: projected load {projected:.0f} min")
                    result["skipped"] = {"tickets": size, "projected_minutes": round(projected)}
                    break
            log(f"loading to {size:,} tickets")
            connections.close_all()
            load = fixture.top_up(url, size, now=now, log=log)
            log(f"  loaded {load['added']:,} in {load['seconds']} s")
            picks = _pick_tickets(random.Random(size), args.samples)
            try:
                queries, captured = count_queries(token, picks, 2 if args.smoke else CPU_REPS)
            except httpclient.UnexpectedResponse as exc:
                raise SystemExit(f"benchmark stopped, {size:,} tickets: {exc}") from None
            urls = {k: v["url"] for k, v in queries.items()}
            plans = explain(
                captured,
                [
                    "queue_open",
                    "queue_open_page2",
                    "queue_unassigned",
                    "queue_open_team_agent",
                    "queue_open_specialist",
                    "api_list_open",
                    "api_list_open_page2",
                ],
            )
            slow = max(plans.items(), key=lambda kv: kv[1]["execution_ms"] or 0)
            log(f"  slowest ticket SELECT: {slow[0]} {slow[1]['execution_ms']} ms")
            connections.close_all()
            server_log = data_dir / f"server-{size}.log"
            proc = start_server(args, env, server_log)
            try:
                http = _run_async(
                    measure_http(args, token, secrets, picks=picks, urls=urls, pgid=proc.pid)
                )
            except httpclient.UnexpectedResponse as exc:
                tail = server_log.read_text(errors="replace").splitlines()[-40:]
                print("\n".join(["server log (last lines):", *tail]), file=sys.stderr)
                raise SystemExit(f"benchmark stopped, {size:,} tickets: {exc}") from None
            finally:
                stop_server(proc)
            result["sizes"].append(
                {"tickets": size, "load": load, "queries": queries, "explain": plans, "http": http}
            )
            out_path.write_text(json.dumps(result, indent=2, default=str))
    finally:
        connections.close_all()
        _redis_clear(args.redis_url, env["CAREDESK_REDIS_PREFIX"])
        if not args.keep_db:
            recreate_database(url, drop_only=True)
            log(f"dropped {_db_name(url)}")
            shutil.rmtree(data_dir, ignore_errors=True)
    print(summary(result))
    print(f"\nraw results: {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
