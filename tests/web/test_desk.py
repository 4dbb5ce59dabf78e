"""Agent desk screens through the test client: what an agent can do, and what it costs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from caredesk.accounts.models import ApiToken
from caredesk.tickets.models import MessageKind, Status, Ticket
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory(teams=[TeamFactory(slug="tier-1")])


def test_every_response_carries_a_strict_csp(desk):
    response = desk.get("/agent/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"


def test_queue_lists_open_tickets_newest_activity_first(desk, clock):
    first = make_ticket(subject="Older issue")
    clock.advance(minutes=5)
    second = make_ticket(subject="Newer issue")
    body = desk.get("/agent/?queue=open").content.decode()
    assert body.index(second.ref) < body.index(first.ref)


def listed(response) -> list[int]:
    return [t.pk for t in response.context["page"].items]


def test_unassigned_queue_and_text_search(desk, agent):
    mine = make_ticket(subject="Camera not detected")
    other = make_ticket(
        subject="Billing question", requester=ContactFactory(name="Oriel Thistlewood")
    )
    desk.post(f"/agent/tickets/{mine.pk}/take/")
    assert listed(desk.get("/agent/?queue=unassigned")) == [other.pk]
    assert listed(desk.get("/agent/?queue=mine")) == [mine.pk]
    assert listed(desk.get("/agent/?queue=all&q=thistlewood")) == [other.pk]
    assert listed(desk.get(f"/agent/?queue=all&q={mine.ref}")) == [mine.pk]
    assert listed(desk.get("/agent/?queue=all&q=CAMERA")) == [mine.pk]


def test_queue_page_query_count_does_not_grow_with_rows(desk, django_assert_max_num_queries):
    org = OrganizationFactory()
    for i in range(3):
        make_ticket(requester=ContactFactory(organization=org), subject=f"T{i}")
    with django_assert_max_num_queries(20) as small:
        desk.get("/agent/?queue=open")
    for i in range(30):
        make_ticket(requester=ContactFactory(organization=org), subject=f"More {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        desk.get("/agent/?queue=open")


def test_queue_pages_by_cursor_without_repeats(desk):
    tickets = [make_ticket(subject=f"Ticket {i}") for i in range(30)]
    page1 = desk.get("/agent/?queue=open")
    next_url = page1.context["next_url"]
    assert next_url
    page2 = desk.get("/agent/" + next_url)
    ids1 = {t.pk for t in page1.context["page"].items}
    ids2 = {t.pk for t in page2.context["page"].items}
    assert len(ids1) == 25 and len(ids2) == 5 and not ids1 & ids2
    assert ids1 | ids2 == {t.pk for t in tickets}


def test_htmx_filter_returns_only_the_list_fragment(desk):
    make_ticket(subject="Anything")
    response = desk.get(
        "/agent/?queue=open", headers={"HX-Request": "true", "HX-Target": "ticket-list"}
    )
    html = response.content.decode()
    assert "<html" not in html and "Anything" in html


def test_bad_cursor_falls_back_to_first_page(desk):
    make_ticket(subject="Still listed")
    response = desk.get("/agent/?queue=open&cursor=not-a-cursor")
    assert response.status_code == 200 and "Still listed" in response.content.decode()


def test_reply_and_internal_note_from_ticket_page(desk, agent):
    ticket = make_ticket()
    response = desk.post(
        f"/agent/tickets/{ticket.pk}/reply/",
        {
            "kind": "public",
            "body": "Please clear the cache and restart.",
            "status_after": "pending",
        },
    )
    assert response.status_code == 302
    desk.post(
        f"/agent/tickets/{ticket.pk}/reply/", {"kind": "internal", "body": "Suspect the router."}
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING and ticket.first_response_at is not None
    kinds = list(ticket.messages.values_list("kind", flat=True))
    assert kinds == [MessageKind.PUBLIC, MessageKind.PUBLIC, MessageKind.INTERNAL]
    page = desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Internal note" in page and "Suspect the router." in page


def test_reply_with_attachment_is_downloadable_by_the_agent(desk):
    ticket = make_ticket()
    upload = SimpleUploadedFile("trace.txt", b"session trace", content_type="text/plain")
    desk.post(
        f"/agent/tickets/{ticket.pk}/reply/",
        {"kind": "public", "body": "Trace attached", "attachments": upload},
    )
    att = ticket.attachments.get()
    response = desk.get(f"/api/v1/attachments/{att.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"session trace"
    assert 'attachment; filename="trace.txt"' in response["Content-Disposition"]


def test_empty_reply_shows_a_field_error_and_writes_nothing(desk):
    ticket = make_ticket()
    response = desk.post(f"/agent/tickets/{ticket.pk}/reply/", {"kind": "public", "body": ""})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    assert ticket.messages.count() == 1


def test_properties_form_changes_fields_and_records_events(desk, agent):
    team = TeamFactory(slug="tier-2", name="Technical support engineers")
    ticket = make_ticket()
    response = desk.post(
        f"/agent/tickets/{ticket.pk}/update/",
        {
            "status": "on_hold",
            "priority": "1",
            "team": team.pk,
            "tier": "2",
            "assignee": agent.pk,
            "tags": "video, Urgent",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.priority, ticket.team, ticket.tier, ticket.assignee) == (
        "on_hold",
        1,
        team,
        2,
        agent,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["urgent", "video"]
    assert {"status", "priority", "team", "tier", "assignee", "tags"} <= set(
        ticket.events.values_list("field", flat=True)
    )


def test_take_assigns_to_me_and_opens(desk, agent):
    ticket = make_ticket()
    desk.post(f"/agent/tickets/{ticket.pk}/take/")
    ticket.refresh_from_db()
    assert ticket.assignee == agent and ticket.status == Status.OPEN


def test_ticket_page_shows_requester_context_and_recent_tickets(desk):
    manager = supervisor(name="Marisol Quenby")
    org = OrganizationFactory(name="Larchmont Clinic", plan="premium", account_manager=manager)
    requester = ContactFactory(organization=org, name="Tobiah Wrenfield")
    older = make_ticket(requester, subject="Earlier problem")
    ticket = make_ticket(requester, subject="Current problem")
    page = desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    for text in ("Tobiah Wrenfield", "Larchmont Clinic", "Premium", "Marisol Quenby", older.ref):
        assert text in page


def test_agent_opens_a_ticket_for_a_caller(desk, agent):
    requester = ContactFactory()
    response = desk.post(
        "/agent/tickets/new/",
        {
            "requester": requester.pk,
            "subject": "Caller cannot log in",
            "priority": "2",
            "channel": "phone",
            "body": "Called at 9:10",
        },
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/agent/tickets/{ticket.pk}/"
    assert ticket.channel == "phone" and ticket.priority == 2
    assert ticket.events.first().actor_user == agent


def test_api_token_is_shown_once_and_stored_hashed(desk, agent):
    response = desk.post(
        "/agent/tokens/", {"name": "EHR bridge", "scopes": ["tickets:read"], "expires_in": "90"}
    )
    secret = response.context["secret"]
    assert secret.startswith("cdt_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=agent)
    assert token.digest != secret and secret not in token.hint + token.digest
    assert secret not in desk.get("/agent/tokens/").content.decode()
    api = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    desk.post("/agent/tokens/", {"revoke": token.pk})
    api = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401


def test_healthz_reports_the_database():
    data = Client().get("/healthz").json()
    assert data["status"] == "ok" and data["database"]["ok"] is True


def test_times_are_shown_in_the_agents_timezone(desk, agent, clock):
    agent.timezone = "America/New_York"
    agent.save()
    ticket = make_ticket()  # created 2026-11-02 14:00 UTC = 09:00 in New York
    page = desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "2026-11-02 09:00 EST" in page


def test_follow_and_unfollow_a_ticket_outside_my_team(agent, desk):
    other_team_ticket = make_ticket(team=TeamFactory())
    assert desk.get(f"/agent/tickets/{other_team_ticket.pk}/").status_code == 404
    boss = supervisor()
    boss_client = Client()
    login_verified(boss_client, boss)
    from caredesk.tickets.services import follower_add

    follower_add(ticket=other_team_ticket, follower=agent, actor=boss)
    page = desk.get(f"/agent/tickets/{other_team_ticket.pk}/")
    assert page.status_code == 200, "followers see the ticket even outside their teams"
    desk.post(f"/agent/tickets/{other_team_ticket.pk}/follow/", {"follow": "0"})
    assert not other_team_ticket.followers.filter(pk=agent.pk).exists()
    assert desk.get(f"/agent/tickets/{other_team_ticket.pk}/").status_code == 404
    assert other_team_ticket.events.filter(field="followers").count() == 2


def test_sidebar_counts_are_reused_briefly_but_an_agents_own_change_shows_at_once(
    desk, agent, settings
):
    from caredesk.desk.views import _counts

    settings.CAREDESK_SIDEBAR_COUNTS_SECONDS = 60
    _counts.clear()
    team = agent.teams.get()
    first = make_ticket(ContactFactory(), team=team)

    def mine(page) -> str:
        html = page.content.decode()
        start = html.index("Assigned to me")
        return html[start : html.index("</a>", start)]

    assert 'aria-label="0 tickets"' in mine(desk.get("/agent/"))
    other = AgentFactory(teams=[team])
    from caredesk.tickets.services import ticket_update

    ticket_update(ticket=first, changes={"assignee": agent}, actor=other)  # someone else's change
    assert 'aria-label="0 tickets"' in mine(desk.get("/agent/")), "reused for a few seconds"
    second = make_ticket(ContactFactory(), team=team)
    desk.post(f"/agent/tickets/{second.pk}/take/")  # the agent's own change
    assert 'aria-label="2 tickets"' in mine(desk.get("/agent/"))
    _counts.clear()
