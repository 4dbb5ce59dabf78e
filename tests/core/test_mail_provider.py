"""Mail through a provider's HTTP API (django-anymail), against a real HTTP peer on 127.0.0.1
that answers as the provider does."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from caredesk.core.models import OutboxItem, OutboxStatus
from caredesk.core.outbox import outbox_deliver
from caredesk.tickets.services import Body, message_add
from tests.factories import AgentFactory, ContactFactory, OrganizationFactory, make_ticket

pytestmark = pytest.mark.django_db


class Provider:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.fail = False


@pytest.fixture
def provider(settings) -> Iterator[Provider]:
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append((self.path, dict(self.headers), body))
            if state.fail:
                answer, status = {"ErrorCode": 100, "Message": "Maintenance"}, 500
            else:
                answer = {"To": body["To"], "MessageID": "pm-1", "ErrorCode": 0, "Message": "OK"}
                status = 200
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {
        "POSTMARK_SERVER_TOKEN": "server-token-for-tests",
        "POSTMARK_API_URL": f"http://127.0.0.1:{server.server_address[1]}/",
    }
    yield state
    server.shutdown()
    server.server_close()


def test_replies_go_out_through_the_providers_api_with_sender_and_threading(provider, clock):
    org = OrganizationFactory(
        mail_from="Willowmere Support <help@willowmere.example>",
        mail_reply_to="help@willowmere.example",
    )
    ticket = make_ticket(ContactFactory(email="ada.frost@willowmere.example", organization=org))
    message_add(ticket=ticket, kind="public", body=Body(text="Fixed now."), actor=AgentFactory())
    assert outbox_deliver() == 1
    ((path, headers, sent),) = provider.requests
    assert path == "/email"
    assert headers["X-Postmark-Server-Token"] == "server-token-for-tests"
    assert sent["From"] == "Willowmere Support <help@willowmere.example>"
    assert sent["To"] == "ada.frost@willowmere.example"
    assert sent["Subject"] == f"[{ticket.ref}] {ticket.subject}"
    assert "Fixed now." in sent["TextBody"]
    assert sent["ReplyTo"].startswith("help+t")
    extra = {h["Name"]: h["Value"] for h in sent.get("Headers", [])}
    assert extra["Auto-Submitted"] == "auto-generated"
    assert f".cd{ticket.pk}." in extra["Message-ID"]


def test_a_provider_refusal_is_retried_later_not_lost(provider, clock):
    provider.fail = True
    ticket = make_ticket(ContactFactory(email="ada.frost@willowmere.example"))
    message_add(ticket=ticket, kind="public", body=Body(text="Fixed now."), actor=AgentFactory())
    assert outbox_deliver() == 0
    item = OutboxItem.objects.get(kind="email")
    assert item.status == OutboxStatus.PENDING and item.attempts == 1
    assert "server-token-for-tests" not in item.last_error  # no secrets in what admins see
    provider.fail = False
    clock.advance(minutes=10)
    assert outbox_deliver() == 1
