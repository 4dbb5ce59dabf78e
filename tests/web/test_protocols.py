"""The protocol screens without a browser: editing, trying, restoring, importing, exporting."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from caredesk.core.models import Notification
from caredesk.rules.models import Policy
from caredesk.rules.policies import policy_save_yaml
from tests.factories import TeamFactory, login_verified, make_ticket, supervisor

pytestmark = pytest.mark.django_db

POLICY = """name: Billing routing
rules:
  - name: invoices
    on: [ticket.created]
    when: {keywords: [invoice]}
    actions:
      - {type: set_team, team: billing}
"""


@pytest.fixture
def lead_client(clock):
    TeamFactory(slug="billing", name="Billing")
    lead = supervisor(name="Rosa Lead")
    client = Client()
    login_verified(client, lead)
    return lead, client


def test_simulating_a_draft_shows_the_decision_and_saves_nothing(lead_client):
    lead, client = lead_client
    policy = policy_save_yaml(text=POLICY, actor=lead)
    response = client.post(
        f"/agent/policies/{policy.slug}/",
        {
            "action": "simulate",
            "yaml": POLICY,
            "ticket": '{"subject": "Invoice twice"}',
            "event": "ticket.created",
        },
    )
    assert response.status_code == 200
    assert b"set_team" in response.content and b"billing" in response.content
    assert Policy.objects.get().version == 1


@pytest.mark.parametrize(
    ("ticket", "field", "says"),
    [
        ("{not json", "ticket", b"Not valid JSON"),
        ('{"priority": "high"}', "priority", b"whole number"),
    ],
)
def test_a_bad_sample_ticket_is_explained(lead_client, ticket, field, says):
    lead, client = lead_client
    policy = policy_save_yaml(text=POLICY, actor=lead)
    response = client.post(
        f"/agent/policies/{policy.slug}/",
        {"action": "simulate", "yaml": POLICY, "ticket": ticket, "event": "ticket.created"},
    )
    assert response.status_code == 422 and says in response.content


def test_saving_bad_yaml_keeps_the_text_and_says_where(lead_client):
    lead, client = lead_client
    policy = policy_save_yaml(text=POLICY, actor=lead)
    broken = POLICY.replace("    on: [ticket.created]", "    on: [ticket.created")
    response = client.post(
        f"/agent/policies/{policy.slug}/", {"action": "save", "yaml": broken, "note": ""}
    )
    assert response.status_code == 422
    assert b"Not valid YAML (line" in response.content
    assert b"on: [ticket.created\n" in response.content  # the author's text is not lost
    assert Policy.objects.get().version == 1


def test_restoring_an_old_version_from_the_history(lead_client):
    lead, client = lead_client
    policy = policy_save_yaml(text=POLICY, actor=lead)
    policy_save_yaml(
        text=POLICY.replace("invoice]", "invoice, receipt]"), actor=lead, policy=policy
    )
    response = client.post(f"/agent/policies/{policy.slug}/rollback/", {"version": "1"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.version == 3 and "receipt" not in policy.source


def test_export_then_import_as_an_administrator(lead_client, admin_client):
    lead, client = lead_client
    policy_save_yaml(text=POLICY, actor=lead)
    exported = client.get("/agent/policies/?format=yaml")
    assert exported["Content-Type"].startswith("application/yaml")
    Policy.objects.all().delete()
    upload = SimpleUploadedFile("policies.yaml", exported.content, content_type="text/yaml")
    response = admin_client.post("/agent/policies/import/", {"file": upload})
    assert response.status_code == 302
    assert Policy.objects.get().name == "Billing routing"


def test_notifications_are_listed_and_marked_read(lead_client):
    lead, client = lead_client
    ticket = make_ticket(subject="Pump alarm")
    Notification.objects.create(
        user=lead, ticket=ticket, text="You were mentioned", created_at=ticket.created_at
    )
    page = client.get("/agent/")
    assert b'aria-label="1 unread"' in page.content
    listing = client.get("/agent/notifications/")
    assert b"You were mentioned" in listing.content and ticket.ref.encode() in listing.content
    client.post("/agent/notifications/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
