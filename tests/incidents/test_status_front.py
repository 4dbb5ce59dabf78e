"""The status page's front door (caredesk/incidents/status_asgi.py) around Django's own ASGI
handler: the second view of the page never reaches Django, keeps Django's security headers,
answers a matching If-None-Match with 304, and a change reaches it once its version is read."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.handlers.asgi import ASGIHandler

from caredesk.incidents import status, status_asgi
from caredesk.incidents.status_asgi import StatusPageFront

pytestmark = pytest.mark.django_db(transaction=True)


class Counted:
    """Django's ASGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.calls = 0
        self.django = ASGIHandler()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        await self.django(scope, receive, send)


def _get(app: Any, path: str, headers: list[tuple[bytes, bytes]] = (), query: bytes = b""):  # type: ignore[assignment, no-untyped-def]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "root_path": "", "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    asked: list[int] = []

    async def receive() -> dict[str, Any]:
        if not asked:
            asked.append(1)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # a thread of its own: an earlier test in this process (the browser's driver) may have left
    # an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {bytes(k).lower(): v for k, v in start["headers"]}, body


def test_the_page_is_answered_from_memory_until_its_version_changes(monkeypatch):
    monkeypatch.setattr(status_asgi, "RECHECK_SECONDS", 0.0)  # read the version every time
    inner = Counted()
    front = StatusPageFront(inner)
    code, headers, body = _get(front, "/status/")
    assert code == 200 and b"status" in body and inner.calls == 1
    again_code, again_headers, again_body = _get(front, "/status/")
    assert (again_code, again_body) == (200, body) and inner.calls == 1  # Django not asked
    assert again_headers[b"content-security-policy"] == headers[b"content-security-policy"]
    assert again_headers[b"cache-control"] == b"public, max-age=30"
    assert _get(front, "/status/", [(b"if-none-match", headers[b"etag"])])[0] == 304
    assert inner.calls == 1

    _get(front, "/status/", query=b"x=1")  # anything else goes to Django
    _get(front, "/status/history/")
    assert inner.calls == 3

    status.bump()  # what every incident change does
    assert _get(front, "/status/", [(b"if-none-match", headers[b"etag"])])[0] in (200, 304)
    assert inner.calls == 4  # Django asked for the whole page once, kept for what follows
    assert _get(front, "/status/")[0] == 200
    assert inner.calls == 4
