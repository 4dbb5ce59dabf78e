"""The minute's sweep: waiting chats nobody will answer live end on their own, agents who left
their chat page are set away, and a visitor's hellos are rate limited. The clock is moved by hand."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from caredesk.chat import services
from caredesk.chat.models import AgentPresence, ChatSession, ChatStatus, EndReason
from caredesk.core.models import OutboxItem
from caredesk.tasks import chat_sweep_task
from caredesk.tickets.models import MessageKind, Status, Ticket
from tests.chat.conftest import ORIGIN, Peer, agent_peer, run, session_cookie, start_chat, visitor

pytestmark = pytest.mark.django_db(transaction=True)

sweep = sync_to_async(services.chat_sweep)


@pytest.fixture(autouse=True)
def _minutes(settings: Any) -> None:
    settings.CAREDESK_CHAT_VISITOR_GONE_MINUTES = 5
    settings.CAREDESK_CHAT_WAIT_MINUTES = 10
    settings.CAREDESK_CHAT_AGENT_AWAY_MINUTES = 5


async def still_here(peer: Peer, minutes: int, clock: Any) -> None:
    """A page left open: a minute passes between pings, as the browser sends them."""
    for _ in range(minutes):
        clock.advance(minutes=1)
        await peer.send({"type": "ping"})
        assert (await peer.recv("pong"))["type"] == "pong"


def note() -> str:
    return str(Ticket.objects.get().messages.get(kind=MessageKind.INTERNAL).body_text)


def test_a_waiting_chat_whose_visitor_left_ends_on_its_own(agent: Any, clock: Any) -> None:
    token = start_chat()
    cookie = session_cookie(agent)

    async def scenario() -> None:
        desk = await agent_peer(cookie)
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "My meter will not pair."})
        await guest.recv("ack")
        await desk.recv("queue")
        await guest.close()

        clock.advance(minutes=4)  # back within the five minutes: the chat waits on
        guest, _ = await visitor(token)
        await still_here(desk, 1, clock)
        await guest.close()
        await still_here(desk, 4, clock)
        assert await sweep() == 0
        await still_here(desk, 1, clock)
        assert await sweep() == 0
        clock.advance(seconds=1)
        assert await sweep() == 1
        assert (await desk.recv("queue"))["type"] == "queue"  # the waiting list refreshes
        assert await sweep() == 0  # ended once

        # The visitor coming back later finds the chat over, with their reference.
        _, welcome = await visitor(token)
        assert welcome["chat"]["status"] == "ended" and welcome["chat"]["reason"] == "left"
        assert welcome["chat"]["ticket"].startswith("CD-")

    run(scenario)
    chat = ChatSession.objects.get()
    assert chat.status == ChatStatus.ENDED and chat.end_reason == EndReason.LEFT
    assert chat.ended_by == "" and chat.agent is None
    ticket = Ticket.objects.get()
    assert ticket.status != Status.CLOSED
    assert "the visitor left before an agent took it (no connection for 5 minutes)" in note()
    assert ticket.messages.get(kind=MessageKind.PUBLIC).body_text == "My meter will not pair."
    assert not OutboxItem.objects.filter(kind="email").exists()


def test_a_chat_nobody_takes_ends_and_the_visitor_is_offered_the_form(
    agent: Any, clock: Any, settings: Any
) -> None:
    settings.CAREDESK_CHAT_AGENT_AWAY_MINUTES = 60  # the agent stays available meanwhile
    token = start_chat()

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "Hello?"})
        await guest.recv("ack")
        await still_here(guest, 9, clock)
        assert await sweep() == 0
        await still_here(guest, 1, clock)
        clock.advance(seconds=1)
        assert await sweep() == 1
        state = await guest.recv("state")
        assert state["chat"]["status"] == "ended" and state["chat"]["reason"] == "unanswered"
        await guest.send({"type": "message", "id": "v2", "text": "Still there?"})
        assert (await guest.recv("error"))["code"] == "conflict"

    run(scenario)
    assert ChatSession.objects.get().end_reason == EndReason.UNANSWERED
    assert "no agent took it within 10 minutes" in note()
    assert "offered the message form" in note()


def _unanswered(token: str, clock: Any) -> None:
    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "My meter will not pair."})
        await guest.recv("ack")
        await still_here(guest, 11, clock)
        assert await sweep() == 1
        await guest.recv("state")
        await guest.close()

    run(scenario)


def offline_form(token: str, email: str = "liesel.varga@patients.example") -> Any:
    from django.test import Client

    return Client().post(
        "/chat/offline",
        {"name": "Liesel Varga", "email": email, "message": "It shows E-12.", "chat": token},
        HTTP_ORIGIN=ORIGIN,
    )


def test_the_message_left_after_an_unanswered_chat_joins_its_ticket(
    agent: Any, clock: Any, settings: Any
) -> None:
    settings.CAREDESK_CHAT_AGENT_AWAY_MINUTES = 60
    token = start_chat()
    _unanswered(token, clock)
    assert offline_form(token).status_code == 201
    ticket = Ticket.objects.get()  # one ticket: the chat and the message together
    public = list(
        ticket.messages.filter(kind=MessageKind.PUBLIC).values_list("body_text", flat=True)
    )
    assert public == ["My meter will not pair.", "It shows E-12."]


def test_a_message_form_with_another_address_or_a_forged_chat_opens_its_own_ticket(
    agent: Any, clock: Any, settings: Any
) -> None:
    settings.CAREDESK_CHAT_AGENT_AWAY_MINUTES = 60
    token = start_chat()
    _unanswered(token, clock)
    assert offline_form(token, email="someone.else@patients.example").status_code == 201
    assert offline_form(token[:-4] + "AAAA").status_code == 201
    assert Ticket.objects.count() == 3
    chat_ticket = ChatSession.objects.get().ticket
    chat_ticket.status = Status.CLOSED
    chat_ticket.save(update_fields=["status"])
    assert offline_form(token).status_code == 201  # closed since: the message opens its own
    assert Ticket.objects.count() == 4


def test_a_chat_that_ended_otherwise_is_not_reopened_by_the_message_form(
    agent: Any, clock: Any
) -> None:
    token = start_chat()
    session = services.session_for_token(token)
    services.chat_end(session_id=session.pk, side="visitor")
    assert offline_form(token).status_code == 201
    assert Ticket.objects.count() == 1 and ChatSession.objects.get().ticket_id is None


def test_a_taken_chat_does_not_end_on_its_own(agent: Any, clock: Any, settings: Any) -> None:
    # the agent's page stays open half an hour; the person is busy elsewhere on the desk, so
    # the desk's idle logoff (which socket frames do not reset) is not what this test is about
    settings.CAREDESK_STAFF_IDLE_MINUTES = 60
    token = start_chat()
    cookie = session_cookie(agent)

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "Hi"})
        chat_id = (await guest.recv("ack"))["line"]["chat"]
        desk = await agent_peer(cookie)
        await desk.send({"type": "accept", "chat": chat_id})
        await desk.recv("accepted")
        await guest.close()
        await still_here(desk, 30, clock)
        assert await sweep() == 0

    run(scenario)
    assert ChatSession.objects.get().status == ChatStatus.ACTIVE


def test_an_agent_whose_chat_page_closed_is_set_away(agent: Any, clock: Any, settings: Any) -> None:
    settings.CAREDESK_STAFF_IDLE_MINUTES = 60  # pages open longer than the idle logoff
    cookie = session_cookie(agent)

    async def scenario() -> None:
        desk = await agent_peer(cookie)
        second = await agent_peer(cookie)  # a second tab
        await still_here(desk, 20, clock)
        assert await sweep() == 0
        await desk.close()
        await still_here(second, 10, clock)
        assert await sweep() == 0  # one page is still open
        await second.close()
        clock.advance(minutes=5)
        assert await sweep() == 0
        clock.advance(seconds=1)
        assert await sweep() == 1
        assert not (await sync_to_async(services.chat_availability)()).open

        # Back on the page: told so, and available again only by choice.
        again = await agent_peer(cookie)
        assert again.hello["available"] is False

    run(scenario)
    presence = AgentPresence.objects.get(user=agent)
    assert not presence.available and presence.changed_at == clock.current


def test_an_agent_who_never_opened_the_page_is_set_away_by_the_minute_job(
    agent: Any, clock: Any
) -> None:
    clock.advance(minutes=5, seconds=1)
    assert chat_sweep_task.call_local() == 1
    assert not services.is_available(agent)
    services.availability_set(agent=agent, available=True)
    clock.advance(minutes=4)
    assert chat_sweep_task.call_local() == 0
    assert services.is_available(agent)


def test_hellos_over_the_rate_limit_are_refused_then_accepted(
    agent: Any, clock: Any, settings: Any
) -> None:
    settings.CAREDESK_RATE_CHAT = 2
    token = start_chat()

    async def scenario() -> None:
        for _ in range(2):
            guest, _ = await visitor(token)
            await guest.close()
        raw = Peer("/ws/chat/visitor/", [(b"origin", ORIGIN.encode()), (b"host", b"testserver")])
        assert await raw.connect()
        await raw.send({"type": "hello", "token": token})
        refused = await raw.recv()
        assert refused["type"] == "error" and refused["code"] == "rate_limited"
        assert 0 < refused["retry_after"] <= 60
        await raw.send({"type": "message", "id": "v1", "text": "Hi"})
        assert (await raw.recv())["code"] == "conflict"  # not joined to the chat
        clock.advance(seconds=refused["retry_after"])
        await raw.send({"type": "hello", "token": token})
        assert (await raw.recv())["type"] == "welcome"

    run(scenario)
