"""A public reply written on the desk's ticket page while the ticket's chat is going: the visitor
and the agent's chat page see it at once, once, and no mail is sent; after the chat, mail."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from caredesk.chat.models import ChatLine, ChatSession
from caredesk.core.models import OutboxItem
from caredesk.tickets.models import Channel, MessageKind, Ticket
from tests.chat.conftest import agent_peer, run, session_cookie, start_chat, visitor
from tests.factories import AgentFactory, login_verified, make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def desk_reply(user: Any, ticket_id: int, text: str, kind: str = "public") -> int:
    """An agent answers on the ticket page, as the browser posts it (in the request's thread)."""
    client = Client()
    login_verified(client, user)
    response = client.post(
        f"/agent/tickets/{ticket_id}/reply/", {"kind": kind, "body": text, "status_after": ""}
    )
    return response.status_code


def mails() -> int:
    return OutboxItem.objects.filter(kind="email").count()


def test_a_reply_on_the_ticket_page_reaches_the_chat_once_and_is_not_mailed(agent: Any) -> None:
    token = start_chat()
    cookie = session_cookie(agent)
    colleague = AgentFactory(name="Bram Olsen")
    reply = sync_to_async(desk_reply)

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "My cuff shows E3."})
        chat_id = (await guest.recv("ack"))["line"]["chat"]
        desk = await agent_peer(cookie)
        await desk.send({"type": "accept", "chat": chat_id})
        await desk.recv("accepted")
        await guest.recv("state")
        await desk.recv("state")
        await desk.recv("queue")
        ticket_id = await sync_to_async(lambda: Ticket.objects.get().pk)()

        # A colleague answers from the ticket page; both sides see it, signed by its author.
        assert (
            await reply(colleague, ticket_id, "E3 means the cuff is loose; wrap it again.") == 302
        )
        seen = (await guest.recv())["line"]
        assert seen["from"] == "agent" and seen["name"] == "Bram"
        assert seen["text"] == "E3 means the cuff is loose; wrap it again."
        on_desk = await desk.recv()
        assert on_desk["type"] == "message" and on_desk["line"]["id"] == seen["id"]
        # Exactly once: the next frame on each side answers the ping that follows.
        await guest.send({"type": "ping"})
        assert await guest.recv() == {"type": "pong"}
        await desk.send({"type": "ping"})
        assert await desk.recv() == {"type": "pong"}

        # An internal note stays on the desk.
        assert await reply(colleague, ticket_id, "Checked the device log.", "internal") == 302
        await guest.send({"type": "ping"})
        assert await guest.recv() == {"type": "pong"}

        # A visitor who reconnects gets it once with what they missed.
        await guest.close()
        _, welcome = await visitor(token)
        assert [ln["text"] for ln in welcome["lines"]] == [
            "My cuff shows E3.",
            "E3 means the cuff is loose; wrap it again.",
        ]
        assert await sync_to_async(mails)() == 0

        # Once the chat has ended, a reply on the ticket is mailed as usual, not sent live.
        await desk.send({"type": "end", "chat": chat_id})
        await desk.recv("state")
        await desk.recv("queue")
        assert await reply(colleague, ticket_id, "Following up by email.") == 302
        await desk.send({"type": "ping"})
        assert await desk.recv() == {"type": "pong"}

    run(scenario)
    assert mails() == 1
    assert ChatLine.objects.count() == 2
    ticket = Ticket.objects.get()
    assert list(ticket.messages.order_by("id").values_list("kind", "body_text")) == [
        (MessageKind.PUBLIC, "My cuff shows E3."),
        (MessageKind.PUBLIC, "E3 means the cuff is loose; wrap it again."),
        (MessageKind.INTERNAL, "Checked the device log."),
        (MessageKind.PUBLIC, "Following up by email."),
    ]


def test_a_reply_while_the_chat_waits_reaches_the_visitor_and_is_its_first_reply(
    agent: Any, clock: Any
) -> None:
    token = start_chat()

    async def scenario() -> None:
        guest, _ = await visitor(token)
        await guest.send({"type": "message", "id": "v1", "text": "Is anyone there?"})
        await guest.recv("ack")
        ticket_id = await sync_to_async(lambda: Ticket.objects.get().pk)()
        clock.advance(seconds=25)
        assert await sync_to_async(desk_reply)(agent, ticket_id, "Yes, one moment please.") == 302
        line = (await guest.recv("message"))["line"]
        assert line["text"] == "Yes, one moment please." and line["name"] == "Amara"
        clock.advance(seconds=60)
        assert await sync_to_async(desk_reply)(agent, ticket_id, "Still with you.") == 302
        await guest.recv("message")

    run(scenario)
    assert mails() == 0
    chat = ChatSession.objects.get()
    assert chat.status == "waiting"
    # the visitor was answered: the chat's first reply counts, once, from the first of them
    assert chat.first_reply_seconds == 25 and chat.first_reply_met is True


def test_the_chat_adds_a_few_queries_to_a_reply_whatever_its_length(agent: Any) -> None:
    """A reply into a chat costs a fixed few queries more than one on a mailed ticket."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tokens = [start_chat(email=f"visitor{i}@patients.example") for i in range(2)]

    async def scenario() -> None:
        for token, lines in zip(tokens, (1, 8), strict=True):
            guest, _ = await visitor(token)
            for n in range(lines):
                await guest.send({"type": "message", "id": f"v{n}", "text": f"line {n}"})
                await guest.recv("ack")

    run(scenario)
    short, long = Ticket.objects.order_by("id")
    mailed = make_ticket(requester=short.requester, channel=Channel.EMAIL)
    client = Client()
    login_verified(client, agent)
    counts = []
    for ticket in (mailed, short, long):
        client.get(f"/agent/tickets/{ticket.pk}/")  # warm the session and configuration caches
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/agent/tickets/{ticket.pk}/reply/",
                {"kind": "public", "body": "Thanks, noted.", "status_after": ""},
            )
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts[1] == counts[2] <= counts[0] + 4, counts
    assert ChatLine.objects.filter(client_id__startswith="ticket-").count() == 2
