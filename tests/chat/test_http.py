"""The widget's HTTP doors (hours, start, files, the message form) and the agents' chat page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from caredesk.chat import services
from caredesk.chat.models import AgentPresence, ChatSession, ChatStatus
from caredesk.sla.models import Calendar
from caredesk.tickets.models import Channel, Ticket
from tests.chat.conftest import ORIGIN, start_chat
from tests.factories import AgentFactory, login_verified

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # 03:00 in New York: chat hours are 08-22


def post(
    path: str, data: dict[str, Any], origin: str = ORIGIN, client: Client | None = None
) -> Any:
    return (client or Client()).post(path, data, HTTP_ORIGIN=origin)


def test_status_follows_chat_hours_and_available_agents(agent: Any, clock: Any) -> None:
    answer = Client().get("/chat/status", HTTP_ORIGIN=ORIGIN)
    assert answer.json() == {"open": True, "reason": "", "message": "", "opens_at": None}
    assert answer["Access-Control-Allow-Origin"] == ORIGIN

    clock.set(NIGHT)
    closed = Client().get("/chat/status", HTTP_ORIGIN=ORIGIN).json()
    assert closed["open"] is False and closed["reason"] == "hours"
    assert closed["opens_at"] == "2026-11-03T13:00:00+00:00"  # 08:00 in New York

    clock.set(datetime(2026, 11, 2, 14, 0, tzinfo=UTC))
    services.availability_set(agent=agent, available=False)
    nobody = Client().get("/chat/status", HTTP_ORIGIN=ORIGIN).json()
    assert nobody["open"] is False and nobody["reason"] == "agents"


def test_chat_hours_come_from_the_named_calendar(agent: Any, clock: Any, settings: Any) -> None:
    Calendar.objects.create(
        name="Chat desk (mornings)",
        timezone="America/New_York",
        weekly_hours={"0": [["10:00", "12:00"]]},
    )
    settings.CAREDESK_CHAT_CALENDAR = "Chat desk (mornings)"
    state = services.chat_availability()  # Monday 09:00 in New York
    assert state.reason == "hours" and state.opens_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    clock.advance(hours=1)
    assert services.chat_availability().open
    settings.CAREDESK_CHAT_CALENDAR = ""  # no calendar: around the clock
    clock.set(NIGHT)
    assert services.chat_availability().open


def test_starting_a_chat_checks_the_visitor_and_the_hours(agent: Any, clock: Any) -> None:
    bad = post("/chat/start", {"name": " ", "email": "not-an-address"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"name", "email"}

    clock.set(NIGHT)
    closed = post("/chat/start", {"name": "Liesel Varga", "email": "liesel@patients.example"})
    assert closed.status_code == 409 and closed.json()["reason"] == "hours"
    assert "Leave us a message" in closed.json()["detail"]
    assert not ChatSession.objects.exists()


def test_other_sites_are_refused(agent: Any) -> None:
    for path, data in [
        ("/chat/start", {"name": "Liesel", "email": "liesel@patients.example"}),
        ("/chat/offline", {"name": "Liesel", "email": "liesel@patients.example", "message": "x"}),
        ("/chat/upload", {"token": "x"}),
    ]:
        answer = post(path, data, origin="https://elsewhere.example")
        assert answer.status_code == 403, path
        assert "Access-Control-Allow-Origin" not in answer
    assert Client().get("/chat/status", HTTP_ORIGIN="https://elsewhere.example").status_code == 403
    assert not ChatSession.objects.exists() and not Ticket.objects.exists()


def test_starting_chats_is_rate_limited(agent: Any, settings: Any) -> None:
    settings.CAREDESK_RATE_CHAT = 2
    for _ in range(2):
        start_chat()
    refused = post("/chat/start", {"name": "Liesel", "email": "liesel@patients.example"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Try again in" in refused.json()["detail"]
    assert ChatSession.objects.count() == 2


def test_the_offline_form_opens_a_ticket(clock: Any) -> None:
    clock.set(NIGHT)
    sent = post(
        "/chat/offline",
        {
            "name": "Liesel Varga",
            "email": "Liesel@Patients.example",
            "message": "My sensor shows E-12 since last night.",
            "page": "https://clinic.example/devices",
        },
    )
    assert sent.status_code == 201 and "answer by email" in sent.json()["detail"]
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.CHAT
    assert ticket.requester.email == "liesel@patients.example"
    assert list(ticket.tags.values_list("name", flat=True)) == ["chat-offline"]
    assert ticket.messages.get().body_text == "My sensor shows E-12 since last night."
    assert ticket.form_data == {"page": "https://clinic.example/devices"}

    errors = post("/chat/offline", {"name": "", "email": "x", "message": " "}).json()["errors"]
    assert set(errors) == {"name", "email", "message"}


def test_the_offline_form_keeps_robots_out(settings: Any) -> None:
    robot = post(
        "/chat/offline",
        {"name": "Buy", "email": "spam@spam.example", "message": "Cheap", "website": "x.example"},
    )
    assert robot.status_code == 201  # told nothing
    assert not Ticket.objects.exists()

    settings.CAREDESK_RATE_PUBLIC_FORM = 2  # the robot's attempt counted too
    data = {"name": "Liesel", "email": "liesel@patients.example", "message": "Hello"}
    assert post("/chat/offline", data).status_code == 201
    limited = post("/chat/offline", data)
    assert limited.status_code == 429 and limited["Retry-After"]
    assert Ticket.objects.count() == 1


def test_uploads_are_checked(agent: Any, settings: Any) -> None:
    token = start_chat()
    exe = SimpleUploadedFile("setup.exe", b"MZ...", content_type="application/x-msdownload")
    refused = post("/chat/upload", {"token": token, "file": exe})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "file": ["setup.exe is a Windows program. Programs and scripts are not accepted."]
    }
    assert post("/chat/upload", {"token": token}).status_code == 422
    forged = post("/chat/upload", {"token": token + "x", "file": _png()})
    assert forged.status_code == 403

    settings.CAREDESK_MAX_ATTACHMENT_BYTES = 1024
    big = SimpleUploadedFile("scan.png", b"\x89PNG" + b"0" * 200_000, content_type="image/png")
    assert post("/chat/upload", {"token": token, "file": big}).status_code == 413

    chat = ChatSession.objects.get()
    services.chat_end(session_id=chat.pk, side="visitor")
    assert post("/chat/upload", {"token": token, "file": _png()}).status_code == 409


def _png() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")


def _chat_of(agent: Any) -> ChatSession:
    token = start_chat()
    chat = services.session_for_token(token)
    services.visitor_say(session_id=chat.pk, client_id="v1", text="Hello", files=[])
    return services.chat_accept(session_id=chat.pk, agent=agent)


def test_agents_page_lists_waiting_and_own_chats(
    agent: Any, clock: Any, django_assert_max_num_queries: Any
) -> None:
    mine = _chat_of(agent)
    for n in range(3):
        token = start_chat(email=f"waiting{n}@patients.example")
        waiting = services.session_for_token(token)
        services.visitor_say(session_id=waiting.pk, client_id="v1", text=f"Help {n}", files=[])
    client = Client()
    login_verified(client, agent)
    with django_assert_max_num_queries(14):
        page = client.get(f"/agent/chats/{mine.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Chat with Liesel Varga" in html and html.count("Take chat") == 3
    assert 'My chats <span class="count">(1 of 3)</span>' in html
    assert "Hello" in html  # the transcript so far
    lists = client.get("/agent/chats/lists/").content.decode()
    assert lists.count("Take chat") == 3


def test_agents_switch_themselves_available_and_away(clock: Any) -> None:
    agent = AgentFactory(name="Bram Olsen")
    client = Client(enforce_csrf_checks=True)
    login_verified(client, agent)
    page = client.get("/agent/chats/")
    assert "Become available" in page.content.decode()
    assert client.post("/agent/chats/availability/", {"available": "1"}).status_code == 403  # CSRF
    token = page.cookies["csrftoken"].value
    moved = client.post(
        "/agent/chats/availability/", {"available": "1", "csrfmiddlewaretoken": token}
    )
    assert moved.status_code == 302
    assert AgentPresence.objects.get(user=agent).available
    after = client.get("/agent/chats/").content.decode()
    assert "You are available for chats." in after and "Go away" in after


def test_agents_attach_files_to_their_own_chats_only(agent: Any, clock: Any) -> None:
    chat = _chat_of(agent)
    client = Client()
    login_verified(client, agent)
    sent = client.post(f"/agent/chats/{chat.pk}/upload/", {"file": _png()})
    assert sent.status_code == 201 and sent.json()["name"] == "photo.png"
    services.agent_say(
        session_id=chat.pk, agent=agent, client_id="a1", text="", files=[sent.json()["id"]]
    )
    assert chat.ticket.attachments.get().filename == "photo.png"  # type: ignore[union-attr]
    other = Client()
    login_verified(other, AgentFactory())
    assert other.post(f"/agent/chats/{chat.pk}/upload/", {"file": _png()}).status_code == 404
    assert ChatSession.objects.get().status == ChatStatus.ACTIVE


def test_the_ticket_page_says_a_public_reply_goes_to_the_chat_while_it_lasts(agent: Any) -> None:
    chat = _chat_of(agent)
    desk = Client()
    login_verified(desk, agent)
    page = desk.get(f"/agent/tickets/{chat.ticket_id}/").content.decode()
    assert "The chat with Liesel Varga is still going" in page
    assert "not by email" in page
    services.chat_end(session_id=chat.pk, side="visitor")
    page = desk.get(f"/agent/tickets/{chat.ticket_id}/").content.decode()
    assert "is still going" not in page  # the chat is over: replies are mailed again
