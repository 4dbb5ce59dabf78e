"""The portal keeps its word: the due times it shows are the ones the SLA engine computed for
the ticket under the requester's own policy, and once a time has passed it says so; the form
preselects nothing; the requester sees the answers they sent and gets a receipt by mail."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from caredesk.core.models import OutboxItem
from caredesk.sla.models import Metric, SlaClock
from caredesk.tickets.models import FieldKind, Status, Ticket
from caredesk.tickets.services import ticket_update
from tests.factories import (
    OrganizationFactory,
    RequestFieldFactory,
    RequestTypeFactory,
    login_verified,
    make_ticket,
    requester_with_login,
    signed_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def basic_client():
    return requester_with_login(
        name="Leocadia Fenwright",
        email="leocadia.fenwright@patients.example",
        organization=OrganizationFactory(name="Thornbury Family Practice", plan="basic"),
    )


@pytest.fixture
def portal(basic_client) -> Client:
    return signed_in(basic_client.user)


@pytest.fixture
def visit_form():
    rtype = RequestTypeFactory(name="Video visit problem", slug="video-visit", default_level=2)
    RequestFieldFactory(
        request_type=rtype, key="device", label="Device used", kind=FieldKind.TEXT, position=1
    )
    RequestFieldFactory(
        request_type=rtype,
        key="patient",
        label="Patient's record number",
        kind=FieldKind.TEXT,
        phi=True,
        position=2,
    )
    return rtype


def _due_text(ticket: Ticket, metric: str) -> str:
    row = SlaClock.objects.get(ticket=ticket, metric=metric)
    zone = row.calendar.timezone
    local = row.due_at.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M} ({zone})"


def test_a_basic_clients_request_shows_its_own_due_times_not_a_fixed_hour(
    portal, basic_client, clock
):
    ticket = make_ticket(basic_client, subject="Clinician cannot hear me", priority=2)
    html = portal.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    reply_by = _due_text(ticket, Metric.FIRST_RESPONSE)
    assert f"We will reply by {reply_by}." in html
    assert f"We aim to resolve it by {_due_text(ticket, Metric.RESOLUTION)}." in html
    assert "within 1 hour" not in html and "within 2 hours" not in html
    listing = portal.get("/portal/").content.decode()
    assert f"We will reply by {reply_by}." in listing


def test_once_the_reply_time_has_passed_the_portal_says_so(portal, basic_client, clock):
    ticket = make_ticket(basic_client, subject="Clinician cannot hear me", priority=2)
    reply_by = _due_text(ticket, Metric.FIRST_RESPONSE)
    due = SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).due_at
    clock.set(due)
    clock.advance(minutes=5)
    html = portal.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert f"We promised to reply by {reply_by} and have not yet." in html
    assert f"We will reply by {reply_by}" not in html
    listing = portal.get("/portal/").content.decode()
    assert "next-late" in listing and "have not yet" in listing


def test_waiting_for_the_requester_says_so_instead_of_a_time(portal, basic_client, clock):
    ticket = make_ticket(basic_client, priority=3)
    ticket_update(ticket=ticket, changes={"status": Status.PENDING}, actor=None)
    html = portal.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "We need your reply to continue" in html and "We will reply by" not in html


def test_the_new_request_form_preselects_no_level(portal, visit_form):
    html = portal.get("/portal/new/video-visit/").content.decode()
    radios = [part for part in html.split("<input") if 'name="priority"' in part]
    assert len(radios) == 4
    assert not any("checked" in r.split(">")[0] for r in radios)
    # the call-now box is tied to the levels that call for it (shown by CSS, no script)
    assert sum('class="calls-now"' in r for r in radios) == 2
    refused = portal.post(
        "/portal/new/video-visit/", {"subject": "Echo", "body": "Echo on the call."}
    )
    assert refused.status_code == 422 and "Choose how urgent it is." in refused.content.decode()
    assert not Ticket.objects.exists()


def test_the_requester_sees_their_answers_and_gets_a_receipt_without_health_information(
    portal, basic_client, visit_form, clock
):
    response = portal.post(
        "/portal/new/video-visit/",
        {
            "priority": "3",
            "subject": "Echo in every video visit",
            "body": "The clinician hears herself twice.",
            "f_device": "Tablet",
            "f_patient": "MRN-77120443",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    html = portal.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    answers = html[html.index('id="your-answers"') :]
    assert "What you told us" in answers and "Device used" in answers and "Tablet" in answers
    assert "MRN-77120443" in answers  # their own answer, shown to them

    (mail,) = [i.payload for i in OutboxItem.objects.filter(kind="email")]
    assert mail["to"] == ["leocadia.fenwright@patients.example"]
    assert mail["subject"] == f"[{ticket.ref}] Received: Echo in every video visit"
    body = mail["body"]
    assert "What you told us:" in body and "- Device used: Tablet" in body
    assert "- Patient's record number: (health information: not sent by email" in body
    assert "MRN-77120443" not in body
    assert "The clinician hears herself twice." not in body  # the request is never quoted
    assert f"You will hear from us by {_due_text(ticket, Metric.FIRST_RESPONSE)}." in body
    assert f"We aim to resolve it by {_due_text(ticket, Metric.RESOLUTION)}." in body


def test_a_colleague_administering_the_organization_sees_health_answers_masked(
    basic_client, visit_form
):
    from caredesk.accounts.models import ContactKind
    from caredesk.tickets.services import NewTicket, ticket_open
    from caredesk.tickets.services.messages import Body

    ticket = ticket_open(
        data=NewTicket(
            requester=basic_client,
            subject="Echo",
            body=Body(text="Echo."),
            category=visit_form,
            form_data={"Device used": "Tablet", "Patient's record number": "MRN-77120443"},
        ),
        actor=basic_client,
    )
    admin = requester_with_login(
        organization=basic_client.organization, kind=ContactKind.CLIENT_ADMIN
    )
    client = Client()
    login_verified(client, admin.user)
    html = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Tablet" in html and "MRN-77120443" not in html
    assert "(health information, hidden)" in html


def test_my_requests_reads_the_same_number_of_rows_for_one_request_or_many(
    portal, basic_client, django_assert_max_num_queries
):
    make_ticket(basic_client, priority=2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    portal.get("/portal/")
    with CaptureQueriesContext(connection) as one:
        portal.get("/portal/")
    for level in (1, 2, 3, 4, 3, 2):
        make_ticket(basic_client, priority=level)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert portal.get("/portal/").status_code == 200


def test_an_acknowledgement_written_after_the_reply_time_says_it_has_passed(basic_client, clock):
    from caredesk.intake.acknowledge import acknowledgement_text

    ticket = make_ticket(basic_client, priority=2)
    reply_by = _due_text(ticket, Metric.FIRST_RESPONSE)
    clock.set(SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).due_at)
    clock.advance(minutes=1)
    text = acknowledgement_text(ticket, "")
    assert f"We promised to reply by {reply_by} and have not yet." in text
    assert "You will hear from us by" not in text
