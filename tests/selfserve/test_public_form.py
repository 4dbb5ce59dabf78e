"""The public request form at /help/new/: field errors, the honeypot, the rate limit, attachments
typed by content, device check results, and the confirmation page."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from caredesk.accounts.models import Contact
from caredesk.core.models import OutboxItem
from caredesk.tickets.models import Attachment, Channel, Ticket
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    login_verified,
    requester_with_login,
)

pytestmark = pytest.mark.django_db

URL = "/help/new/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"1 0 obj\n<<>>\nendobj\n" * 4
ZIP = b"PK\x03\x04" + b"\x14\x00" * 40  # stored as it is; never opened
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Wren Alcott",
        "email": "wren.alcott@mail.example",
        "subject": "The video freezes after a minute",
        "description": "Every visit this week froze after about a minute.",
        "device_serial": "",
        "website": "",
        "diagnostics": "",
    }
    data.update(overrides)
    return data


def _results(**overrides: object) -> str:
    checks = [
        {"id": "browser", "status": "pass", "detail": "Firefox 128"},
        {"id": "os", "status": "pass", "detail": "Windows 11"},
        {"id": "camera", "status": "fail", "detail": "Blocked for this site"},
        {"id": "download", "status": "warn", "detail": "2.1 Mbit/s"},
    ]
    blob: dict[str, object] = {"version": 1, "checks": checks}
    blob.update(overrides)
    return json.dumps(blob)


def test_empty_form_names_each_missing_field_and_opens_nothing(client):
    response = client.post(URL, _form(name="", email="", subject="", description=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    for message in (
        "Enter your name.",
        "Enter your email address: we reply to it.",
        "Enter a summary of the problem.",
        "Describe what happened.",
    ):
        assert message in html
    assert 'aria-invalid="true"' in html
    assert not Ticket.objects.exists()


def test_errors_keep_everything_typed(client):
    response = client.post(URL, _form(email="wren at mail", device_serial="12 34 / x"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter an email address like name@example.com." in html
    assert "Enter the serial number as printed on the device" in html
    assert 'value="Wren Alcott"' in html
    assert 'value="wren at mail"' in html
    assert "Every visit this week froze after about a minute." in html
    assert not Ticket.objects.exists()


def test_a_request_opens_a_portal_ticket_for_a_new_requester(client, clock):
    org = OrganizationFactory(email_domain="brightwater.example")
    response = client.post(
        URL, _form(email="Ola.Brandt@Brightwater.example", device_serial="BW-2231-X")
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.PORTAL
    assert ticket.subject == "The video freezes after a minute"
    assert ticket.device_serial == "BW-2231-X"
    assert ticket.requester.email == "ola.brandt@brightwater.example"
    assert ticket.requester.name == "Wren Alcott"
    assert ticket.organization == org
    assert ticket.messages.get().body_text.startswith("Every visit this week froze")

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert ticket.ref in html
    assert "What happens next" in html
    # Monday 14:00 UTC is 09:00 in New York: the standard policy's 4 business hours end at 13:00,
    # said in the calendar's time zone, with the resolution time, as the portal says them
    assert "We will reply by Monday 2 November, 13:00 (America/New_York)." in html
    from caredesk.sla.requester import promise_lines, requester_dues

    promised = [t.text for t in promise_lines(requester_dues([ticket.pk])[ticket.pk])]
    assert len(promised) == 2 and promised[1].startswith("We aim to resolve it by ")
    for line in promised:
        assert line in html
    # and the visitor, who has no account, gets the reference by mail
    (ack,) = OutboxItem.objects.filter(kind="email")
    assert ack.payload["to"] == ["ola.brandt@brightwater.example"]
    assert ack.payload["subject"] == f"[{ticket.ref}] Received: {ticket.subject}"


def test_an_existing_requester_is_matched_by_email_not_duplicated(client):
    known = ContactFactory(email="june.halloway@mail.example")
    client.post(URL, _form(email="JUNE.halloway@mail.example", name="Someone Else"))
    ticket = Ticket.objects.get()
    assert ticket.requester == known
    assert Contact.objects.filter(email="june.halloway@mail.example").count() == 1
    known.refresh_from_db()
    assert known.name != "Someone Else"


def test_confirmation_link_cannot_be_forged(client):
    response = client.get("/help/new/sent/eyJyZWYiOiJDRC0xIn0:forged:sig/")
    assert response.status_code == 404
    assert "This confirmation link has expired" in response.content.decode()


def test_honeypot_gets_a_thank_you_but_no_ticket_and_no_personal_data_in_the_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="caredesk.selfserve"):
        response = client.post(URL, _form(website="https://cheap-pills.example"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Your request has been received" in page.content.decode()
    assert "Your reference is" not in page.content.decode()
    assert not Ticket.objects.exists()
    assert not Contact.objects.exists()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "hidden field filled" in logged
    for secret in ("Wren", "wren.alcott", "freezes", "cheap-pills", "127.0.0.1"):
        assert secret not in logged


def test_honeypot_is_hidden_from_people(client):
    html = client.get(URL).content.decode()
    trap = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', html, re.S)
    assert trap is not None
    assert 'tabindex="-1"' in trap.group(1)
    assert 'autocomplete="off"' in trap.group(1)


def test_rate_limit_refuses_with_429_keeps_the_text_and_lifts_after_a_minute(
    client, clock, settings
):
    settings.CAREDESK_RATE_PUBLIC_FORM = 2
    for n in range(2):
        assert client.post(URL, _form(subject=f"Request {n}")).status_code == 302
    refused = client.post(URL, _form(subject="Third request"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 60
    html = refused.content.decode()
    assert "Wait 60 seconds, then press" in html
    assert 'value="Third request"' in html
    assert "Every visit this week froze after about a minute." in html
    assert Ticket.objects.count() == 2

    clock.advance(seconds=61)
    assert client.post(URL, _form(subject="Third request")).status_code == 302
    assert Ticket.objects.count() == 3


def test_rate_limit_counts_per_address(client, clock, settings):
    settings.CAREDESK_RATE_PUBLIC_FORM = 1
    assert client.post(URL, _form(), REMOTE_ADDR="203.0.113.5").status_code == 302
    assert client.post(URL, _form(), REMOTE_ADDR="203.0.113.5").status_code == 429
    assert client.post(URL, _form(), REMOTE_ADDR="203.0.113.6").status_code == 302


def test_the_form_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, _form()).status_code == 403
    assert not Ticket.objects.exists()


# Attachments -------------------------------------------------------------------------------------


def test_attachments_are_typed_by_their_content_not_their_name(client):
    files = [
        SimpleUploadedFile("scan.png", PDF, content_type="image/png"),
        SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        SimpleUploadedFile("logs.zip", ZIP, content_type="application/zip"),
    ]
    response = client.post(URL, {**_form(), "attachments": files})
    assert response.status_code == 302
    types = dict(Attachment.objects.values_list("filename", "content_type"))
    assert types == {
        "scan.png": "application/pdf",
        "photo.png": "image/png",
        "logs.zip": "application/zip",
    }
    archive = Attachment.objects.get(filename="logs.zip")
    assert archive.size == len(ZIP)  # kept whole, nothing extracted from it


def test_a_program_disguised_as_a_document_is_refused_with_a_clear_message(client):
    files = [
        SimpleUploadedFile("results.pdf", EXE, content_type="application/pdf"),
        SimpleUploadedFile("fix.sh.txt", b"#!/bin/sh\nrm -rf /\n", content_type="text/plain"),
    ]
    response = client.post(URL, {**_form(), "attachments": files})
    assert response.status_code == 422
    html = response.content.decode()
    assert "results.pdf is a Windows program. Programs and scripts are not accepted." in html
    assert "fix.sh.txt is a script. Programs and scripts are not accepted." in html
    assert 'value="Wren Alcott"' in html
    assert not Ticket.objects.exists()


def test_a_type_the_desk_does_not_accept_is_refused_at_the_field(client, settings):
    settings.CAREDESK_ATTACHMENT_TYPES = ["image/png"]
    files = [SimpleUploadedFile("report.png", PDF, content_type="image/png")]
    response = client.post(URL, {**_form(), "attachments": files})
    assert response.status_code == 422
    assert "files of type application/pdf are not accepted" in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_oversized_file_is_a_field_error_not_a_server_error(client, settings):
    settings.CAREDESK_MAX_ATTACHMENT_BYTES = 2048
    files = [SimpleUploadedFile("video.png", PNG + b"\x00" * 4096, content_type="image/png")]
    response = client.post(URL, {**_form(), "attachments": files})
    assert response.status_code == 422
    html = response.content.decode()
    assert "video.png is larger than 2 KB: attach a smaller file." in html
    assert "Every visit this week froze after about a minute." in html
    assert not Ticket.objects.exists()


def test_too_many_files_are_refused(client):
    files = [SimpleUploadedFile(f"p{n}.png", PNG, content_type="image/png") for n in range(6)]
    response = client.post(URL, {**_form(), "attachments": files})
    assert response.status_code == 422
    assert "Attach at most 5 files." in response.content.decode()
    assert not Ticket.objects.exists()


# Device check results ----------------------------------------------------------------------------


def test_results_become_form_answers_and_lines_in_the_first_message(client):
    response = client.post(
        URL, _form(diagnostics=_results()), HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0)"
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.form_data == {
        "Browser": "Passed: Firefox 128",
        "Operating system": "Passed: Windows 11",
        "Camera": "Failed: Blocked for this site",
        "Download speed": "Warning: 2.1 Mbit/s",
        "User agent": "Mozilla/5.0 (Windows NT 10.0)",
    }
    body = ticket.messages.get().body_text
    assert "Every visit this week froze" in body
    assert "- Browser: Firefox 128 (passed)" in body
    assert "- Operating system: Windows 11 (passed)" in body
    assert "- Camera: Blocked for this site (failed)" in body


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        ("{not json", "could not be read"),
        ("x" * 9000, "too large to attach"),
        (json.dumps({"version": 2, "checks": []}), "not in the expected form"),
        (json.dumps([1, 2, 3]), "not in the expected form"),
        (_results(checks=[{"id": "kernel", "status": "pass", "detail": "x"}]), "expected form"),
        (_results(checks=[{"id": "browser", "status": "great", "detail": "x"}]), "expected form"),
        (_results(checks=[{"id": "browser", "status": "pass", "detail": 7}]), "expected form"),
        (_results(checks=[{"id": "os", "status": "pass", "detail": "x", "a": 1}]), "expected form"),
        (_results(checks=[{"id": "os", "status": "pass", "detail": "y" * 300}]), "too long"),
        (
            _results(checks=[{"id": "os", "status": "pass", "detail": "a"}] * 2),
            "expected form",
        ),
    ],
)
def test_unreadable_results_are_a_field_error_and_can_be_sent_without(client, blob, message):
    response = client.post(URL, _form(diagnostics=blob))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "send the form again without them" in html
    assert 'name="diagnostics" value=""' in html or 'name="diagnostics" id' in html
    assert 'value="Wren Alcott"' in html
    assert not Ticket.objects.exists()
    # The page sent back carries no results, so sending it again works.
    again = client.post(URL, _form(diagnostics=""))
    assert again.status_code == 302
    assert Ticket.objects.get().form_data == {}


def test_results_are_text_on_the_desk_never_html(client):
    evil = "<img src=x onerror=alert(1)>"
    checks = [{"id": "browser", "status": "pass", "detail": evil}]
    client.post(URL, _form(diagnostics=_results(checks=checks)))
    ticket = Ticket.objects.get()
    agent = AgentFactory()
    desk = Client()
    login_verified(desk, agent)
    html = desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Passed: &lt;img src=x onerror=alert(1)&gt;" in html
    assert evil not in html


def test_from_the_device_check_the_form_is_prefilled_and_nothing_is_opened(client):
    response = client.post(URL, {"prefill": "check", "diagnostics": _results()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your device check results" in html
    assert "Blocked for this site" in html
    assert 'value="Device check failed: camera"' in html
    assert "There is a problem" not in html
    assert not Ticket.objects.exists()
    hidden = re.search(r'<input type="hidden" name="diagnostics" value="([^"]*)"', html)
    assert hidden is not None and "Blocked for this site" in hidden.group(1)


def test_prefill_with_unreadable_results_gives_a_clean_form(client):
    response = client.post(URL, {"prefill": "check", "diagnostics": "{oops"})
    assert response.status_code == 200
    assert "Your device check results" not in response.content.decode()


# Who may use it, and what it costs ----------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "requester", "agent"])
def test_the_public_pages_open_for_everyone(client, who):
    if who == "requester":
        login_verified(client, requester_with_login().user)
    elif who == "agent":
        login_verified(client, AgentFactory())
    for path in ("/help/check/", "/help/new/"):
        assert client.get(path).status_code == 200
    assert client.post(URL, _form()).status_code == 302


def test_query_counts_do_not_grow_with_attachments_or_results(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(0):
        assert client.post(URL, {"prefill": "check", "diagnostics": _results()}).status_code == 200
    OrganizationFactory(email_domain="mail.example")
    client.post(URL, _form(email="first@mail.example"))  # warm the configuration snapshots
    # the ticket with its events and clocks, the requester, its acknowledgement by mail, and the
    # access audit's entry for the new ticket (a savepoint, the chain's head, one INSERT)
    with django_assert_max_num_queries(24) as plain:
        client.post(URL, _form(email="second@mail.example"))
    files = [SimpleUploadedFile(f"p{n}.png", PNG, content_type="image/png") for n in range(3)]
    with django_assert_max_num_queries(27) as rich:
        client.post(
            URL, {**_form(email="third@mail.example", diagnostics=_results()), "attachments": files}
        )
    assert Ticket.objects.count() == 3
    # each attachment is one INSERT; nothing else grows
    assert len(rich.captured_queries) <= len(plain.captured_queries) + 3
