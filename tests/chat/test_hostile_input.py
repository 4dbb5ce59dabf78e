"""Text no database stores, sent to the chat's doors, on SQLite and PostgreSQL alike.

What a visitor or an agent types (a name, a message, a line) is refused with the field's message
(422, or an `invalid` error frame); what the widget fills in (the page it is on) is cleaned.
Nothing is written from a refused request, and the socket stays open."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from caredesk.chat.models import ChatSession, ChatUpload
from caredesk.core.text import NUL_MESSAGE, SURROGATE_MESSAGE
from caredesk.tickets.models import Message, Ticket
from tests.chat.conftest import (
    DESK,
    ORIGIN,
    Peer,
    agent_peer,
    run,
    session_cookie,
    start_chat,
    visitor,
)

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # chat closed: the message form is offered
GOOD = {
    "name": "Liesel Varga",
    "email": "liesel.varga@patients.example",
    "message": "My sensor shows E-12 since last night.",
    "page": "https://clinic.example/devices",
}


def post(path: str, data: dict[str, Any]) -> Any:
    return Client().post(path, data, HTTP_ORIGIN=ORIGIN)


@pytest.mark.parametrize("field", ["name", "email", "message"])
def test_nul_in_a_field_of_the_offline_form_is_a_422_naming_it(clock: Any, field: str) -> None:
    clock.set(NIGHT)
    answer = post("/chat/offline", {**GOOD, field: GOOD[field][:6] + "\x00" + GOOD[field][6:]})
    assert answer.status_code == 422, answer.content
    errors = answer.json()["errors"]
    assert list(errors) == [field] and errors[field][0]
    assert not Ticket.objects.exists()


def test_nul_in_the_page_the_widget_sends_is_dropped(clock: Any) -> None:
    clock.set(NIGHT)
    answer = post("/chat/offline", {**GOOD, "page": "https://clinic.example/dev\x00ices"})
    assert answer.status_code == 201, answer.content
    assert Ticket.objects.get().form_data == {"page": "https://clinic.example/devices"}


@pytest.mark.parametrize("field", ["name", "email"])
def test_nul_when_starting_a_chat_is_a_422_naming_the_field(agent: Any, field: str) -> None:
    answer = post("/chat/start", {**GOOD, field: "Lies\x00el@patients.example"})
    assert answer.status_code == 422, answer.content
    assert list(answer.json()["errors"]) == [field]
    assert not ChatSession.objects.exists()


def test_a_chat_started_from_a_page_address_with_nul_keeps_it_clean(agent: Any) -> None:
    answer = post("/chat/start", {**GOOD, "page": "https://clinic.example/\x00help"})
    assert answer.status_code == 201, answer.content
    assert ChatSession.objects.get().page_url == "https://clinic.example/help"


def test_a_file_name_with_nul_is_kept_without_it(agent: Any) -> None:
    token = start_chat()
    png = SimpleUploadedFile("pho\x00to.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    answer = post("/chat/upload", {"token": token, "file": png})
    assert answer.status_code == 201, answer.content
    name = ChatUpload.objects.get().filename
    assert "\x00" not in name and name.endswith(".png")


def bad_lines(chat: str = "") -> list[tuple[str, str]]:
    """Frames whose text holds a NUL, or (written as JSON writes it) half of a character."""
    head = '{"type": "message", ' + chat
    return [
        (head + '"id": "b1", "text": "froze\\u0000twice"}', NUL_MESSAGE),
        (head + '"id": "b2", "text": "half \\ud83d a smile"}', SURROGATE_MESSAGE),
    ]


@pytest.mark.django_db(transaction=True)
def test_lines_with_nul_or_half_characters_are_refused_on_both_sockets(agent: Any) -> None:
    token = start_chat()
    cookie = session_cookie(agent)

    async def scenario() -> None:
        guest, _ = await visitor(token)
        for frame, why in bad_lines():
            await guest.send_raw(text=frame)
            answer = await guest.recv()
            assert answer["code"] == "invalid" and answer["errors"] == {"text": [why]}, answer
        await guest.send({"type": "message", "id": "v1", "text": "Hello"})
        chat_id = (await guest.recv("ack"))["line"]["chat"]

        desk = await agent_peer(cookie)
        await desk.send({"type": "accept", "chat": chat_id})
        await desk.recv("accepted")
        for frame, why in bad_lines(f'"chat": {chat_id}, '):
            await desk.send_raw(text=frame)
            answer = await desk.recv("error")
            assert answer["code"] == "invalid" and answer["errors"] == {"text": [why]}, answer
        await desk.send({"type": "message", "chat": chat_id, "id": "a1", "text": "Hi Liesel"})
        assert (await desk.recv("ack"))["id"] == "a1"  # the socket is still open
        await guest.close()
        await desk.close()

    run(scenario)
    assert list(Message.objects.order_by("id").values_list("body_text", flat=True)) == [
        "Hello",
        "Hi Liesel",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_session_cookie_holding_nul_gets_no_desk_socket(agent: Any) -> None:
    """Quoted, a cookie writes a NUL as \\000 (printable, so servers pass it on)."""

    async def scenario() -> None:
        headers = [(b"origin", f"http://{DESK}".encode()), (b"host", DESK.encode())]
        for cookie in [
            b'sessionid="abcdefgh\\000ijklmnop"',
            b"csrftoken=x; sessionid=abcdefgh\x00ijkl",
        ]:
            peer = Peer("/ws/chat/agent/", [*headers, (b"cookie", cookie)])
            assert not await peer.connect()

    run(scenario)
