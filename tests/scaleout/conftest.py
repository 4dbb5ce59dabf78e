"""A scale-out installation of real processes, as the operator guide runs one: two web processes
(uvicorn), two job workers (`caredesk worker`), a fresh PostgreSQL database and Redis, all on
127.0.0.1.

Needs PostgreSQL (CAREDESK_PG_URL, or the server of a PostgreSQL DATABASE_URL, or
127.0.0.1:5432 as user postgres) and Redis (CAREDESK_TEST_REDIS_URL, default
redis://127.0.0.1:6379/0). Without them the test is skipped, unless CAREDESK_REQUIRE_SCALEOUT=1
(CI), where it fails instead. Every Redis key of a run starts with its own prefix, and the
database is its own, so runs side by side do not meet.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.peers import free_port
from tests.scaleout.sharedclock import CLOCK_FILE, write_offset

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("CAREDESK_REQUIRE_SCALEOUT") == "1"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (CAREDESK_REQUIRE_SCALEOUT=1)", pytrace=False)
    pytest.skip(reason)


def _pg_server() -> str:
    """postgres://user@host:port of the server to make the fresh database on."""
    url = os.environ.get("CAREDESK_PG_URL", "")
    if not url and os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parts = urlsplit(os.environ["DATABASE_URL"])
        url = f"{parts.scheme}://{parts.netloc}"
    return (url or "postgres://postgres@127.0.0.1:5432").rstrip("/")


def _on_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK


@dataclass
class Services:
    pg_server: str
    redis_url: str


@pytest.fixture
def services() -> Services:
    pg_server = _pg_server()
    redis_url = os.environ.get("CAREDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    if not (_on_loopback(pg_server) and _on_loopback(redis_url)):
        pytest.fail("the scale-out test connects only to services on 127.0.0.1", pytrace=False)
    import psycopg
    import redis

    try:
        psycopg.connect(f"{pg_server}/postgres", connect_timeout=3, autocommit=True).close()
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL is not reachable at {urlsplit(pg_server).netloc}: {exc}")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis is not reachable at {urlsplit(redis_url).netloc}: {exc}")
    return Services(pg_server=pg_server, redis_url=redis_url)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    killed: bool = False  # on purpose, by the test

    def text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Desk:
    """The installation: its environment, processes and a connection to its database."""

    env: dict[str, str]
    folder: Path
    db_url: str
    redis_url: str
    prefix: str
    metrics_token: str
    processes: list[Process] = field(default_factory=list)
    webs: list[str] = field(default_factory=list)  # base URLs
    command_output: list[str] = field(default_factory=list)
    token: str = ""
    webhook_secret: str = ""

    # -- processes ---------------------------------------------------------------------------

    def start(self, name: str, *args: str) -> Process:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, *args],
                env=self.env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run a `caredesk` command to its end (like an operator's shell) and return its output."""
        done = subprocess.run(
            [sys.executable, "-m", "caredesk.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            timeout=timeout,
        )
        out = done.stdout.decode(errors="replace")
        err = done.stderr.decode(errors="replace")
        assert done.returncode == 0, f"caredesk {' '.join(args)} exited {done.returncode}: {err}"
        self.command_output.append(out + err)
        return out

    def start_web(self, name: str) -> str:
        port = free_port()
        # the operator guide's command, on a free port of 127.0.0.1
        self.start(name, "-m", "uvicorn", "caredesk.asgi:application", "--host", "127.0.0.1",
                   "--port", str(port), "--no-proxy-headers")  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        self.webs.append(base)
        return base

    def start_worker(self, name: str) -> Process:
        # one thread per worker: a worker held by one delivery does nothing else meanwhile
        return self.start(name, "-m", "caredesk.cli", "worker", "--workers", "1")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.text()[-4000:]}" for p in self.processes)

    # -- time, queries, jobs -----------------------------------------------------------------

    def move_clock(self, seconds: float) -> None:
        write_offset(Path(self.env[CLOCK_FILE]), seconds)

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.db_url, autocommit=True) as conn:
            return list(conn.execute(query, params).fetchall())

    def scalar(self, query: str, *params: Any) -> Any:
        return self.sql(query, *params)[0][0]

    def enqueue(self, task: Any, times: int = 1) -> None:
        """Put jobs on the shared queue, as a web process or the scheduler would."""
        from huey.contrib.djhuey import HUEY
        from huey.storage import RedisStorage

        storage = RedisStorage(name=self.prefix, url=self.redis_url)
        for _ in range(times):
            storage.enqueue(HUEY.serialize_task(task.s()))

    def wait_until(
        self, check: Callable[[], Any], what: str, timeout: float = 180, quiet: float = 0.2
    ) -> Any:
        """Poll the installation until `check` holds (real processes doing real work: this
        waits for them, it does not move the desk's time)."""
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found:
                return found
            for process in self.processes:
                code = process.popen.poll()
                if code is not None and not process.killed:
                    raise AssertionError(f"{process.name} exited {code}\n{self.logs()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.logs()}")
            time.sleep(quiet)


