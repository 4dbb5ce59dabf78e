"""A service to watch: a threaded HTTP server on 127.0.0.1 that answers as told (up, failing,
slow, hung, or without the expected text), and the component a monitor watches."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from caredesk.core import clock
from caredesk.incidents.models import Component, Monitor, Service

HEALTHY = b"<html><body>Video rooms: all systems normal</body></html>"


@dataclass
class Watched:
    """What the server answers: `status`, `body`, after `delay` seconds."""

    url: str
    status: int = 200
    body: bytes = HEALTHY
    delay: float = 0.0
    hits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def up(self) -> None:
        self.status, self.body, self.delay = 200, HEALTHY, 0.0

    def failing(self, status: int = 503) -> None:
        self.status, self.body = status, b"upstream unavailable"


def _handler(peer: Watched) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            with peer.lock:
                peer.hits += 1
            if peer.delay:
                time.sleep(peer.delay)  # the server is slow; the test itself never waits
            self.send_response(peer.status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(peer.body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the monitor hung up (timeout)
                self.wfile.write(peer.body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def watched() -> Iterator[Watched]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    peer = Watched(f"http://127.0.0.1:{server.server_address[1]}/health")
    server.RequestHandlerClass = _handler(peer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()


def make_component(name: str = "Video rooms", team: Any = None) -> Component:
    service, _ = Service.objects.get_or_create(name="Video visits")
    return Component.objects.create(
        service=service,
        name=name,
        slug=name.lower().replace(" ", "-"),
        team=team,
        state_since=clock.now(),
        created_at=clock.now(),
    )


def make_monitor(component: Component, url: str, **fields: Any) -> Monitor:
    values: dict[str, Any] = {
        "name": "Video rooms health",
        "allow_private": True,
        "retries": 3,
        "interval_seconds": 60,
        "latency_ms": 2000,
        "next_check_at": clock.now(),
        "created_at": clock.now(),
        **fields,
    }
    return Monitor.objects.create(component=component, url=url, **values)
