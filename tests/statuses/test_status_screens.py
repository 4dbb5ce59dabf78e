"""The statuses screen, the ticket page's status control, the queue, bulk changes, the portal
and the mail: custom statuses as agents and requesters see them."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.core.models import OutboxItem
from caredesk.tickets.models import CustomStatus, Ticket
from caredesk.tickets.services import Body, message_add, ticket_update
from caredesk.tickets.services.statuses import StatusIn, status_save
from tests.factories import (
    AgentFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
    signed_in,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def user(team):
    return AgentFactory(teams=[team])


@pytest.fixture
def agent(user) -> Client:
    return signed_in(user)


def lab() -> CustomStatus:
    return status_save(
        status=None,
        data=StatusIn("Awaiting lab results", "Waiting for your lab results", "pending"),
    )


def test_an_administrator_adds_a_status_with_field_errors_first():
    admin = signed_in(AgentFactory(role=ROLE_ADMIN))
    bad = admin.post("/agent/statuses/new/", {"agent_label": "", "category": "closed"})
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "This field is required." in page  # the name and the requester's name
    assert "Select a valid choice." in page  # closed is the system's own
    done = admin.post(
        "/agent/statuses/new/",
        {
            "agent_label": "Awaiting lab results",
            "requester_label": "Waiting for your lab results",
            "category": "pending",
            "description": "The lab has the sample.",
            "active": "on",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/agent/statuses/"
    listing = admin.get("/agent/statuses/").content.decode()
    assert "Awaiting lab results" in listing and "Waiting for your lab results" in listing
    twice = admin.post(
        "/agent/statuses/new/",
        {"agent_label": "awaiting lab results", "requester_label": "x", "category": "pending"},
    )
    assert twice.status_code == 422
    assert "Another status already has this name." in twice.content.decode()


def test_a_lead_renames_deactivates_and_reorders():
    lead = signed_in(supervisor())
    status = lab()
    pending = CustomStatus.objects.get(category="pending", default=True)
    form = {"agent_label": "Lab pending", "requester_label": "Waiting for the lab"}
    off = lead.post(f"/agent/statuses/{status.pk}/", {**form, "category": "pending"})
    assert off.status_code == 302
    status.refresh_from_db()
    assert (status.agent_label, status.active) == ("Lab pending", False)
    # the default stays in use whatever is posted; its category never changes
    lead.post(
        f"/agent/statuses/{pending.pk}/",
        {"agent_label": "Waiting on requester", "requester_label": "Over to you"},
    )
    pending.refresh_from_db()
    assert (pending.agent_label, pending.active, pending.category) == (
        "Waiting on requester",
        True,
        "pending",
    )
    moved = lead.post(f"/agent/statuses/{status.pk}/move/", {"direction": "up"})
    assert moved.status_code == 302
    order = list(
        CustomStatus.objects.filter(category="pending").values_list("agent_label", flat=True)
    )
    assert order == ["Lab pending", "Waiting on requester"]


def test_agents_use_statuses_but_do_not_keep_them():
    agent = signed_in(AgentFactory())
    assert agent.get("/agent/statuses/").status_code == 403
    assert agent.post("/agent/statuses/new/", {"agent_label": "x"}).status_code == 403
    assert "/agent/statuses/" not in agent.get("/agent/").content.decode()


def test_the_ticket_page_offers_statuses_by_category_and_saves_one(team, user, agent):
    ticket = make_ticket(team=team, assignee=user)
    status = lab()
    page = agent.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert '<optgroup label="Pending">' in page
    assert f'<option value="{status.pk}">Awaiting lab results</option>' in page
    form = {
        "status": str(status.pk),
        "priority": 3,
        "tier": 1,
        "team": team.pk,
        "assignee": user.pk,
        "tags": "",
    }
    saved = agent.post(f"/agent/tickets/{ticket.pk}/update/", form)
    assert saved.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == ("pending", status)
    page = agent.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Status: Open → Awaiting lab results (Pending)" in page
    assert '<span class="badge status status-pending">Awaiting lab results</span>' in page
    queue = agent.get("/agent/?queue=open").content.decode()
    assert ">Awaiting lab results</span>" in queue


def test_a_status_no_longer_in_use_is_a_field_error_on_the_ticket_page(team, user, agent):
    ticket = make_ticket(team=team, assignee=user)
    status = lab()
    status_save(status=status, data=StatusIn(status.agent_label, "x", "pending", active=False))
    form = {"status": str(status.pk), "priority": 3, "tier": 1, "tags": ""}
    response = agent.post(f"/agent/tickets/{ticket.pk}/update/", form)
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert (
        agent.post(f"/agent/tickets/{ticket.pk}/update/", {**form, "status": "99999"}).status_code
        == 422
    )


def test_the_queue_filters_by_a_custom_status_or_its_category(
    team, user, agent, django_assert_max_num_queries
):
    status = lab()
    waiting = make_ticket(team=team, subject="Waiting on the lab")
    plain = make_ticket(team=team, subject="Waiting on the patient")
    other = make_ticket(team=team, subject="Still open")
    ticket_update(ticket=waiting, changes={"custom_status": status}, actor=user)
    ticket_update(ticket=plain, changes={"status": "pending"}, actor=user)
    by_status = agent.get(f"/agent/?queue=all&status={status.pk}").content.decode()
    assert waiting.subject in by_status and plain.subject not in by_status
    assert other.subject not in by_status
    by_category = agent.get("/agent/?queue=all&status=pending").content.decode()
    assert waiting.subject in by_category and plain.subject in by_category
    # the queue with its labels costs the same however many tickets have a custom status
    with django_assert_max_num_queries(40) as few:
        agent.get("/agent/?queue=all")
    for _ in range(5):
        t = make_ticket(team=team)
        ticket_update(ticket=t, changes={"custom_status": status}, actor=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        agent.get("/agent/?queue=all")


def test_a_saved_view_keeps_a_custom_status_filter():
    from caredesk.workspace.selectors import view_filters
    from caredesk.workspace.services import ViewData, savedview_save

    user = AgentFactory()
    status = lab()
    client = signed_in(user)
    saved = client.post(
        "/agent/views/new/",
        {"name": "Lab", "queue": "all", "status": str(status.pk), "columns": ["state"]},
    )
    assert saved.status_code in (200, 302), saved.content[:300]
    view = savedview_save(
        actor=user,
        data=ViewData(name="Lab 2", filters={"queue": "all", "custom_status": status.pk}),
    )
    assert view_filters(view).custom_status == status.pk


def test_bulk_set_a_custom_status(team, user, agent):
    status = lab()
    one, two = make_ticket(team=team), make_ticket(team=team)
    page = agent.get("/agent/?queue=open").content.decode()
    assert f'<option value="{status.pk}">Awaiting lab results</option>' in page
    response = agent.post(
        "/agent/bulk/", {"ticket": [one.pk, two.pk], "status": str(status.pk)}, follow=True
    )
    assert "Changed 2 of 2 tickets (status)" in response.content.decode()
    assert set(Ticket.objects.values_list("custom_status", flat=True)) == {status.pk}
    refused = agent.post("/agent/bulk/", {"ticket": [one.pk], "status": "new"}, follow=True)
    assert "A ticket cannot go back to new." in refused.content.decode()


def test_the_portal_and_the_mail_show_the_requester_label(team, user):
    requester = requester_with_login()
    ticket = make_ticket(requester, team=team)
    status = lab()
    message_add(
        ticket=ticket,
        kind="public",
        body=Body(text="We sent the sample."),
        actor=user,
        status_after=None,
    )
    ticket_update(ticket=ticket, changes={"custom_status": status}, actor=user)
    portal = signed_in(requester.user)
    home = portal.get("/portal/").content.decode()
    assert "Waiting for your lab results" in home and "Awaiting lab results" not in home
    detail = portal.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Waiting for your lab results" in detail
    message_add(ticket=ticket, kind="public", body=Body(text="Any news?"), actor=user)
    last = OutboxItem.objects.order_by("-id").first()
    assert last is not None
    assert "Status of your request: Waiting for your lab results" in last.payload["body"]


def test_a_reply_then_sets_a_custom_status(team, user, agent):
    ticket = make_ticket(team=team, assignee=user)
    status = lab()
    page = agent.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert f'<option value="{status.pk}">Awaiting lab results</option>' in page
    sent = agent.post(
        f"/agent/tickets/{ticket.pk}/reply/",
        {"kind": "public", "body": "We sent the sample.", "status_after": str(status.pk)},
    )
    assert sent.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status_id) == ("pending", status.pk)
    refused = agent.post(
        f"/agent/tickets/{ticket.pk}/reply/",
        {"kind": "public", "body": "Again.", "status_after": "new"},
    )
    assert refused.status_code == 422
    assert ticket.messages.count() == 2  # the first message and the reply, not the refused one