def _fresh_database(server: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    name = f"caredesk_scaleout_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{server}/{name}", drop


def _forget_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=500))
    if keys:
        client.delete(*keys)


def _environment(folder: Path, db_url: str, redis_url: str, prefix: str, token: str) -> dict:
    from caredesk.core.phi_crypto import generate_key

    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CAREDESK_", "DJANGO_", "PROMETHEUS_", "EMAIL_"))
        and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PYTHONPATH")
    }
    (folder / "metrics").mkdir()
    clock_file = folder / "clock"
    write_offset(clock_file, 0)
    return {
        **base,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.scaleout.settings",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CAREDESK_REDIS_PREFIX": prefix,
        "SECRET_KEY": "scale-out-test-secret-key-" + uuid.uuid4().hex,
        "CAREDESK_AUDIT_KEY": "scale-out-test-audit-key-" + uuid.uuid4().hex,
        "CAREDESK_PHI_KEYS": f"k1={generate_key()},index={generate_key()}",
        "CAREDESK_INSECURE_HTTP": "1",
        "CAREDESK_DEMO": "0",
        "CAREDESK_DATA_DIR": str(folder / "data"),
        "CAREDESK_LOG_FORMAT": "json",
        "CAREDESK_LOG_LEVEL": "INFO",
        "CAREDESK_METRICS_TOKEN": token,
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        CLOCK_FILE: str(clock_file),
    }


@pytest.fixture
def desk(services: Services) -> Iterator[Desk]:
    folder = Path(tempfile.mkdtemp(prefix="caredesk-scaleout-"))
    db_url, drop = _fresh_database(services.pg_server)
    prefix = f"caredesk-test-{uuid.uuid4().hex[:12]}"
    token = "metrics-" + uuid.uuid4().hex
    installation = Desk(
        env=_environment(folder, db_url, services.redis_url, prefix, token),
        folder=folder,
        db_url=db_url,
        redis_url=services.redis_url,
        prefix=prefix,
        metrics_token=token,
    )
    try:
        yield installation
    finally:
        installation.stop_all()
        _forget_redis_keys(services.redis_url, prefix)
        drop()
        shutil.rmtree(folder, ignore_errors=True)


def prepare(desk: Desk, receiver_url: str) -> None:
    """Migrate and set up the installation (before its processes start)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.scaleout.prepare", receiver_url],
        env=desk.env,
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    answer = json.loads(done.stdout.decode().strip().splitlines()[-1])
    desk.token, desk.webhook_secret = answer["token"], answer["webhook_secret"]


def holder_of(port: int, pids: list[int]) -> int:
    """Which of `pids` has a TCP socket bound to local `port` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as rows:
            for row in list(rows)[1:]:
                cols = row.split()
                if int(cols[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(cols[9])
    for pid in pids:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return pid
    raise AssertionError(f"no process of {pids} holds port {port}")
