"""Legal holds and retention rules in the admin: placed and released through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_SUPERVISOR
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.governance.models import LegalHold, RecordClass, RetentionRule
from tests.factories import AgentFactory, ContactFactory, OrganizationFactory, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(clock):
    admin = AgentFactory(role=ROLE_ADMIN)
    client = Client()
    login_verified(client, admin)
    client.user = admin
    return client


def test_a_hold_placed_in_the_admin_records_who_when_and_is_audited(admin_client, clock):
    contact = ContactFactory()
    response = admin_client.post(
        "/admin/governance/legalhold/add/",
        {"contact": contact.pk, "reason": "Subpoena 2026-881"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hold = LegalHold.objects.get()
    assert hold.placed_by == admin_client.user and hold.placed_at == clock.current
    assert hold.target == f"requester #{contact.pk}"
    assert AuditEntry.objects.get(action=AuditAction.HOLD_PLACED).object_id == str(hold.pk)


def test_a_hold_needs_exactly_one_target_and_a_reason(admin_client):
    both = admin_client.post(
        "/admin/governance/legalhold/add/",
        {"contact": ContactFactory().pk, "organization": OrganizationFactory().pk, "reason": "x"},
    )
    none = admin_client.post("/admin/governance/legalhold/add/", {"reason": ""})
    assert both.status_code == 200 and none.status_code == 200
    assert "exactly one" in both.content.decode()
    assert not LegalHold.objects.exists()


def test_holds_are_released_by_the_admin_action_never_deleted(admin_client):
    admin_client.post(
        "/admin/governance/legalhold/add/",
        {"organization": OrganizationFactory().pk, "reason": "Audit by the regulator"},
    )
    hold = LegalHold.objects.get()
    admin_client.post(
        "/admin/governance/legalhold/",
        {"action": "release", "_selected_action": [hold.pk]},
    )
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by == admin_client.user
    assert admin_client.post(f"/admin/governance/legalhold/{hold.pk}/delete/").status_code == 403


def test_keep_periods_are_edited_in_the_admin_and_only_by_administrators(admin_client):
    rule = RetentionRule.objects.get(record_class=RecordClass.QUARANTINE)
    response = admin_client.post(
        f"/admin/governance/retentionrule/{rule.pk}/change/",
        {"record_class": RecordClass.QUARANTINE, "keep_days": 45, "active": "on"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.keep_days == 45
    lead = Client()
    login_verified(lead, AgentFactory(role=ROLE_SUPERVISOR))
    assert lead.get("/admin/governance/retentionrule/").status_code == 403
