"""Macros on the desk without JavaScript: the picker, the preview, applying, keeping them."""

from __future__ import annotations

import pytest

from caredesk.rules.macros import MacroIn, macro_save
from caredesk.rules.models import Macro
from caredesk.tickets.models import Message, Status, Ticket
from tests.factories import (
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
    signed_in,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(slug="tier-1")


@pytest.fixture
def lead(team):
    return supervisor(name="Ruth Calloway", teams=[team])


@pytest.fixture
def ticket(team):
    june = requester_with_login(name="June Halloway", organization=OrganizationFactory())
    return make_ticket(june, team=team, subject="Camera does not start")


@pytest.fixture
def shared(lead):
    return macro_save(
        macro=None,
        data=MacroIn(
            name="Ask for logs",
            body="Hi {{requester.first_name}}, could you send the logs for {{ticket.reference}}?"
            " {{patient.nickname}}",
            shared=True,
            set_status="pending",
            add_tags=("logs-requested",),
        ),
        actor=lead,
    )


def test_picker_lists_shared_and_own_macros_but_not_a_colleagues(agent, lead, ticket, shared):
    macro_save(macro=None, data=MacroIn(name="Ruth's own", body="x"), actor=lead)
    macro_save(macro=None, data=MacroIn(name="My sign-off", body="x"), actor=agent)
    page = signed_in(agent).get(f"/agent/tickets/{ticket.pk}/macros/").content.decode()
    assert "Ask for logs" in page and "My sign-off" in page
    assert "Ruth&#x27;s own" not in page and "Ruth's own" not in page


def test_picker_filters_by_name(agent, ticket, shared):
    macro_save(macro=None, data=MacroIn(name="My sign-off", body="x"), actor=agent)
    page = signed_in(agent).get(f"/agent/tickets/{ticket.pk}/macros/?q=LOGS").content.decode()
    assert "Ask for logs" in page and "My sign-off" not in page


def test_preview_fills_placeholders_and_flags_unknown_ones(agent, ticket, shared):
    response = signed_in(agent).get(f"/agent/tickets/{ticket.pk}/macros/{shared.pk}/")
    page = response.content.decode()
    assert f"Hi June, could you send the logs for {ticket.ref}?" in page
    assert "Not filled" in page and "{{patient.nickname}}" in page
    assert "Status: Pending customer" in page and "logs-requested" in page


def test_applying_from_the_plain_form_sends_and_carries_out_the_actions(agent, ticket, shared):
    response = signed_in(agent).post(
        f"/agent/tickets/{ticket.pk}/macros/{shared.pk}/",
        {"kind": "public", "body": "Hi June, could you send the logs?", "status_after": ""},
    )
    assert response.status_code == 302 and response["Location"] == f"/agent/tickets/{ticket.pk}/"
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.PENDING
    assert list(fresh.tags.values_list("name", flat=True)) == ["logs-requested"]
    assert Message.objects.filter(ticket=ticket, body_text__contains="send the logs").exists()
    assert Macro.objects.get(pk=shared.pk).usage_count == 1


def test_an_empty_message_is_refused_with_its_field(agent, ticket, shared):
    response = signed_in(agent).post(
        f"/agent/tickets/{ticket.pk}/macros/{shared.pk}/", {"kind": "public", "body": ""}
    )
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    assert Macro.objects.get(pk=shared.pk).usage_count == 0


def test_the_ticket_page_offers_the_picker(agent, ticket):
    page = signed_in(agent).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert f'href="/agent/tickets/{ticket.pk}/macros/"' in page and "<kbd>m</kbd>" in page


def test_an_agent_writes_a_personal_macro(agent):
    client = signed_in(agent)
    response = client.post(
        "/agent/macros/new/",
        {"name": "Sign-off", "kind": "public", "body": "Best, {{agent.name}}", "shared": "on"},
    )
    assert response.status_code == 302
    macro = Macro.objects.get(name="Sign-off")
    assert macro.owner == agent  # the shared box is not theirs to tick: it stays personal


def test_a_support_lead_writes_a_shared_macro(lead):
    response = signed_in(lead).post(
        "/agent/macros/new/",
        {"name": "Desk hello", "kind": "internal", "body": "Note", "shared": "on"},
    )
    assert response.status_code == 302
    assert Macro.objects.get(name="Desk hello").owner is None


def test_an_agent_cannot_change_a_shared_macro(agent, shared):
    client = signed_in(agent)
    page = client.get(f"/agent/macros/{shared.pk}/").content.decode()
    assert "kept by the support leads" in page and "Save macro" not in page
    client.post(f"/agent/macros/{shared.pk}/", {"name": "Mine", "kind": "public", "body": "x"})
    assert Macro.objects.get(pk=shared.pk).name == "Ask for logs"


def test_bad_macro_input_is_a_422_with_field_messages(agent):
    response = signed_in(agent).post(
        "/agent/macros/new/", {"name": "", "kind": "shout", "body": "", "set_priority": "9"}
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert {"name", "kind", "body", "set_priority"} <= set(form.errors)


def test_retiring_a_macro_takes_it_out_of_the_picker(agent, ticket):
    mine = macro_save(macro=None, data=MacroIn(name="Old reply", body="x"), actor=agent)
    client = signed_in(agent)
    client.post(f"/agent/macros/{mine.pk}/", {"active": "0"})
    page = client.get(f"/agent/tickets/{ticket.pk}/macros/").content.decode()
    assert "“Old reply” is retired" in page  # the confirmation
    assert 'data-name="old reply"' not in page
