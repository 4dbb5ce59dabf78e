"""A visitor and an agent chatting through the real sockets, and everything that can go wrong."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from caredesk.chat import services
from caredesk.chat.models import ChatLine, ChatSession, ChatStatus
from caredesk.core.models import OutboxItem
from caredesk.tickets.models import Channel, Message, MessageKind, Ticket
from tests.chat.conftest import (
    ORIGIN,
    Peer,
    agent_peer,
    run,
    session_cookie,
    start_chat,
    visitor,
)
from tests.factories import AgentFactory, requester_with_login

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_and_agent_chat_into_one_ticket(agent: Any, clock: Any) -> None:
    token = start_chat()
    cookie = session_cookie(agent)

    async def scenario() -> None:
        guest, welcome = await visitor(token)
        assert welcome["chat"]["status"] == "waiting" and welcome["lines"] == []
        desk = await agent_peer(cookie)

        await guest.send({"type": "message", "id": "v1", "text": "My glucose meter won't pair."})
        ack = await guest.recv()
        assert ack["type"] == "ack" and ack["id"] == "v1"
        assert ack["line"]["text"] == "My glucose meter won't pair."
        assert (await desk.recv())["type"] == "queue"  # the chat joined the queue

        chat_id = ack["line"]["chat"]
        await desk.send({"type": "accept", "chat": chat_id})
        accepted = await desk.recv("accepted")
        assert accepted["chat"]["agent"] == "Amara"
        state = await guest.recv("state")
        assert state["chat"] == {**accepted["chat"], "status": "active"}

        clock.advance(seconds=42)
        await desk.send({"type": "typing", "chat": chat_id, "state": True})
        assert await guest.recv() == {"type": "typing", "state": True}
        await desk.send(
            {"type": "message", "chat": chat_id, "id": "a1", "text": "Let's reset it together."}
        )
        assert (await desk.recv("ack"))["id"] == "a1"
        seen = await guest.recv("message")
        assert seen["line"]["from"] == "agent" and seen["line"]["name"] == "Amara"
        assert seen["line"]["text"] == "Let's reset it together."

        await guest.send({"type": "typing", "state": True})
        assert await desk.recv("typing") == {"type": "typing", "chat": chat_id, "state": True}
        await guest.send({"type": "message", "id": "v2", "text": "Done, it works."})
        await guest.recv("ack")
        assert (await desk.recv("message"))["line"]["text"] == "Done, it works."
        await guest.close()
        await desk.close()

    run(scenario)

    chat = ChatSession.objects.get()
    assert chat.status == ChatStatus.ACTIVE and chat.agent == agent
    assert chat.first_reply_seconds == 42 and chat.first_reply_met is True
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.CHAT and chat.ticket == ticket
    assert ticket.requester.email == "liesel.varga@patients.example"
    assert ticket.assignee == agent and ticket.first_response_at is not None
    transcript = list(ticket.messages.order_by("id").values_list("kind", "body_text"))
    assert transcript == [
        (MessageKind.PUBLIC, "My glucose meter won't pair."),
        (MessageKind.PUBLIC, "Let's reset it together."),
        (MessageKind.PUBLIC, "Done, it works."),
    ]
    # The visitor read the agent live: no reply mail.
    assert not OutboxItem.objects.filter(kind="email").exists()


def test_a_slow_first_reply_misses_the_target(agent: Any, clock: Any) -> None:
    token = start_chat()
    cookie = session_cookie(agent)

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "Hello?"})
        chat_id = (await guest.recv("ack"))["line"]["chat"]
        desk = await agent_peer(cookie)
        await desk.send({"type": "accept", "chat": chat_id})
        await desk.recv("accepted")
        clock.advance(seconds=75)
        await desk.send({"type": "message", "chat": chat_id, "id": "a1", "text": "Sorry!"})
        await desk.recv("ack")
        clock.advance(seconds=5)
        await desk.send({"type": "message", "chat": chat_id, "id": "a2", "text": "Still there?"})
        await desk.recv("ack")

    run(scenario)
    chat = ChatSession.objects.get()
    assert chat.first_reply_seconds == 75 and chat.first_reply_met is False


def test_the_cap_and_availability_limit_what_an_agent_takes(agent: Any, settings: Any) -> None:
    settings.CAREDESK_CHAT_MAX_CONCURRENT = 1
    tokens = [start_chat(email=f"visitor{i}@patients.example") for i in range(2)]
    other = AgentFactory(name="Bram Olsen")
    cookie, other_cookie = session_cookie(agent), session_cookie(other)

    async def scenario() -> None:
        ids = []
        for token in tokens:
            guest, _ = await visitor(token)
            await guest.send({"type": "message", "id": "v1", "text": "Hi"})
            ids.append((await guest.recv("ack"))["line"]["chat"])
        desk = await agent_peer(cookie)
        await desk.send({"type": "accept", "chat": ids[0]})
        await desk.recv("accepted")
        await desk.send({"type": "accept", "chat": ids[1]})
        refused = await desk.recv("error")
        assert refused["code"] == "conflict"
        assert "the most at once is 1" in refused["message"]

        # Someone who is away takes nothing; a chat taken by another agent is not theirs.
        away = await agent_peer(other_cookie)
        await away.send({"type": "accept", "chat": ids[1]})
        assert "available" in (await away.recv("error"))["message"]
        await away.send({"type": "watch", "chat": ids[0]})
        assert (await away.recv("error"))["code"] == "forbidden"
        await away.send({"type": "message", "chat": ids[0], "id": "x1", "text": "Hi"})
        assert (await away.recv("error"))["code"] == "forbidden"

    run(scenario)
    assert ChatSession.objects.filter(status=ChatStatus.ACTIVE).count() == 1
    assert ChatSession.objects.filter(status=ChatStatus.WAITING).count() == 1
    assert Message.objects.filter(author_user=other).count() == 0


def test_two_agents_taking_the_same_chat(agent: Any) -> None:
    token = start_chat()
    other = AgentFactory(name="Bram Olsen")
    services.availability_set(agent=other, available=True)
    cookies = session_cookie(agent), session_cookie(other)

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "Hi"})
        chat_id = (await guest.recv("ack"))["line"]["chat"]
        first, second = [await agent_peer(c) for c in cookies]
        await first.send({"type": "accept", "chat": chat_id})
        await first.recv("accepted")
        await second.send({"type": "accept", "chat": chat_id})
        assert "Another agent has taken this chat" in (await second.recv("error"))["message"]

    run(scenario)
    assert ChatSession.objects.get().agent == agent


def test_bad_frames_are_answered_and_the_socket_stays_open(agent: Any) -> None:
    token = start_chat()

    async def scenario() -> None:
        from tests.chat.conftest import Peer

        raw = Peer("/ws/chat/visitor/", [(b"origin", ORIGIN.encode()), (b"host", b"testserver")])
        assert await raw.connect()
        await raw.send({"type": "message", "id": "v1", "text": "before hello"})
        assert (await raw.recv())["code"] == "conflict"  # say hello first
        await raw.send({"type": "hello", "token": "forged-token"})
        assert (await raw.recv())["code"] == "forbidden"
        await raw.send({"type": "hello", "token": token, "after": "yesterday"})
        assert (await raw.recv())["errors"] == {"after": ["Give the last line id seen."]}

        guest, _ = await visitor(token)
        bad: list[tuple[Any, str]] = [
            ("{not json", "bad_frame"),
            ("[1, 2]", "bad_frame"),
            ('{"text": "no type"}', "bad_frame"),
            ('{"type": "dance"}', "unknown_type"),
            ("x" * 70_000, "too_large"),
        ]
        for text, code in bad:
            await guest.send_raw(text=text)
            answer = await guest.recv()
            assert answer["type"] == "error" and answer["code"] == code, (text[:20], answer)
        await guest.send_raw(data=b"\x00\x01")
        assert (await guest.recv())["code"] == "bad_frame"

        checks: list[tuple[dict[str, Any], str]] = [
            ({"type": "message", "id": "", "text": "hi"}, "id"),
            ({"type": "message", "id": "ok1", "text": 42}, "text"),
            ({"type": "message", "id": "ok2", "text": "x" * 5001}, "text"),
            ({"type": "message", "id": "ok3", "text": "   "}, "text"),
            ({"type": "message", "id": "ok4", "text": "hi", "attachments": ["a"]}, "attachments"),
            ({"type": "message", "id": "ok5", "text": "hi", "attachments": [999]}, "attachments"),
            ({"type": "typing", "state": "yes"}, "state"),
        ]
        for frame, field in checks:
            await guest.send(frame)
            answer = await guest.recv()
            assert answer["code"] == "invalid" and field in answer["errors"], (frame, answer)

        await guest.send({"type": "ping"})
        assert await guest.recv() == {"type": "pong"}
        await guest.send({"type": "message", "id": "ok6", "text": "Still here"})
        assert (await guest.recv())["type"] == "ack"

    run(scenario)
    assert list(Message.objects.values_list("body_text", flat=True)) == ["Still here"]


def test_messages_over_the_rate_limit_are_refused_then_accepted(
    agent: Any, clock: Any, settings: Any
) -> None:
    settings.CAREDESK_RATE_CHAT = 3  # the start request counts in its own scope
    token = start_chat()

    async def scenario() -> None:
        guest, _ = await visitor(token)
        for n in range(3):
            await guest.send({"type": "message", "id": f"v{n}", "text": f"line {n}"})
            assert (await guest.recv())["type"] == "ack"
        await guest.send({"type": "message", "id": "v3", "text": "line 3"})
        refused = await guest.recv()
        assert refused["code"] == "rate_limited" and refused["id"] == "v3"
        assert 0 < refused["retry_after"] <= 60
        clock.advance(seconds=refused["retry_after"])
        await guest.send({"type": "message", "id": "v3", "text": "line 3"})
        assert (await guest.recv())["type"] == "ack"

    run(scenario)
    assert ChatLine.objects.count() == 4


def test_a_resent_line_is_written_once_and_missed_lines_are_replayed(agent: Any) -> None:
    token = start_chat()
    cookie = session_cookie(agent)

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "First"})
        first = (await guest.recv("ack"))["line"]
        await guest.close()  # the connection drops

        desk = await agent_peer(cookie)
        await desk.send({"type": "accept", "chat": first["chat"]})
        await desk.recv("accepted")
        await desk.send({"type": "message", "chat": first["chat"], "id": "a1", "text": "Hi!"})
        await desk.recv("ack")

        # Back again: the agent's line missed while away comes with the welcome; the first
        # line, never acknowledged as far as the widget knows, is sent again.
        guest, welcome = await visitor(token, after=first["id"])
        assert [ln["text"] for ln in welcome["lines"]] == ["Hi!"]
        assert welcome["chat"]["status"] == "active"
        await guest.send({"type": "message", "id": "v1", "text": "First"})
        again = await guest.recv("ack")
        assert again["line"]["id"] == first["id"]
        _, full = await visitor(token)
        assert [ln["text"] for ln in full["lines"]] == ["First", "Hi!"]

        # The agent's page reconnects too and catches up the same way.
        desk2 = await agent_peer(cookie)
        await desk2.send({"type": "watch", "chat": first["chat"], "after": first["id"]})
        history = await desk2.recv("history")
        assert [ln["text"] for ln in history["lines"]] == ["Hi!"]
        await desk2.send({"type": "message", "chat": first["chat"], "id": "a1", "text": "Hi!"})
        assert (await desk2.recv("ack"))["line"]["id"] == history["lines"][0]["id"]

    run(scenario)
    assert Message.objects.count() == 2


def test_ending_a_chat(agent: Any) -> None:
    token = start_chat()
    cookie = session_cookie(agent)

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "Hi"})
        chat_id = (await guest.recv("ack"))["line"]["chat"]
        desk = await agent_peer(cookie)
        await desk.send({"type": "accept", "chat": chat_id})
        await desk.recv("accepted")
        assert (await desk.recv("state"))["chat"]["status"] == "active"  # its own accept
        await guest.send({"type": "end"})
        assert (await desk.recv("state"))["chat"]["status"] == "ended"
        assert (await guest.recv("state"))["chat"]["status"] == "active"
        assert (await guest.recv("state"))["chat"]["status"] == "ended"
        await guest.send({"type": "message", "id": "v2", "text": "One more thing"})
        refused = await guest.recv("error")
        assert refused["code"] == "conflict" and refused["id"] == "v2"
        await desk.send({"type": "message", "chat": chat_id, "id": "a1", "text": "Bye"})
        assert (await desk.recv("error"))["message"] == "This chat has ended."

    run(scenario)
    assert ChatSession.objects.get().ended_by == "visitor"
    assert Message.objects.count() == 1


def test_sockets_refuse_other_sites_and_people_who_are_not_agents(agent: Any) -> None:
    token = start_chat()
    patient = requester_with_login(name="Odile Brenner", email="odile@patients.example")
    cookies = {"agent": session_cookie(agent), "patient": session_cookie(patient.user)}

    async def scenario() -> None:
        from tests.chat.conftest import Peer

        def visitor_from(origin: bytes) -> Peer:
            return Peer("/ws/chat/visitor/", [(b"origin", origin), (b"host", b"testserver")])

        assert not await visitor_from(b"https://elsewhere.example").connect()
        assert not await Peer("/ws/chat/visitor/", [(b"host", b"testserver")]).connect()
        assert await visitor_from(b"http://testserver").connect()  # the desk's own pages

        def agent_from(origin: bytes, cookie: str | None) -> Peer:
            headers = [(b"origin", origin), (b"host", b"testserver")]
            if cookie:
                headers.append((b"cookie", cookie.encode()))
            return Peer("/ws/chat/agent/", headers)

        assert not await agent_from(b"http://testserver", None).connect()
        assert not await agent_from(b"http://testserver", cookies["patient"]).connect()
        assert not await agent_from(ORIGIN.encode(), cookies["agent"]).connect()
        assert await agent_from(b"http://testserver", cookies["agent"]).connect()
        assert not await Peer("/ws/elsewhere/", [(b"host", b"testserver")]).connect()
        guest, _ = await visitor(token)
        await guest.close()

    run(scenario)


def test_attachments_travel_with_a_line(agent: Any, clock: Any) -> None:
    token = start_chat()
    cookie = session_cookie(agent)
    client = Client()
    note = client.post(
        "/chat/upload",
        {"token": token, "file": _file("reading.csv", b"time,mmol\n08:00,5.4\n")},
        HTTP_ORIGIN=ORIGIN,
    )
    assert note.status_code == 201 and note.json()["name"] == "reading.csv"
    upload_id = note.json()["id"]
    result: dict[str, Any] = {}

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send(
            {"type": "message", "id": "v1", "text": "Here it is", "attachments": [upload_id]}
        )
        line = (await guest.recv("ack"))["line"]
        desk = await agent_peer(cookie)
        await desk.send({"type": "accept", "chat": line["chat"]})
        await desk.recv("accepted")
        await desk.send({"type": "watch", "chat": line["chat"]})
        history = await desk.recv("history")
        result["visitor"] = line["attachments"][0]
        result["agent"] = history["lines"][0]["attachments"][0]

    run(scenario)
    message = Message.objects.get()
    attachment = message.attachments.get()
    assert attachment.filename == "reading.csv" and attachment.ticket_id == message.ticket_id
    got = client.get(result["visitor"]["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"time,mmol")
    assert result["agent"]["url"] == f"/api/v1/attachments/{attachment.pk}/download"
    # A link is only good for its own chat's files; a made-up one finds nothing.
    assert client.get("/chat/files/not-a-real-link").status_code == 404


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def _desk_socket(cookie: str) -> Peer:
    return Peer(
        "/ws/chat/agent/",
        [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())],
    )


def test_an_idle_agents_socket_is_refused(agent: Any, clock: Any) -> None:
    cookie = session_cookie(agent)
    clock.advance(minutes=16)

    async def scenario() -> None:
        assert not await _desk_socket(cookie).connect()

    run(scenario)


def test_a_skipped_second_step_gets_no_desk_socket(agent: Any, clock: Any) -> None:
    client = Client()
    client.force_login(agent)  # a session without the second step
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    async def scenario() -> None:
        assert not await _desk_socket(cookie).connect()

    run(scenario)


def test_signing_out_everywhere_closes_an_open_desk_socket(agent: Any, clock: Any) -> None:
    from caredesk.accounts.signin import sessions_end_all

    cookie = session_cookie(agent)

    async def scenario() -> None:
        desk = await agent_peer(cookie)
        await database_sync_to_async(sessions_end_all)(user=agent, actor=agent)
        clock.advance(seconds=30)  # the socket re-reads its session at most every 20 seconds
        await desk.send({"type": "ping"})
        closed = await desk.comm.receive_output(5)
        assert closed == {"type": "websocket.close", "code": 4401}

    run(scenario)


def test_socket_frames_do_not_keep_an_agent_signed_in(agent: Any, clock: Any) -> None:
    cookie = session_cookie(agent)

    async def scenario() -> None:
        desk = await agent_peer(cookie)
        for _ in range(7):  # pings every two minutes for fourteen minutes
            clock.advance(minutes=2)
            await desk.send({"type": "ping"})
            assert (await desk.recv())["type"] == "pong"
        clock.advance(minutes=2)
        await desk.send({"type": "ping"})
        closed = await desk.comm.receive_output(5)
        assert closed == {"type": "websocket.close", "code": 4401}

    run(scenario)


def test_a_compliance_officer_takes_no_chat(agent: Any, clock: Any) -> None:
    """The role is staff (to reach the audit) but works no ticket: no desk socket, no chat,
    even with a presence row saying "available" (live chat's agents are decided by role)."""
    from caredesk.accounts.roles import ROLE_COMPLIANCE
    from caredesk.chat.models import AgentPresence
    from caredesk.core import clock as now

    officer = AgentFactory(role=ROLE_COMPLIANCE, name="Hollis Verhoeven")
    AgentPresence.objects.create(user=officer, available=True, changed_at=now.now())
    assert services.available_agents() == 1  # the agent; a chat is never offered on its account
    token = start_chat()
    chat = ChatSession.objects.get()
    cookie = session_cookie(officer)

    async def scenario() -> None:
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        desk = Peer("/ws/chat/agent/", [*headers, (b"cookie", cookie.encode())])
        assert not await desk.connect()
        guest, welcome = await visitor(token)
        assert welcome["chat"]["status"] == "waiting"
        await guest.close()

    run(scenario)
    with pytest.raises(Exception, match="Set yourself available"):
        services.chat_accept(session_id=chat.pk, agent=officer)
    with pytest.raises(Exception, match="Only agents take chats"):
        services.availability_set(agent=officer, available=True)
    chat.refresh_from_db()
    assert chat.status == ChatStatus.WAITING and chat.agent_id is None
