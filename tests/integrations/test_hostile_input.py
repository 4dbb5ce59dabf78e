"""What the tracker sends (its webhook) or answers (a new issue's key), holding text no database
stores, on SQLite and PostgreSQL alike: refused, named, and nothing half written."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.core.models import OutboxItem, OutboxStatus
from caredesk.core.outbox import outbox_deliver
from caredesk.core.text import NUL_MESSAGE, SURROGATE_MESSAGE
from caredesk.integrations.models import TrackerIssue
from caredesk.integrations.services import tracker_issue_request
from caredesk.tickets.models import Message
from tests.integrations.test_tracker import SECRET, jira, ticket  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
HOOK = "/api/v1/integrations/tracker/webhook"


@pytest.fixture
def linked(jira, ticket):  # noqa: F811 - the fixtures imported above
    jira.answers = [(201, b'{"id": "1", "key": "ENG-7"}')]
    tracker_issue_request(ticket=ticket, project="ENG")
    outbox_deliver()
    return TrackerIssue.objects.get(key="ENG-7")


@pytest.mark.parametrize(
    ("body", "field", "why"),
    [
        (b'{"issue": {"key": "ENG-7\\u0000", "fields": {"status": {"name": "Done"}}}}', "issue.key", NUL_MESSAGE),
        (b'{"issue": {"key": "ENG-7", "fields": {"status": {"name": "Do\\u0000ne"}}}}', "issue.fields.status.name", NUL_MESSAGE),
        (b'{"issue": {"key": "ENG-7", "fields": {"status": {"name": "Do\\udc00ne"}}}}', "issue.fields.status.name", SURROGATE_MESSAGE),
        (b'{"issue": {"key": "ENG-7", "fields": {"status": {"name": "Done"}, "summary": "\\ud800"}}}', "issue.fields.summary", SURROGATE_MESSAGE),
    ],
)  # fmt: skip
def test_a_webhook_holding_nul_or_half_characters_is_a_422_naming_where(linked, body, field, why):
    response = Client().post(
        HOOK, body, content_type="application/json", headers={"X-CareDesk-Secret": SECRET}
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {field: [why]}
    linked.refresh_from_db()
    assert linked.status == "open"
    assert not Message.objects.filter(ticket=linked.ticket, kind="internal").exists()


@pytest.mark.parametrize("key", ["ENG-\\u00007", "ENG-" + "7" * 60, "not a key"])
def test_a_new_issue_whose_key_cannot_be_kept_is_not_linked_and_says_why(jira, ticket, key):  # noqa: F811
    jira.answers = [(201, b'{"id": "1", "key": "%s"}' % key.encode())]
    tracker_issue_request(ticket=ticket, project="ENG")
    outbox_deliver()
    issue = TrackerIssue.objects.get()
    assert issue.key == "" and "issue key" in issue.last_error
    assert OutboxItem.objects.get(kind="tracker").status == OutboxStatus.FAILED
