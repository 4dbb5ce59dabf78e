"""Live chat in two browsers: a visitor on a clinic's own page, an agent in the desk.

pytest-django's live server speaks WSGI only, so these tests serve CareDesk's ASGI application
with uvicorn (HTTP and websockets) in a thread of the test process, on a socket bound before it
starts, against the same test database. The clinic's page comes from a second little server on
another port: the widget runs cross-origin, as it does on a real site.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import expect

from caredesk.chat.models import ChatSession
from caredesk.chat.services import availability_set, chat_sweep
from caredesk.core.models import OutboxItem
from caredesk.tickets.models import Channel, Ticket
from tests.e2e.conftest import _CSP_REPORTER, DESKTOP, TIMEOUT_MS, Screen
from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk_url(settings: Any) -> Iterator[str]:
    """CareDesk served by uvicorn (HTTP and websockets) on 127.0.0.1."""
    import uvicorn
    from channels.layers import channel_layers
    from django.db import connections

    from caredesk.asgi import application

    # The server's threads close their connections after each request and frame, so none is
    # left open on the test database when it is dropped (every thread shares this dict).
    database = connections["default"].settings_dict
    kept_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0
    channel_layers.backends = {}  # the in-memory layer's queues belong to the server's loop
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections wait in the backlog until uvicorn takes them
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        channel_layers.backends = {}
        database["CONN_MAX_AGE"] = kept_age


@pytest.fixture
def clinic_url(desk_url: str, settings: Any) -> Iterator[str]:
    """A clinic's help page on another origin, embedding the widget as the guide says."""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Brookfield Clinic help</title>
<link rel="icon" href="data:,"></head>
<body><main><h1>Brookfield Clinic: help with your devices</h1>
<p>Questions about your glucose meter, blood pressure cuff or video visits? Chat with us.</p>
</main>
<script src="{desk_url}/static/caredesk/chat-widget.js" data-caredesk="{desk_url}" defer></script>
</body></html>""".encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            if self.path != "/":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    settings.CAREDESK_CHAT_ORIGINS = [url]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def open_window(browser: Any, desk_url: str) -> Iterator[Callable[[], Screen]]:
    """A fresh browser context per call (own cookies), watched like every browser test."""
    contexts: list[Any] = []

    def factory() -> Screen:
        context = browser.new_context(
            viewport=DESKTOP, locale="en-US", timezone_id="UTC", reduced_motion="reduce"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(_CSP_REPORTER)
        contexts.append(context)
        screen = Screen(page=context.new_page(), base_url=desk_url)
        screen.watch()
        return screen

    yield factory
    for context in contexts:
        context.close()


def _available(open_window: Callable[[], Screen], email: str) -> Screen:
    """An agent's window, signed in, available for chats."""
    agent = open_window()
    agent.login(email, PASSWORD)
    agent.goto("/agent/chats/")
    agent.page.get_by_role("button", name="Become available").click()
    expect(agent.page.get_by_text("You are available for chats.")).to_be_visible()
    return agent


def _widget(open_window: Callable[[], Screen], clinic_url: str) -> tuple[Screen, Any, Any]:
    """A visitor's window on the clinic's site with the chat widget opened."""
    visitor = open_window()
    page = visitor.page
    page.goto(clinic_url, wait_until="load")
    page.get_by_role("button", name="Chat with us").click()
    return visitor, page, page.get_by_role("dialog", name="Chat with us")


