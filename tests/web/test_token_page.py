"""The desk's API tokens page: scopes the role allows, an organization limit, an expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from caredesk.accounts.models import ApiToken
from caredesk.accounts.roles import ROLE_SUPERVISOR
from tests.factories import AgentFactory, OrganizationFactory, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory(name="Ines Marlow")


def test_the_page_offers_only_the_scopes_the_role_allows(desk):
    page = desk.get("/agent/tokens/").content.decode()
    for offered in ("tickets:read", "tickets:write", "contacts"):
        assert f'value="{offered}"' in page
    for withheld in ("admin", "audit:read"):
        assert f'value="{withheld}"' not in page
    lead = Client()
    login_verified(lead, AgentFactory(role=ROLE_SUPERVISOR))
    assert 'value="admin"' in lead.get("/agent/tokens/").content.decode()


def test_a_token_is_made_with_its_scopes_organization_and_expiry(desk, agent, clock):
    org = OrganizationFactory(name="Larchmont Telehealth")
    response = desk.post(
        "/agent/tokens/",
        {
            "name": "Clinic dashboard",
            "scopes": ["tickets:read", "contacts"],
            "organization": org.pk,
            "expires_in": "30",
        },
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=agent)
    assert token.scopes == ["tickets:read", "contacts"]
    assert token.organization == org
    assert token.expires_at == clock.current + timedelta(days=30)
    page = desk.get("/agent/tokens/").content.decode()
    assert secret not in page
    assert "<code>tickets:read</code> <code>contacts</code>" in page
    assert "Larchmont Telehealth" in page and "2026-12-02" in page
    api = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    clock.advance(days=31)
    assert "Expired" in desk.get("/agent/tokens/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Too much", "scopes": ["admin"]}, "not one of the available choices"),
        ({"name": "Nothing"}, "Choose at least one scope."),
        ({"name": "Forever", "scopes": ["tickets:read"], "expires_in": "0"}, "not one of"),
    ],
)
def test_a_refused_token_says_why_and_makes_nothing(desk, data, message):
    response = desk.post("/agent/tokens/", {"expires_in": "90", **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_internal_service_accounts_are_not_offered_as_assignees(desk, agent):
    from caredesk.accounts.roles import ROLE_AGENT
    from caredesk.accounts.services import service_account_create
    from caredesk.desk.forms import agents

    bot = service_account_create(name="Triage bot", role=ROLE_AGENT)
    assert agent in agents() and bot not in agents()


def test_making_and_revoking_a_token_are_in_the_access_audit(desk, agent, clock):
    from caredesk.compliance.models import AuditEntry

    desk.post(
        "/agent/tokens/", {"name": "Shift report", "scopes": ["tickets:read"], "expires_in": "30"}
    )
    token = ApiToken.objects.get(user=agent)
    desk.post("/agent/tokens/", {"revoke": token.pk})
    desk.post("/agent/tokens/", {"revoke": token.pk})  # revoked once: audited once
    entries = AuditEntry.objects.filter(object_type="accounts.apitoken").order_by("seq")
    assert [(e.action, e.object_id, e.actor_id) for e in entries] == [
        ("token.created", str(token.pk), agent.pk),
        ("token.revoked", str(token.pk), agent.pk),
    ]
    assert entries[0].fields == [f"owner:{agent.pk}", "tickets:read"]
