"""Bulk actions on a queue without JavaScript: the checkboxes, the bar and the summary."""

from __future__ import annotations

import pytest

from caredesk.tickets.models import Status, Ticket
from caredesk.tickets.services import ticket_update
from tests.factories import TeamFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(name="Frontline", slug="tier-1")


def test_each_row_has_a_checkbox_for_the_bulk_form(desk, team):
    ticket = make_ticket(team=team)
    page = desk.get("/agent/?queue=open").content.decode()
    assert f'name="ticket" value="{ticket.pk}" form="bulk-form"' in page
    assert f'aria-label="Select {ticket.ref}"' in page
    assert 'id="bulk-form"' in page and "Apply to selected" in page


def test_bulk_assign_to_me_and_the_summary(desk, agent, team):
    a, b = make_ticket(team=team), make_ticket(team=team)
    response = desk.post(
        "/agent/bulk/",
        {"ticket": [a.pk, b.pk], "assignee": "me", "back": "?queue=unassigned"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/agent/?queue=unassigned"
    page = response.content.decode()
    assert f"Changed 2 of 2 tickets (assignee): {a.ref}, {b.ref}." in page
    assert {t.assignee for t in Ticket.objects.filter(pk__in=[a.pk, b.pk])} == {agent}


def test_refusals_are_listed_with_their_reason(desk, agent, team):
    closed, fine = make_ticket(team=team), make_ticket(team=team)
    ticket_update(ticket=closed, changes={"status": Status.CLOSED}, actor=agent)
    hidden = make_ticket(team=TeamFactory(slug="devices"))
    page = desk.post(
        "/agent/bulk/",
        {"ticket": [closed.pk, fine.pk, hidden.pk], "status": "pending", "back": "?queue=open"},
        follow=True,
    ).content.decode()
    assert f"Changed 1 of 3 tickets (status): {fine.ref}." in page
    assert f"Not changed: {closed.ref}. This ticket is closed and cannot be reopened." in page
    assert f"Not changed: #{hidden.pk}. No such ticket, or you cannot see it." in page


def test_nothing_chosen_is_explained(desk, team):
    ticket = make_ticket(team=team)
    page = desk.post("/agent/bulk/", {"ticket": [ticket.pk]}, follow=True).content.decode()
    assert "Choose at least one change." in page
    page = desk.post("/agent/bulk/", {"status": "open"}, follow=True).content.decode()
    assert "Select at least one ticket." in page


@pytest.mark.parametrize(
    "form",
    [
        {"ticket": ["abc"], "status": "open"},
        {"ticket": ["1"], "status": "nonsense"},
        {"ticket": ["1"], "priority": "7"},
        {"ticket": ["1"], "team": "999999"},
        {"ticket": ["1"], "assignee": "999999"},
        {"ticket": ["1"], "tags_add": "x" * 2000},
        {"ticket": ["1"], "status": "open", "back": "//evil.example/"},
    ],
)
def test_bad_input_is_answered_on_the_queue_never_a_5xx(desk, form):
    response = desk.post("/agent/bulk/", form)
    assert response.status_code == 302 and response["Location"].startswith("/agent/")


def test_the_queue_page_costs_the_same_with_the_checkboxes(
    desk, team, django_assert_max_num_queries
):
    for _ in range(3):
        make_ticket(team=team)
    with django_assert_max_num_queries(20) as small:
        desk.get("/agent/?queue=open")
    for _ in range(20):
        make_ticket(team=team)
    with django_assert_max_num_queries(len(small.captured_queries)):
        desk.get("/agent/?queue=open")