def test_a_visitor_and_an_agent_chat(
    open_window: Callable[[], Screen], clinic_url: str, clock: Any
) -> None:
    AgentFactory(name="Amara Osei", email="amara.osei@caredesk.example")
    agent = _available(open_window, "amara.osei@caredesk.example")

    visitor = open_window()
    page = visitor.page
    page.goto(clinic_url, wait_until="load")
    launcher = page.get_by_role("button", name="Chat with us")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Chat with us")
    expect(dialog).to_be_visible()
    form = dialog.get_by_role("form", name="Start a chat")
    expect(form.get_by_label("Your name")).to_be_focused()
    form.get_by_label("Your name").fill("Liesel Varga")
    form.get_by_label("Email").fill("liesel.varga@patients.example")
    form.get_by_label("How can we help?").fill("My glucose meter will not pair with the app.")
    form.get_by_role("button", name="Start chat").click()
    log = dialog.get_by_role("log", name="Messages")
    expect(log.get_by_text("My glucose meter will not pair with the app.")).to_be_visible()
    expect(dialog.get_by_text("An agent will be with you shortly")).to_be_visible()

    # The waiting chat appears on the agent's page by itself.
    take = agent.page.get_by_role("button", name="Take chat with Liesel Varga")
    take.click()
    expect(agent.page.get_by_role("heading", name="Chat with Liesel Varga")).to_be_visible()
    agent_log = agent.page.get_by_role("log", name="Messages")
    expect(agent_log.get_by_text("My glucose meter will not pair with the app.")).to_be_visible()
    expect(dialog.get_by_text("You are chatting with Amara.")).to_be_visible()

    # Typing shows on the other side, both ways; then each sees the other's message.
    reply = agent.page.get_by_label("Reply to Liesel Varga")
    reply.press_sequentially("Let's reset it")
    expect(dialog.get_by_text("Amara is typing…")).to_be_visible()
    reply.press_sequentially(" together: hold the button for ten seconds.")
    reply.press("Enter")
    expect(
        log.get_by_text("Let's reset it together: hold the button for ten seconds.")
    ).to_be_visible()
    expect(dialog.get_by_text("Amara is typing…")).to_be_hidden()

    box = dialog.get_by_label("Message", exact=True)
    box.press_sequentially("Done")
    expect(agent.page.get_by_text("The visitor is typing…")).to_be_visible()
    box.press_sequentially(", it shows the pairing code now. Thank you!")
    dialog.get_by_role("button", name="Send").click()
    expect(agent_log.get_by_text("Done, it shows the pairing code now. Thank you!")).to_be_visible()
    expect(agent.page.get_by_text("The visitor is typing…")).to_be_hidden()
    # Each line shows once on each side, acknowledged (no "sending…" left).
    expect(agent_log.get_by_text("Let's reset it together", exact=False)).to_have_count(1)
    expect(log.get_by_text("Done, it shows the pairing code", exact=False)).to_have_count(1)
    expect(agent_log.get_by_text("sending…")).to_have_count(0)
    expect(log.get_by_text("sending…")).to_have_count(0)

    visitor.check("the visitor's page with the chat open")
    agent.check("the agent's chat page")
    visitor.shoot("chat-visitor")
    agent.shoot("chat-agent")

    # Escape closes the panel and gives focus back to the launcher.
    dialog.get_by_label("Message", exact=True).press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()

    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.CHAT
    assert list(ticket.messages.order_by("id").values_list("body_text", flat=True)) == [
        "My glucose meter will not pair with the app.",
        "Let's reset it together: hold the button for ten seconds.",
        "Done, it shows the pairing code now. Thank you!",
    ]
    chat = ChatSession.objects.get()
    assert chat.first_reply_seconds == 0 and chat.first_reply_met  # the clock stood still


