"""`caredesk token create` with scopes, an organization and an expiry; service accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.accounts.models import ApiToken, User
from caredesk.accounts.services import token_user
from caredesk.cli import main as caredesk
from tests.factories import AgentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_made_with_the_scopes_organization_and_expiry_asked_for(capsys, clock):
    agent = AgentFactory(email="ilse.varro@caredesk.example")
    org = OrganizationFactory(name="Northwind Clinics")
    code = caredesk(
        [
            "token",
            "create",
            "--user",
            agent.email,
            "--name",
            "reporting",
            "--scope",
            "tickets:read",
            "--scope",
            "contacts",
            "--organization",
            "Northwind Clinics",
            "--expires-in",
            "30",
        ]
    )
    out = capsys.readouterr()
    assert code == 0
    secret = out.out.strip()  # stdout holds the secret alone, for scripts
    token = ApiToken.objects.get(user=agent)
    assert token.scopes == ["tickets:read", "contacts"]
    assert token.organization == org
    assert token.expires_at == clock.current + timedelta(days=30)
    assert token_user(secret) == agent
    assert "scopes: tickets:read contacts; expires: 2026-12-02 14:00 UTC" in out.err
    assert "only Northwind Clinics" in out.err


def test_without_scopes_a_token_gets_what_the_role_allows_for_90_days(capsys, clock):
    agent = AgentFactory()
    assert caredesk(["token", "create", "--user", agent.email]) == 0
    token = ApiToken.objects.get(user=agent)
    assert token.scopes == [
        "tickets:read", "tickets:write", "contacts", "oncall", "complaints", "devices",
        "knowledge", "quality", "training", "incidents"
    ]  # fmt: skip
    assert token.expires_at == clock.current + timedelta(days=90)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--scope", "admin"], "Not allowed for this account's role: admin"),
        (["--expires-in", "400"], "At most 365 days"),
        (["--organization", "No Such Clinic"], "no organization named No Such Clinic"),
    ],
)
def test_refusals_exit_2_and_say_why(capsys, extra, says):
    agent = AgentFactory()
    assert caredesk(["token", "create", "--user", agent.email, *extra]) == 2
    assert says in capsys.readouterr().err
    assert not ApiToken.objects.exists()


def test_an_unknown_scope_is_refused_by_the_parser(capsys):
    agent = AgentFactory()
    with pytest.raises(SystemExit) as exited:
        caredesk(["token", "create", "--user", agent.email, "--scope", "everything"])
    assert exited.value.code == 2
    assert "invalid choice: 'everything'" in capsys.readouterr().err


def test_an_enterprise_audit_feed_is_two_commands(capsys):
    OrganizationFactory(name="Northwind Clinics")
    made = caredesk(
        [
            "service-account",
            "create",
            "--name",
            "Northwind audit feed",
            "--organization",
            "Northwind Clinics",
        ]
    )
    assert made == 0
    email = capsys.readouterr().out.strip()
    assert email == "northwind-audit-feed@service.invalid"
    account = User.objects.get(email=email)
    assert account.is_service_account and not account.has_usable_password()
    assert caredesk(["token", "create", "--user", email, "--scope", "audit:read"]) == 0
    out = capsys.readouterr()
    token = ApiToken.objects.get(user=account)
    assert token.scopes == ["audit:read"] and token.expires_at is None
    assert token.organization is not None and token.organization.name == "Northwind Clinics"
    assert "expires: never; only Northwind Clinics" in out.err


def test_a_service_account_needs_an_organization_or_a_role(capsys):
    assert caredesk(["service-account", "create", "--name", "Bot", "--role", "Agent"]) == 0
    assert User.objects.get(email="bot@service.invalid").groups.get().name == "Agent"
    code = caredesk(["service-account", "create", "--name", "X", "--organization", "Nowhere"])
    assert code == 2
    assert "no organization named Nowhere" in capsys.readouterr().err
