"""The public status page under load: requests per second for the cached page over HTTP.

    .venv/bin/python bench/status_page.py                      # embedded SQLite in a temp folder
    .venv/bin/python bench/status_page.py --workers 2 --concurrency 32 --requests 30000
    .venv/bin/python bench/status_page.py --database-url postgres://postgres@127.0.0.1:5432/cd_status

Builds a year of history (20 components in 5 services, an incident a week, each changing its
components' states), starts uvicorn on 127.0.0.1 exactly as `bench/run.py` does, checks that the
page answers 200 with the board, then sends `--requests` GETs of /status/ over `--concurrency`
keep-alive connections with the small asyncio client of `bench/httpclient.py` (127.0.0.1 only)
and prints one JSON object: requests per second, latency percentiles, the CPU the machine's other
processes used meanwhile, and the machine. With one worker, conditional requests (If-None-Match, answered 304) are measured too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.httpclient import Connection, concurrent  # noqa: E402
from bench.run import _busy_pct, _cpu_times, start_server, stop_server  # noqa: E402


def _env(folder: Path, database_url: str | None) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "caredesk.settings",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "CAREDESK_AUDIT_KEY": "bench-only-audit-key-" + "y" * 40,
        "CAREDESK_INSECURE_HTTP": "1",
        "CAREDESK_DATA_DIR": str(folder),
        "CAREDESK_LOG_LEVEL": "WARNING",
        "CAREDESK_DEMO": "0",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _history() -> None:
    """A year of history: 20 components, an incident a week, each resolved after 20-200 min."""
    from caredesk.core import clock
    from caredesk.incidents.models import Component, ComponentState, Service
    from caredesk.incidents.services import incident_declare, incident_resolve

    real = clock.now()
    moment = [real - timedelta(days=366)]
    previous = clock.set_source(lambda: moment[0])
    try:
        components = []
        for s in range(5):
            service = Service.objects.create(name=f"Service {s + 1}", position=s)
            for c in range(4):
                components.append(
                    Component.objects.create(
                        service=service,
                        name=f"Component {s + 1}.{c + 1}",
                        slug=f"component-{s + 1}-{c + 1}",
                        position=c,
                        state_since=moment[0],
                        created_at=moment[0],
                    )  # fmt: skip
                )
        for week in range(52):
            moment[0] = real - timedelta(days=365 - 7 * week)
            affected = [components[(week * 3 + k) % len(components)] for k in range(2)]
            state = ComponentState.MAJOR_OUTAGE if week % 3 else ComponentState.DEGRADED
            incident = incident_declare(
                title=f"Incident of week {week + 1}", severity=2, actor=None,
                body="We are investigating.", components=[(c, state) for c in affected],
                page=False,
            )  # fmt: skip
            moment[0] += timedelta(minutes=20 + (week * 37) % 180)
            incident_resolve(incident=incident, actor=None, body="Resolved.")
    finally:
        clock.set_source(previous)


def _prepare(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    _history()


async def _measure(port: int, args: argparse.Namespace) -> dict[str, Any]:
    probe = Connection(port)
    first = await probe.request("GET", "/status/")
    await probe.close()
    assert first.status == 200 and b"Component 1.1" in first.body, first.status
    etag = [first.header("etag") or ""]

    def plain(_i: int) -> tuple[str, str, dict[str, str], bytes]:
        return "GET", "/status/", {}, b""

    def conditional(_i: int) -> tuple[str, str, dict[str, str], bytes]:
        return "GET", "/status/", {"If-None-Match": etag[0]}, b""

    await concurrent(port, plain, count=500, concurrency=args.concurrency, max_seconds=30,
                     contains=b"Component 1.1")  # fmt: skip
    before = _cpu_times()
    full = await concurrent(port, plain, count=args.requests, concurrency=args.concurrency,
                            max_seconds=120, contains=b"Component 1.1")  # fmt: skip
    busy = _busy_pct(before, _cpu_times())
    revalidated: dict[str, Any] = {}
    if args.workers == 1:  # each worker process renders (and so tags) the page itself
        again = Connection(port)
        etag[0] = (await again.request("GET", "/status/")).header("etag") or ""  # the current one
        await again.close()
        revalidated = await concurrent(
            port, conditional, count=args.requests // 2, concurrency=args.concurrency,
            max_seconds=60, expect=304,
        )  # fmt: skip
    return {"page_bytes": len(first.body), "full": full, "if_none_match": revalidated,
            "machine_busy_pct": busy}  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--database-url", default=None)
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--requests", type=int, default=20000)
    p.add_argument("--server", default="uvicorn", choices=["uvicorn", "uvicorn-wsgi"])
    p.add_argument("--server-env", action="append", default=[])
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = _env(folder, args.database_url)
        _prepare(env)
        proc = start_server(args, env, folder / "server.log")
        try:
            result = asyncio.run(_measure(args.port, args))
        finally:
            stop_server(proc)
    print(
        json.dumps(
            {
                "benchmark": "status_page",
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "server": f"{args.server}, {args.workers} workers",
                "machine": {
                    "cpus": os.cpu_count(),
                    "cpu": platform.processor() or platform.machine(),
                    "python": platform.python_version(),
                    "load_average": os.getloadavg(),
                },  # fmt: skip
                **result,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