def test_with_nobody_available_the_widget_takes_a_message(
    open_window: Callable[[], Screen], clinic_url: str, clock: Any
) -> None:
    availability_set(agent=AgentFactory(), available=False)
    visitor, page, dialog = _widget(open_window, clinic_url)
    expect(dialog.get_by_text("No one is free to chat right now.")).to_be_visible()
    form = dialog.get_by_role("form", name="Leave a message")
    visitor.allow("status of 422")  # the form's answer when fields are missing
    form.get_by_role("button", name="Send message").click()
    expect(form.get_by_text("Enter your name.")).to_be_visible()
    expect(form.get_by_label("Your name")).to_be_focused()
    form.get_by_label("Your name").fill("Odile Brenner")
    form.get_by_label("Email").fill("odile@patients.example")
    form.get_by_label("Your message").fill("Please call me about my cuff.")
    visitor.check("the message form with an error")
    visitor.shoot("chat-offline-form")
    form.get_by_role("button", name="Send message").click()
    expect(dialog.get_by_text("We have your message and will answer by email.")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.requester.email == "odile@patients.example"
    assert ticket.messages.get().body_text == "Please call me about my cuff."


def test_a_reply_on_the_ticket_page_and_a_file_reach_the_chat(
    open_window: Callable[[], Screen], clinic_url: str, clock: Any, tmp_path: Any
) -> None:
    AgentFactory(name="Amara Osei", email="amara.osei@caredesk.example")
    AgentFactory(name="Bram Olsen", email="bram.olsen@caredesk.example")
    agent = _available(open_window, "amara.osei@caredesk.example")

    visitor, page, dialog = _widget(open_window, clinic_url)
    form = dialog.get_by_role("form", name="Start a chat")
    form.get_by_label("Your name").fill("Liesel Varga")
    form.get_by_label("Email").fill("liesel.varga@patients.example")
    form.get_by_label("How can we help?").fill("My cuff shows E3.")
    form.get_by_role("button", name="Start chat").click()
    log = dialog.get_by_role("log", name="Messages")
    expect(log.get_by_text("My cuff shows E3.")).to_be_visible()
    agent.page.get_by_role("button", name="Take chat with Liesel Varga").click()
    agent_log = agent.page.get_by_role("log", name="Messages")
    expect(agent_log.get_by_text("My cuff shows E3.")).to_be_visible()
    expect(dialog.get_by_text("You are chatting with Amara.")).to_be_visible()

    # A colleague answers on the ticket's own page: the visitor and the chat page see it once.
    colleague = open_window()
    colleague.login("bram.olsen@caredesk.example", PASSWORD)
    ticket = Ticket.objects.get()
    colleague.goto(f"/agent/tickets/{ticket.pk}/")
    colleague.page.locator("#id_body").fill("E3 means the cuff is loose; wrap it again.")
    colleague.page.get_by_role("button", name="Send reply").click()
    expect(colleague.page.get_by_text(f"Reply sent on {ticket.ref}.")).to_be_visible()
    reply = "E3 means the cuff is loose; wrap it again."
    expect(log.get_by_text(reply)).to_have_count(1)
    expect(log.locator(".cdw-line", has_text=reply).locator(".cdw-who")).to_have_text("Bram")
    expect(agent_log.get_by_text(reply)).to_have_count(1)

    # The visitor sends a photo of the cuff's display; the agent can open it.
    photo = tmp_path / "cuff-display.png"
    photo.write_bytes(_PNG)
    dialog.get_by_label("Attach a file").set_input_files(str(photo))
    dialog.get_by_label("Message", exact=True).fill("Here is the display now.")
    dialog.get_by_role("button", name="Send").click()
    expect(log.get_by_role("link", name="cuff-display.png")).to_be_visible()
    expect(log.get_by_text("sending…")).to_have_count(0)
    expect(agent_log.get_by_text("Here is the display now.")).to_be_visible()
    link = agent_log.get_by_role("link", name="cuff-display.png")
    expect(link).to_be_visible()
    with agent.page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "cuff-display.png"
    visitor.check("the widget with a reply from the ticket page and a file")
    agent.check("the chat page with a reply from the ticket page and a file")
    visitor.shoot("chat-visitor-file")

    assert not OutboxItem.objects.filter(kind="email").exists()
    assert list(ticket.messages.order_by("id").values_list("body_text", flat=True)) == [
        "My cuff shows E3.",
        reply,
        "Here is the display now.",
    ]
    assert ticket.attachments.get().filename == "cuff-display.png"


def test_a_chat_nobody_takes_offers_the_message_form(
    open_window: Callable[[], Screen], clinic_url: str, clock: Any, settings: Any
) -> None:
    # The fake clock jumps past the wait; the visitor's page stays connected all along.
    settings.CAREDESK_CHAT_WAIT_MINUTES = 10
    settings.CAREDESK_CHAT_VISITOR_GONE_MINUTES = 60
    settings.CAREDESK_CHAT_AGENT_AWAY_MINUTES = 60
    availability_set(agent=AgentFactory(), available=True)
    visitor, page, dialog = _widget(open_window, clinic_url)
    form = dialog.get_by_role("form", name="Start a chat")
    form.get_by_label("Your name").fill("Odile Brenner")
    form.get_by_label("Email").fill("odile@patients.example")
    form.get_by_label("How can we help?").fill("Please help with my cuff.")
    form.get_by_role("button", name="Start chat").click()
    expect(dialog.get_by_text("An agent will be with you shortly")).to_be_visible()
    log = dialog.get_by_role("log", name="Messages")
    expect(log.get_by_text("Please help with my cuff.")).to_be_visible()
    expect(log.get_by_text("sending…")).to_have_count(0)  # the chat is in the queue

    clock.advance(minutes=11)
    assert chat_sweep() == 1
    message_form = dialog.get_by_role("form", name="Leave a message")
    expect(message_form.get_by_text("No one could take your chat in time")).to_be_visible()
    expect(message_form.get_by_label("Email")).to_have_value("odile@patients.example")
    expect(message_form.get_by_label("Your name")).to_have_value("Odile Brenner")
    ticket = Ticket.objects.get()
    expect(message_form.get_by_text(f"Your reference is {ticket.ref}.")).to_be_visible()
    message_form.get_by_label("Your message").fill("Call me at noon, please.")
    visitor.check("the message form after an unanswered chat")
    visitor.shoot("chat-unanswered")
    message_form.get_by_role("button", name="Send message").click()
    expect(dialog.get_by_text("We have your message and will answer by email.")).to_be_visible()
    assert ChatSession.objects.get().end_reason == "unanswered"
    # the message joins the chat's ticket: one conversation, not two tickets
    assert Ticket.objects.get().pk == ticket.pk
    assert ticket.messages.filter(body_text="Call me at noon, please.").exists()


# A 1x1 PNG: real image bytes, as a phone's photo would be typed by its content.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
