"""Customer portal: a requester's own requests, in plain words."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import ContactKind
from caredesk.tickets.models import FieldKind, MessageKind, Ticket
from caredesk.tickets.services import Body, message_add
from tests.factories import (
    AgentFactory,
    OrganizationFactory,
    RequestFieldFactory,
    RequestTypeFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    requester_with_login,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def device_form():
    rtype = RequestTypeFactory(
        name="Device error", slug="device-error", default_team=TeamFactory(slug="tier-2")
    )
    RequestFieldFactory(
        request_type=rtype,
        key="serial",
        label="Device serial number",
        kind=FieldKind.SERIAL,
        required=True,
        maps_to="device_serial",
    )
    RequestFieldFactory(
        request_type=rtype, key="purchase", label="Purchase date", kind=FieldKind.DATE
    )
    RequestFieldFactory(
        request_type=rtype,
        key="network",
        label="Connection",
        kind=FieldKind.CHOICE,
        choices="Wi-Fi\nWired",
    )
    return rtype


def test_form_shows_the_four_levels_with_definitions_and_call_now(portal, device_form, settings):
    settings.CAREDESK_SUPPORT_PHONE = "+1-800-555-0199"
    html = portal.get("/portal/new/device-error/").content.decode()
    for level in ("Level 1", "Level 2", "Level 3", "Level 4"):
        assert level in html
    assert "no workaround" in html and "self-administration" in html
    assert "Call us now" in html and "+1-800-555-0199" in html


@pytest.mark.parametrize(
    ("plan", "level_two", "level_one"),
    [
        (
            "basic",
            "We reply within 48 business hours",
            "We reply within 1 hour, day or night, and aim to resolve within 24 hours.",
        ),
        (
            "premium",
            "We reply within 2 hours, day or night",
            "We reply within 1 hour, day or night, and aim to resolve within 24 hours.",
        ),
        (
            "standard",
            "We reply within 2 business hours",
            "We reply within 1 hour, day or night, and aim to resolve within 24 hours.",
        ),
    ],
)
def test_each_level_promises_what_the_requesters_own_policy_keeps(
    portal, requester, device_form, plan, level_two, level_one
):
    requester.organization = OrganizationFactory(plan=plan)
    requester.save()
    html = portal.get("/portal/new/device-error/").content.decode()
    definitions = html.split('id="level-')
    first = next(d for d in definitions if d.startswith('1-def"'))
    second = next(d for d in definitions if d.startswith('2-def"'))
    assert level_one in first
    assert level_two in second


def test_submitting_the_form_opens_a_ticket_with_structured_answers(portal, requester, device_form):
    response = portal.post(
        "/portal/new/device-error/",
        {
            "priority": "3",
            "subject": "Device shows error E-214",
            "body": "It beeps three times then stops.",
            "f_serial": "PT-448812",
            "f_purchase": "2026-03-14",
            "f_network": "Wi-Fi",
        },
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/portal/tickets/{ticket.pk}/"
    assert ticket.requester == requester and ticket.priority == 3 and ticket.channel == "portal"
    assert ticket.device_serial == "PT-448812" and ticket.team.slug == "tier-2"
    assert ticket.form_data == {
        "Device serial number": "PT-448812",
        "Purchase date": "2026-03-14",
        "Connection": "Wi-Fi",
    }


def test_invalid_form_names_each_field_and_keeps_the_answers(portal, device_form):
    response = portal.post(
        "/portal/new/device-error/",
        {"priority": "3", "subject": "", "body": "details kept", "f_serial": "!!"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in html and "Summary" in html and "serial number as printed" in html
    assert "details kept" in html
    assert Ticket.objects.count() == 0


def test_requester_sees_public_replies_not_internal_notes(portal, requester):
    agent = AgentFactory(name="Casimir Oduya")
    ticket = make_ticket(requester)
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="Please restart the hub."),
        actor=agent,
    )
    message_add(
        ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text="Known firmware bug."), actor=agent
    )
    html = portal.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Please restart the hub." in html and "Casimir Oduya" in html
    assert "Known firmware bug." not in html
    assert "We&#x27;re on it" in html or "We're on it" in html


def test_requester_reply_from_portal(portal, requester):
    ticket = make_ticket(requester)
    portal.post(f"/portal/tickets/{ticket.pk}/", {"body": "It happened again at noon."})
    assert ticket.messages.last().body_text == "It happened again at noon."
    assert ticket.messages.last().author_contact == requester


def test_my_requests_lists_only_mine_and_client_admin_sees_the_organization(requester):
    org = OrganizationFactory()
    me = requester_with_login(organization=org)
    colleague = requester_with_login(organization=org)
    admin = requester_with_login(organization=org, kind=ContactKind.CLIENT_ADMIN)
    mine, theirs = make_ticket(me, subject="Mine"), make_ticket(colleague, subject="Theirs")
    c = Client()
    login_verified(c, me.user)
    html = c.get("/portal/").content.decode()
    assert mine.ref in html and theirs.ref not in html
    login_verified(c, admin.user)
    html = c.get("/portal/").content.decode()
    assert mine.ref in html and theirs.ref in html


def test_stored_xss_in_subject_and_body_is_inert(portal, requester):
    ticket = make_ticket(
        requester, subject="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>"
    )
    html = portal.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x onerror" not in html
    assert "&lt;script&gt;" in html
