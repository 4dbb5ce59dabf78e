"""The escalation hand-over: the form records why, what was done and what is next; the sender
goes back to the queue told where the ticket went; the receiving team reads the hand-over at the
top of the ticket; the history says what changed in words."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import Tier
from caredesk.tickets.models import EventKind, Status
from caredesk.tickets.services import ticket_escalate, ticket_update
from tests.factories import AgentFactory, TeamFactory, login_verified, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    return {
        "tier2": TeamFactory(name="Technical support engineers", slug="tier-2", tier=Tier.TIER2),
        "engineering": TeamFactory(name="Engineering", slug="engineering", tier=Tier.TIER3),
    }


@pytest.fixture
def sender(teams):
    return AgentFactory(name="Odile Brackenridge", teams=[teams["tier2"]])


@pytest.fixture
def engineer(teams):
    return AgentFactory(name="Ferdinand Aalto", teams=[teams["engineering"]])


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _escalate(client: Client, ticket, team, **fields):
    data = {
        "team": team.pk,
        "reason": "Audio drops for every clinician on the new Android build.",
        "action_taken": "Reproduced on two phones; cleared the app cache; no change.",
        "next_steps": "Check the audio codec change in release 4.2 and reply to the clinic.",
        **fields,
    }
    return client.post(f"/agent/tickets/{ticket.pk}/escalate/", data, follow=True)


def test_the_sender_lands_in_the_queue_told_which_ticket_went_to_which_team(
    teams, sender, engineer
):
    ticket = make_ticket(subject="No audio in video visits", team=teams["tier2"])
    response = _escalate(_client(sender), ticket, teams["engineering"])
    assert response.redirect_chain == [("/agent/", 302)]
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{ticket.ref} “No audio in video visits” escalated to Engineering." in html
    assert "has left your teams&#x27; queues" in html or "has left your teams' queues" in html
    ticket.refresh_from_db()
    assert ticket.team == teams["engineering"] and ticket.tier == Tier.TIER3


def test_the_form_asks_for_what_was_done_and_what_is_next(teams, sender):
    ticket = make_ticket(team=teams["tier2"])
    response = _escalate(
        _client(sender), ticket, teams["engineering"], action_taken="", next_steps=""
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Say what you have done so far" in html
    assert "Say what the receiving team should do next." in html
    assert not ticket.events.filter(kind=EventKind.ESCALATED).exists()


def test_the_receiving_team_reads_the_hand_over_at_the_top_of_the_ticket(teams, sender, engineer):
    ticket = make_ticket(subject="No audio in video visits", team=teams["tier2"])
    _escalate(_client(sender), ticket, teams["engineering"])
    html = _client(engineer).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    pinned = html[
        html.index('id="handover"') : html.index("</section>", html.index('id="handover"'))
    ]
    assert "Escalated to Engineering" in pinned and "Odile Brackenridge" in pinned
    assert "From Technical support engineers (Tier 1) to Engineering (Tier 3)" in pinned
    assert "Audio drops for every clinician" in pinned
    assert "Reproduced on two phones" in pinned
    assert "Check the audio codec change" in pinned
    assert html.index('id="handover"') < html.index('aria-label="Conversation"')


def test_a_protocol_override_is_part_of_the_hand_over(teams, sender, engineer):
    ticket = make_ticket(team=teams["tier2"])
    ticket_update(
        ticket=ticket,
        changes={"escalation_block": "Cancellations stay in Tier 1."},
        actor=None,
    )
    _escalate(
        _client(sender),
        ticket,
        teams["engineering"],
        override_reason="Account under legal hold; Tier 1 cannot cancel it.",
    )
    html = _client(engineer).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Protocol overridden" in html
    assert "Cancellations stay in Tier 1." in html
    assert "Account under legal hold" in html


def test_only_the_latest_escalation_is_pinned(teams, sender, engineer):
    ticket = make_ticket(team=teams["tier2"])
    ticket_escalate(ticket=ticket, team=teams["tier2"], actor=sender, reason="First look.")
    ticket_escalate(
        ticket=ticket, team=teams["engineering"], actor=sender, reason="Needs a code change."
    )
    html = _client(engineer).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    pinned = html[
        html.index('id="handover"') : html.index("</section>", html.index('id="handover"'))
    ]
    assert "Needs a code change." in pinned and "First look." not in pinned


def test_history_says_what_changed_from_and_to_in_words(teams, sender, engineer):
    ticket = make_ticket(priority=3, team=teams["tier2"])
    ticket_update(
        ticket=ticket,
        changes={"priority": 2, "status": Status.OPEN, "assignee": sender, "tags": ["audio"]},
        actor=sender,
    )
    ticket_escalate(
        ticket=ticket, team=teams["engineering"], actor=sender, reason="Needs a code change."
    )
    html = _client(engineer).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    history = html[html.index("<h2>History</h2>") :]
    assert "Level: Normal → High" in history
    assert "Status: New → Open" in history
    assert "Assignee: nobody → Odile Brackenridge" in history
    assert "Tags: added audio" in history
    assert "Team: Technical support engineers → Engineering" in history
    assert "Tier: Tier 1 → Tier 3" in history
    assert "Escalated from Technical support engineers to Engineering (Tier 3)" in history
    for raw in ("priority", "assignee ", "field changed", f"→ {teams['engineering'].pk}<"):
        assert raw not in history


def test_health_information_changes_are_named_never_shown(teams, sender):
    ticket = make_ticket(team=teams["tier2"])
    ticket_update(ticket=ticket, changes={"patient_id": "MRN-55120397"}, actor=sender)
    html = _client(sender).get(f"/agent/tickets/{ticket.pk}/").content.decode()
    history = html[html.index("<h2>History</h2>") :]
    assert "Patient ID changed (health information, not shown here)" in history
    assert "MRN-55120397" not in history


def test_the_ticket_page_reads_the_same_number_of_rows_however_long_its_history(
    teams, sender, django_assert_max_num_queries
):
    client = _client(sender)
    short = make_ticket(team=teams["tier2"])
    long = make_ticket(team=teams["tier2"])
    others = [AgentFactory(teams=[teams["tier2"]]) for _ in range(4)]
    for i, person in enumerate(others):
        ticket_update(
            ticket=long, changes={"assignee": person, "priority": 1 + i % 4}, actor=sender
        )
    ticket_escalate(ticket=long, team=teams["engineering"], actor=sender, reason="Code change.")
    ticket_update(ticket=long, changes={"team": teams["tier2"]}, actor=sender)
    # the short one mentions one of each kind of name (team, person); the long one many
    ticket_update(ticket=short, changes={"assignee": others[0]}, actor=sender)
    ticket_escalate(ticket=short, team=teams["engineering"], actor=sender, reason="Code change.")
    ticket_update(ticket=short, changes={"team": teams["tier2"]}, actor=sender)
    client.get(f"/agent/tickets/{short.pk}/")  # warm the caches both pages share

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caredesk.compliance.audit import forget_role

    # the audit log's role cache lives ROLE_SECONDS on the wall clock: each page reads the role
    # afresh, so a cache that expires between the two pages on a slow machine cannot add its
    # statement to one page only
    forget_role(sender.pk)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/agent/tickets/{short.pk}/").status_code == 200
    forget_role(sender.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/agent/tickets/{long.pk}/").status_code == 200
