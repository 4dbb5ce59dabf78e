"""Live chat tests: the real ASGI application, real consumers and database, the in-memory layer.

Each scenario is an async function run with asgiref's async_to_sync from the test's thread, so
the consumers' database calls (database_sync_to_async, thread-sensitive) run on that thread
and its connection. Socket tests are transactional because those calls close and reopen
connections between frames the way a server does.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers
from django.test import Client

from caredesk.accounts.models import User
from caredesk.chat import services
from tests.factories import AgentFactory, login_verified

ORIGIN = "https://clinic.example"
DESK = "testserver"
WAIT = 5  # seconds a test waits for a frame before failing (it arrives in milliseconds)


@pytest.fixture(autouse=True)
def _chat_settings(settings: Any) -> None:
    settings.CAREDESK_CHAT_ORIGINS = [ORIGIN]
    settings.CAREDESK_CHAT_MAX_CONCURRENT = 3
    settings.CAREDESK_RATE_CHAT = 60


@pytest.fixture(autouse=True)
def _fresh_layer() -> Iterator[None]:
    """The in-memory layer's queues belong to one event loop; each scenario runs its own."""
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run a socket scenario to its end. A browser test earlier in the same process leaves
    Playwright's event loop in this thread, where async_to_sync refuses to run: the scenario
    then runs on a thread of its own (the database and the clock are shared as before)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(scenario)()
        return
    failure: list[BaseException] = []

    def own_thread() -> None:
        try:
            async_to_sync(scenario)()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=own_thread)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.fixture
def agent(clock: Any) -> User:
    user = AgentFactory(name="Amara Osei", email="amara.osei@caredesk.example")
    services.availability_set(agent=user, available=True)
    return user


def start_chat(
    client: Client | None = None,
    *,
    name: str = "Liesel Varga",
    email: str = "liesel.varga@patients.example",
) -> str:
    response = (client or Client()).post(
        "/chat/start",
        {"name": name, "email": email, "page": "https://clinic.example/help"},
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


class Peer:
    """One websocket client speaking ASGI to the real application: sends frames, waits for the
    next one (of a type). (channels.testing would need daphne; this is the same few messages.)"""

    def __init__(self, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        from caredesk.asgi import application

        scope = {
            "type": "websocket",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": headers,
            "subprotocols": [],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.comm = ApplicationCommunicator(application, scope)
        self.hello: dict[str, Any] = {}  # an agent socket's first frame

    async def connect(self) -> bool:
        await self.comm.send_input({"type": "websocket.connect"})
        answer = await self.comm.receive_output(WAIT)
        return bool(answer["type"] == "websocket.accept")

    async def send(self, frame: Any) -> None:
        await self.send_raw(text=json.dumps(frame))

    async def send_raw(self, text: str | None = None, data: bytes | None = None) -> None:
        message: dict[str, Any] = {"type": "websocket.receive"}
        if text is not None:
            message["text"] = text
        if data is not None:
            message["bytes"] = data
        await self.comm.send_input(message)

    async def recv(self, kind: str | None = None) -> dict[str, Any]:
        """The next frame, skipping frames of other types when `kind` is given."""
        while True:
            out = await self.comm.receive_output(WAIT)
            assert out["type"] == "websocket.send", out
            frame: dict[str, Any] = json.loads(out["text"])
            if kind is None or frame["type"] == kind:
                return frame

    async def close(self) -> None:
        await self.comm.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.comm.wait(WAIT)


async def visitor(token: str, *, after: int = 0, origin: str = ORIGIN) -> tuple[Peer, dict]:  # type: ignore[type-arg]
    peer = Peer("/ws/chat/visitor/", [(b"origin", origin.encode()), (b"host", DESK.encode())])
    assert await peer.connect()
    await peer.send({"type": "hello", "token": token, "after": after})
    welcome = await peer.recv()
    assert welcome["type"] == "welcome", welcome
    return peer, welcome


def session_cookie(user: User) -> str:
    client = Client()
    login_verified(client, user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def agent_peer(cookie: str, *, origin: str = f"http://{DESK}") -> Peer:
    peer = Peer(
        "/ws/chat/agent/",
        [(b"origin", origin.encode()), (b"host", DESK.encode()), (b"cookie", cookie.encode())],
    )
    assert await peer.connect()
    hello = await peer.recv()
    assert hello["type"] == "hello"
    peer.hello = hello
    return peer
