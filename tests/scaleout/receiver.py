"""A webhook receiver on 127.0.0.1 that counts deliveries by their `webhook-id`.

A delivery counts once the receiver has answered it 2xx, as the Standard Webhooks specification
has it. The receiver can hold the next request it gets unanswered (a trap), so the test can kill
the worker that sent it while the request is in flight: that request is never acknowledged, and
the desk must deliver it again, once.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from caredesk.integrations.services import sign
from tests.peers import free_port


class WebhookReceiver:
    def __init__(self, secret: str = "") -> None:
        self.secret = secret  # set once the desk has made the endpoint
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.acknowledged: Counter[str] = Counter()
        self.received: Counter[str] = Counter()
        self.event_types: dict[str, str] = {}
        self.bad_signatures: list[str] = []
        self.lock = threading.Lock()
        self.trap_armed = threading.Event()
        self.trapped = threading.Event()
        self.release = threading.Event()
        self.trap: tuple[str, int] | None = None  # (webhook-id, the sender's port)
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def arm_trap(self) -> None:
        """Hold the next delivery unanswered until `release` is set."""
        self.trap_armed.set()

    def _take(self, webhook_id: str, sender_port: int) -> bool:
        with self.lock:
            self.received[webhook_id] += 1
            if self.trap_armed.is_set() and not self.trapped.is_set():
                self.trap = (webhook_id, sender_port)
                self.trapped.set()
                return True
        return False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                webhook_id = self.headers.get("webhook-id", "")
                timestamp = int(self.headers.get("webhook-timestamp", "0"))
                expected = sign(receiver.secret, webhook_id, timestamp, body)
                if self.headers.get("webhook-signature") != expected:
                    with receiver.lock:
                        receiver.bad_signatures.append(webhook_id)
                if receiver._take(webhook_id, self.client_address[1]):
                    receiver.release.wait(timeout=120)
                    with contextlib.suppress(OSError):  # its sender is gone by now
                        self._answer()
                    return
                self._answer()
                with receiver.lock:
                    receiver.acknowledged[webhook_id] += 1
                    receiver.event_types[webhook_id] = _event_type(body)

            def _answer(self) -> None:
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.wfile.flush()

        return Handler


def _event_type(body: bytes) -> str:
    import json

    return str(json.loads(body).get("type", ""))
