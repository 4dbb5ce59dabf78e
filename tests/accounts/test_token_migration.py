"""Tokens made before scopes existed keep working: the migration gives each the scopes its
owner's role allowed then, no expiry, and a partner's its organization."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client

from caredesk.accounts.models import AccountKind, ApiToken, ContactKind, User
from caredesk.accounts.roles import ROLE_COMPLIANCE, ROLE_SUPERVISOR
from caredesk.accounts.scopes import scopes_allowed
from caredesk.accounts.services import partner_account, token_create
from tests.factories import AgentFactory, OrganizationFactory, requester_with_login

pytestmark = pytest.mark.django_db

migration = import_module("caredesk.accounts.migrations.0007_api_token_scopes")
own_scopes = import_module("caredesk.accounts.migrations.0010_oncall_complaints_scopes")


def _as_before_scopes(user: User) -> tuple[ApiToken, str]:
    """A token as the previous version stored it: no scopes, no limit, no expiry."""
    token, secret = token_create(user=user, name="from before")
    ApiToken.objects.filter(pk=token.pk).update(scopes=[], organization=None, expires_at=None)
    return token, secret


def test_existing_tokens_get_the_scopes_of_their_owners_role_and_keep_working():
    org = OrganizationFactory(name="Northwind Clinics")
    owners = {
        "agent": AgentFactory(),
        "supervisor": AgentFactory(role=ROLE_SUPERVISOR),
        "officer": AgentFactory(role=ROLE_COMPLIANCE),
        "patient": requester_with_login(organization=org).user,
        "client admin": requester_with_login(organization=org, kind=ContactKind.CLIENT_ADMIN).user,
    }
    tokens = {who: _as_before_scopes(user) for who, user in owners.items()}
    migration.scopes_for_existing(apps, None)
    own_scopes.widen_existing(apps, None)  # the on-call and complaint scopes came later
    for who, (token, _secret) in tokens.items():
        token.refresh_from_db()
        # the devices, knowledge, quality, training and incidents operations are newer and
        # never took a ticket scope: not given to old tokens
        newer = ("devices", "knowledge", "quality", "training", "incidents")
        expected = [s for s in scopes_allowed(owners[who]) if s not in newer]
        assert token.scopes == expected, who
        assert token.expires_at is None and token.organization is None, who
    agent_secret = tokens["agent"][1]
    response = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {agent_secret}"})
    assert response.status_code == 200
    officer_secret = tokens["officer"][1]
    audit = Client().get("/api/v1/audit", headers={"Authorization": f"Bearer {officer_secret}"})
    assert audit.status_code == 200


def test_the_partner_account_becomes_a_service_account_limited_to_its_organization():
    org = OrganizationFactory(name="Larchmont Telehealth")
    partner = partner_account(organization=org)
    User.objects.filter(pk=partner.pk).update(kind=AccountKind.PERSON)  # as it was made before
    token, _secret = _as_before_scopes(partner)
    superuser = AgentFactory()
    superuser.is_superuser = True
    superuser.save()
    everything, _ = _as_before_scopes(superuser)
    leaver = AgentFactory()
    gone, _ = _as_before_scopes(leaver)
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    migration.scopes_for_existing(apps, None)
    partner.refresh_from_db()
    token.refresh_from_db()
    assert partner.kind == AccountKind.SERVICE
    assert token.organization == org
    assert token.scopes == ["tickets:read", "tickets:write", "contacts", "audit:read"]
    everything.refresh_from_db()
    assert everything.scopes == ["tickets:read", "tickets:write", "contacts", "audit:read", "admin"]
    gone.refresh_from_db()
    assert gone.scopes == []


def test_a_token_from_before_the_on_call_and_complaint_scopes_keeps_reaching_them():
    """Those operations took the ticket scopes once; such a token gains what its role allows."""
    agent = AgentFactory()
    token, secret = token_create(user=agent, name="paging bridge", scopes=["tickets:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/api/v1/oncall/pages", headers=headers).status_code == 403
    own_scopes.widen_existing(apps, None)
    token.refresh_from_db()
    assert token.scopes == ["tickets:read", "oncall", "complaints"]
    assert Client().get("/api/v1/oncall/pages", headers=headers).status_code == 200
    assert Client().get("/api/v1/complaints", headers=headers).status_code == 200
