"""The outbox in the scale-out mode, for the test and for bench/outbox.py: a throwaway PostgreSQL
database, a queue of its own on Redis, real `caredesk worker` processes, a producer process that
queues webhooks as a web process does, and a receiver on 127.0.0.1 that checks every request as
the Standard Webhooks specification asks a consumer to."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PG_URL = os.environ.get("CAREDESK_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("CAREDESK_SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 300  # seconds a receiver accepts between webhook-timestamp and its own clock


def unreachable() -> str:
    """Why the scale-out parts cannot be reached here ("" when they can)."""
    import psycopg

    try:
        psycopg.connect(f"{PG_URL}/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {PG_URL}: {exc}"
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=3) as conn:
            conn.sendall(b"PING\r\n")
            if not conn.recv(16).startswith(b"+PONG"):
                return f"Redis at {REDIS_URL} did not answer PING"
    except OSError as exc:
        return f"Redis is not reachable at {REDIS_URL}: {exc}"
    return ""


# --- the receiver -------------------------------------------------------------------------------


@dataclass
class Request:
    at: float  # time.monotonic() on arrival
    answered: int


@dataclass
class Receiver:
    """Records every request by its webhook-id; `answer` decides the status of each one."""

    secret: str = ""
    answer: Callable[[str], int] = lambda webhook_id: 200
    port: int = 0
    requests: dict[str, list[Request]] = field(default_factory=dict)
    bad_signatures: int = 0
    stale_timestamps: int = 0
    after_success: int = 0  # requests for an id that had already been answered 2xx
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/caredesk"

    def verified(self, headers: Any, body: bytes) -> bool:
        """The consumer's side of the specification, written from it independently."""
        if not self.secret:
            return False
        key = base64.b64decode(self.secret.split("_", 1)[1])
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        given = [part.split(",", 1) for part in headers["webhook-signature"].split()]
        return any(version == "v1" and hmac.compare_digest(sig, expected) for version, sig in given)

    def take(self, headers: Any, body: bytes) -> int:
        webhook_id = headers["webhook-id"]
        with self.lock:
            arrived = time.monotonic()
            if not self.verified(headers, body):
                self.bad_signatures += 1
                return 401
            if abs(time.time() - int(headers["webhook-timestamp"])) > TOLERANCE:
                self.stale_timestamps += 1
                return 400
            seen = self.requests.setdefault(webhook_id, [])
            if any(200 <= r.answered < 300 for r in seen):
                self.after_success += 1
                status = 200  # a consumer acknowledges a repeat and drops it
            else:
                status = self.answer(webhook_id)
            seen.append(Request(arrived, status))
            return status

    def delivered(self) -> set[str]:
        with self.lock:
            return {i for i, rs in self.requests.items() if any(r.answered < 300 for r in rs)}

    def attempts(self) -> Counter[int]:
        """How many items needed how many requests."""
        with self.lock:
            return Counter(len(rs) for rs in self.requests.values())


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver.take(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


# --- the database, the processes ------------------------------------------------------------------


@dataclass
class Site:
    """One scale-out installation: its database, its queue on Redis, its data folder."""

    database_url: str
    env: dict[str, str]

    def sql(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            return list(conn.execute(statement, params).fetchall())

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    @contextmanager
    def workers(self, count: int = 2, threads: int = 4) -> Iterator[list[subprocess.Popen[str]]]:
        """`caredesk worker --workers N` processes, stopped (SIGINT, then SIGKILL) at the end."""
        logs = Path(self.env["CAREDESK_DATA_DIR"])
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "caredesk.cli", "worker", "--workers", str(threads)],
                env=self.env,
                cwd=ROOT,
                stdout=(logs / f"worker-{n}.log").open("w"),
                stderr=subprocess.STDOUT,
                text=True,
            )
            for n in range(count)
        ]
        try:
            yield procs
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGINT)
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    def worker_logs(self) -> str:
        folder = Path(self.env["CAREDESK_DATA_DIR"])
        return "\n".join(p.read_text()[-4000:] for p in sorted(folder.glob("worker-*.log")))


@contextmanager
def site(tmp_path: Path, *, schedule: str, lease_seconds: float = 60) -> Iterator[Site]:
    """A fresh database (dropped afterwards) and a queue name no one else uses."""
    import psycopg

    name = f"caredesk_outbox_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    data = tmp_path / "data"
    data.mkdir(mode=0o700, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREDESK_", "DJANGO_"))}
    env.update(
        PYTHONUNBUFFERED="1",
        DATABASE_URL=f"{PG_URL}/{name}",
        REDIS_URL=REDIS_URL,
        CAREDESK_REDIS_PREFIX=name,  # letters, digits and _ only: Huey's key names keep those
        CAREDESK_DATA_DIR=str(data),
        CAREDESK_INSECURE_HTTP="1",
        CAREDESK_DEMO="0",
        SECRET_KEY="outbox-scale-out-test-" + uuid.uuid4().hex,
        CAREDESK_AUDIT_KEY="outbox-scale-out-audit-" + uuid.uuid4().hex,
        CAREDESK_OUTBOX_RETRY_SCHEDULE=schedule,
        CAREDESK_OUTBOX_LEASE_SECONDS=str(lease_seconds),
        CAREDESK_LOG_LEVEL="WARNING",
    )
    here = Site(f"{PG_URL}/{name}", env)
    try:
        here.run("caredesk.cli", "migrate")
        yield here
    finally:
        _forget_queue(name)
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _forget_queue(name: str) -> None:
    """Remove this run's keys from the shared Redis (its queue, schedule and results only)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"huey.*.{name}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def produce(here: Site, receiver: Receiver, *, tickets: int, events: int, per_commit: int) -> dict:
    """Queue tickets x events webhooks from a separate process, as rules in a web process do,
    signed with the receiver's secret. Returns the producer's {"queued", "seconds"}."""
    out = here.run(
        "tests.outbox_produce",
        "--url",
        receiver.url,
        "--secret",
        receiver.secret,
        "--tickets",
        str(tickets),
        "--events",
        str(events),
        "--per-commit",
        str(per_commit),
    ).stdout
    made: dict = json.loads(out.strip().splitlines()[-1])
    return made


def wait_for(what: str, check: Callable[[], bool], *, seconds: float, here: Site) -> None:
    """Poll real processes until `check` holds, or fail with the workers' logs."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{here.worker_logs()}")
        time.sleep(0.2)  # waiting on other processes, not moving the clock of the test
