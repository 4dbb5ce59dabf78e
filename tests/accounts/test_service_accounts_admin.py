"""Service accounts and their tokens in the admin site: made, shown once, revoked, audited."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import AccountKind, ApiToken, User
from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.accounts.services import service_account_create, token_create
from caredesk.compliance.models import AuditAction, AuditEntry
from tests.factories import AgentFactory, OrganizationFactory, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_site() -> Client:
    """An administrator by role (not a superuser): the role's permissions decide."""
    client = Client()
    login_verified(client, AgentFactory(role=ROLE_ADMIN))
    return client


def test_an_administrator_makes_an_organizations_service_account(admin_site):
    org = OrganizationFactory(name="Northwind Clinics")
    added = admin_site.post(
        "/admin/accounts/serviceaccount/add/",
        {"name": "Northwind audit feed", "organization": org.pk, "role": ""},
    )
    assert added.status_code == 302, added.content[:2000]
    account = User.objects.get(kind=AccountKind.SERVICE)
    assert account.email == "northwind-audit-feed@service.invalid"
    assert account.contact.organization == org and not account.has_usable_password()
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCOUNT_CHANGED, object_type="serviceaccount", object_id=str(account.pk)
    ).exists()
    listing = admin_site.get("/admin/accounts/serviceaccount/").content.decode()
    assert "Northwind audit feed" in listing and "agent" not in listing.split("<tbody>")[-1]


@pytest.mark.parametrize("role", ["", "Agent"])
def test_a_service_account_needs_an_organization_or_a_role_not_both(admin_site, role):
    org = OrganizationFactory()
    data = {"name": "Feed", "role": role, "organization": org.pk if role else ""}
    refused = admin_site.post("/admin/accounts/serviceaccount/add/", data)
    assert refused.status_code == 200
    assert "Give an organization or a role, not both." in refused.content.decode()
    assert not User.objects.filter(kind=AccountKind.SERVICE).exists()


def test_a_token_for_a_service_account_is_shown_once_and_works(admin_site):
    org = OrganizationFactory(name="Northwind Clinics")
    feed = service_account_create(name="Northwind audit feed", organization=org)
    assert admin_site.get("/admin/accounts/apitoken/add/").status_code == 200
    created = admin_site.post(
        "/admin/accounts/apitoken/add/",
        {"user": feed.pk, "name": "SIEM", "scopes": ["audit:read"], "organization": ""},
    )
    assert created.status_code == 200
    secret = created.context["secret"]
    assert secret.startswith("cdt_") and secret in created.content.decode()
    token = ApiToken.objects.get(user=feed)
    assert (token.scopes, token.organization, token.expires_at) == (["audit:read"], org, None)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/audit").status_code == 200
    assert api.get("/api/v1/tickets").status_code == 403
    page = admin_site.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert secret not in page and token.digest not in page
    account = admin_site.get(f"/admin/accounts/serviceaccount/{feed.pk}/change/")
    assert account.status_code == 200
    assert "SIEM" in account.content.decode() and "Northwind Clinics" in account.content.decode()


def test_a_token_the_accounts_role_does_not_allow_is_refused_in_the_form(admin_site):
    feed = service_account_create(name="Feed", organization=OrganizationFactory())
    refused = admin_site.post(
        "/admin/accounts/apitoken/add/", {"user": feed.pk, "name": "x", "scopes": ["admin"]}
    )
    assert refused.status_code == 200
    assert "admin" in refused.content.decode() and refused.context.get("secret") is None
    assert not ApiToken.objects.exists()


def test_people_are_not_offered_in_the_token_form(admin_site):
    person = AgentFactory()
    refused = admin_site.post(
        "/admin/accounts/apitoken/add/",
        {"user": person.pk, "name": "x", "scopes": ["tickets:read"]},
    )
    assert refused.status_code == 200 and not ApiToken.objects.exists()


def test_tokens_are_revoked_from_the_list_never_deleted(admin_site):
    feed = service_account_create(name="Feed", organization=OrganizationFactory())
    token, secret = token_create(user=feed, name="sync")
    admin_site.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/audit").status_code == 401
    assert admin_site.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403


def test_an_agent_cannot_make_tokens_in_the_admin():
    client = Client()
    login_verified(client, AgentFactory())
    response = client.get("/admin/accounts/apitoken/add/")
    assert response.status_code in (302, 403)
    assert not ApiToken.objects.exists()
