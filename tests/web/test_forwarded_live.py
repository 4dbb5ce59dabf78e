"""Over real HTTP, served as `caredesk serve` serves: a client on 127.0.0.1 that writes its own
X-Forwarded-For neither chooses the address the audit records nor escapes the per-address
sign-in pause. Once 127.0.0.1 is named a trusted proxy, the header is believed.

uvicorn runs in a thread of the test process on a socket bound beforehand, with the options
`caredesk serve` gives it, against the test database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.core.forwarded import parse_networks
from tests.factories import PASSWORD, requester_with_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_url() -> Iterator[str]:
    import uvicorn
    from django.db import connections

    from caredesk.asgi import application
    from caredesk.cli import web_server_options

    database = connections["default"].settings_dict
    kept_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0  # no connection left open on the test database
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(application, **web_server_options()))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        database["CONN_MAX_AGE"] = kept_age


def sign_in(url: str, email: str, password: str, forwarded_for: str) -> int:
    """One sign-in as a browser makes it (the form's CSRF token first), with a header the
    client wrote itself."""
    with httpx.Client(base_url=url, headers={"X-Forwarded-For": forwarded_for}) as browser:
        page = browser.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:300]
        answer = browser.post(
            "/login/",
            data={"username": email, "password": password, "csrfmiddlewaretoken": token[1]},
        )
        return answer.status_code


def _signed_in_addresses() -> list[str]:
    return list(
        AuditEntry.objects.filter(action=AuditAction.SIGNED_IN)
        .order_by("seq")
        .values_list("ip", flat=True)
    )


def test_a_client_written_forwarded_address_is_not_believed_by_default(live_url, settings: Any):
    settings.CAREDESK_BEHIND_PROXY = True  # the old switch alone does not make it believed
    settings.CAREDESK_SIGNIN_ATTEMPTS_PER_ADDRESS = 3
    patient = requester_with_login(email="june.halloway@mail.example")
    assert sign_in(live_url, patient.email, PASSWORD, "198.51.100.77") == 302
    assert _signed_in_addresses() == ["127.0.0.1"]

    # a new made-up address each time does not escape the pause of the real one
    answers = [
        sign_in(live_url, f"guess{n}@mail.example", "guess", f"203.0.113.{n}") for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    assert sign_in(live_url, patient.email, PASSWORD, "203.0.113.200") == 429


def test_the_forwarded_address_is_believed_from_a_trusted_proxy(live_url, settings: Any):
    settings.CAREDESK_BEHIND_PROXY = True
    settings.CAREDESK_TRUSTED_PROXIES = parse_networks(["127.0.0.1"])
    settings.CAREDESK_SIGNIN_ATTEMPTS_PER_ADDRESS = 3
    patient = requester_with_login(email="june.halloway@mail.example")
    # what the client wrote to the left of the proxy's hop is not the address either
    assert sign_in(live_url, patient.email, PASSWORD, "6.6.6.6, 198.51.100.77") == 302
    assert _signed_in_addresses() == ["198.51.100.77"]

    for _ in range(3):
        assert sign_in(live_url, "guess@mail.example", "guess", "203.0.113.5") == 200
    assert sign_in(live_url, "other@mail.example", "guess", "203.0.113.5") == 429
    # another visitor behind the same proxy is not paused with them
    assert sign_in(live_url, patient.email, PASSWORD, "203.0.113.6") == 302
