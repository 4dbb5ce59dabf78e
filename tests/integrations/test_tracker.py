"""Engineering issues in the tracker (Jira's REST API, played by a local HTTP peer): opened
after commit with a link back, the key kept on the ticket, the status followed by webhook."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from caredesk.core.models import OutboxItem, OutboxStatus
from caredesk.core.outbox import outbox_deliver
from caredesk.integrations.models import TrackerIssue
from caredesk.integrations.services import tracker_issue_request
from caredesk.tickets.models import EventKind, Message, MessageKind, TicketEvent
from tests.factories import ContactFactory, RequestTypeFactory, make_ticket

pytestmark = pytest.mark.django_db
SECRET = "tracker-hook-secret-0123456789"


@pytest.fixture
def jira(peer, settings):
    settings.CAREDESK_JIRA_URL = peer.url
    settings.CAREDESK_JIRA_USER = "support-bot@caredesk.example"
    settings.CAREDESK_JIRA_TOKEN = "jira-api-token"
    settings.CAREDESK_JIRA_WEBHOOK_SECRET = SECRET
    settings.CAREDESK_BASE_URL = "https://support.caredesk.example"
    return peer


@pytest.fixture
def ticket(clock):
    rtype = RequestTypeFactory(name="Technical issue")
    return make_ticket(ContactFactory(), subject="Patient 4471 report fails", category=rtype)


def test_the_issue_is_created_with_a_link_back_and_no_ticket_content(jira, ticket):
    jira.answers = [(201, json.dumps({"id": "10001", "key": "ENG-42"}).encode())]
    tracker_issue_request(ticket=ticket, project="ENG")
    assert outbox_deliver() == 1
    (got,) = jira.received
    assert got.path == "/rest/api/2/issue"
    user, token = (
        base64.b64decode(got.headers["authorization"].removeprefix("Basic ")).decode().split(":")
    )
    assert (user, token) == ("support-bot@caredesk.example", "jira-api-token")
    fields = got.json()["fields"]
    assert fields["project"] == {"key": "ENG"} and fields["issuetype"] == {"name": "Task"}
    assert fields["summary"].startswith(ticket.ref) and "4471" not in fields["summary"]
    assert f"https://support.caredesk.example/agent/tickets/{ticket.pk}/" in fields["description"]
    issue = TrackerIssue.objects.get()
    assert (issue.key, issue.url, issue.status) == ("ENG-42", f"{jira.url}/browse/ENG-42", "open")
    linked = TicketEvent.objects.get(ticket=ticket, kind=EventKind.TRACKER_LINKED)
    assert linked.data["key"] == "ENG-42"


def test_a_refused_issue_is_not_retried_and_says_why(jira, ticket):
    jira.answers = [(400, b'{"errors": {"project": "unknown"}}')]
    tracker_issue_request(ticket=ticket, project="NOPE")
    outbox_deliver()
    assert OutboxItem.objects.get(kind="tracker").status == OutboxStatus.FAILED
    issue = TrackerIssue.objects.get()
    assert "HTTP 400" in issue.last_error and issue.status == "failed"


def test_a_given_up_issue_is_replayed_once_the_tracker_takes_it(jira, ticket, clock):
    from caredesk.core.outbox import outbox_replay

    jira.answers = [(503, b"maintenance")] * 8 + [(201, b'{"id": "1", "key": "ENG-9"}')]
    tracker_issue_request(ticket=ticket, project="ENG")
    item = OutboxItem.objects.get(kind="tracker")
    for _ in range(8):
        clock.set(item.available_at)
        outbox_deliver()
        item.refresh_from_db()
        issue = TrackerIssue.objects.get()
        assert "HTTP 503" in issue.last_error
        assert issue.status == ("failed" if item.status == OutboxStatus.FAILED else "requested")
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 8)
    (replayed,) = outbox_replay(ids=[item.pk])
    assert replayed.ticket_id == ticket.pk
    assert TrackerIssue.objects.get().status == "requested"
    assert outbox_deliver() == 1
    issue = TrackerIssue.objects.get()
    assert (issue.key, issue.status) == ("ENG-9", "open")


def test_the_tracker_reports_a_status_change_onto_the_ticket(jira, ticket):
    jira.answers = [(201, b'{"id": "1", "key": "ENG-7"}')]
    tracker_issue_request(ticket=ticket, project="ENG")
    outbox_deliver()
    hook = {
        "webhookEvent": "jira:issue_updated",
        "issue": {"key": "ENG-7", "fields": {"status": {"name": "Done"}}},
    }
    response = Client().post(
        "/api/v1/integrations/tracker/webhook",
        hook,
        content_type="application/json",
        headers={"X-CareDesk-Secret": SECRET},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"issue": "ENG-7", "status": "Done", "ticket": ticket.ref}
    assert TrackerIssue.objects.get().status == "Done"
    note = Message.objects.get(ticket=ticket, kind=MessageKind.INTERNAL)
    assert "ENG-7" in note.body_text and "Done" in note.body_text


@pytest.mark.parametrize("secret", ["", "wrong", SECRET[:-1]])
def test_a_webhook_without_the_secret_is_refused(jira, ticket, secret):
    hook = {"issue": {"key": "ENG-7", "fields": {"status": {"name": "Done"}}}}
    response = Client().post(
        f"/api/v1/integrations/tracker/webhook?secret={secret}",
        hook,
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_webhook_for_an_unknown_issue_or_without_a_status_is_a_clear_4xx(jira):
    client = Client(headers={"X-CareDesk-Secret": SECRET})
    unknown = {"issue": {"key": "ENG-999", "fields": {"status": {"name": "Done"}}}}
    assert (
        client.post(
            "/api/v1/integrations/tracker/webhook", unknown, content_type="application/json"
        ).status_code
        == 404
    )
    bad = client.post(
        "/api/v1/integrations/tracker/webhook",
        {"issue": {"key": "ENG-1"}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "issue" in bad.json()["errors"]


def test_without_a_configured_tracker_the_request_fails_visibly(ticket, settings):
    settings.CAREDESK_JIRA_URL = ""
    tracker_issue_request(ticket=ticket, project="ENG")
    outbox_deliver()
    issue = TrackerIssue.objects.get()
    assert issue.status == "not configured" and "CAREDESK_JIRA_URL" in issue.last_error
