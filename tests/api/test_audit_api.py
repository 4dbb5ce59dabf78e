"""GET /api/v1/audit: read-only, and scoped to the caller's organization unless staff officer."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import ContactKind
from caredesk.accounts.roles import ROLE_COMPLIANCE
from caredesk.accounts.services import partner_account, token_create
from caredesk.compliance.audit import Access, record_many
from caredesk.compliance.models import AuditAction, AuditEntry
from tests.factories import AgentFactory, OrganizationFactory, requester_with_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return OrganizationFactory(name="Northwind Clinics"), OrganizationFactory(name="Harbor Care")


@pytest.fixture
def entries(orgs):
    agent = AgentFactory(name="Pia Lund")
    ours, theirs = orgs
    record_many(
        accesses=[
            Access(AuditAction.TICKET_VIEWED, "ticket", 11, ticket_id=11, organization_id=ours.pk),
            Access(
                AuditAction.TICKET_VIEWED, "ticket", 12, ticket_id=12, organization_id=theirs.pk
            ),
            Access(AuditAction.TICKET_CHANGED, "ticket", 13, ticket_id=13, organization_id=ours.pk),
        ],
        actor=agent,
    )
    return agent


def _api(user) -> Client:
    _token, secret = token_create(user=user, name="audit")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_partner_service_account_sees_only_its_organizations_entries(orgs, entries) -> None:
    ours, _theirs = orgs
    response = _api(partner_account(organization=ours)).get("/api/v1/audit")
    assert response.status_code == 200
    # newest first: the token the request used was made for the organization, then the tickets
    items = response.json()["items"]
    assert [i["action"] for i in items] == ["token.created", "ticket.changed", "ticket.viewed"]
    items = items[1:]
    assert [i["object_id"] for i in items] == ["13", "11"]
    assert {i["organization_id"] for i in items} == {ours.pk}
    assert items[0]["actor"] == {"id": entries.pk, "name": "Pia Lund"}
    assert items[0]["ip"] is None  # staff addresses stay with the desk's own officers


def test_a_client_admin_sees_their_organization_and_a_patient_does_not(orgs, entries) -> None:
    ours, _theirs = orgs
    admin = requester_with_login(organization=ours, kind=ContactKind.CLIENT_ADMIN)
    patient = requester_with_login(organization=ours)
    assert len(_api(admin.user).get("/api/v1/audit").json()["items"]) == 2
    assert _api(patient.user).get("/api/v1/audit").status_code == 403


def test_a_staff_compliance_officer_sees_everything_and_an_agent_nothing(orgs, entries) -> None:
    officer = AgentFactory(role=ROLE_COMPLIANCE)
    response = _api(officer).get("/api/v1/audit", {"action": "ticket.viewed"})
    assert response.status_code == 200
    assert [i["object_id"] for i in response.json()["items"]] == ["12", "11"]
    assert _api(AgentFactory()).get("/api/v1/audit").status_code == 403


def test_pages_by_cursor_and_filters_are_checked(orgs, entries) -> None:
    officer = _api(AgentFactory(role=ROLE_COMPLIANCE))
    first = officer.get("/api/v1/audit", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = officer.get("/api/v1/audit", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert rest["items"] and rest["items"][0]["seq"] < first["items"][-1]["seq"]
    bad = officer.get(
        "/api/v1/audit", {"action": "nope", "ticket": "x", "since": "2026-01-01T00:00"}
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"action", "ticket", "since"}
    assert officer.get("/api/v1/audit", {"cursor": "garbage"}).status_code == 422


def test_reading_the_audit_through_the_api_is_recorded(orgs, entries) -> None:
    ours, _theirs = orgs
    account = partner_account(organization=ours)
    _api(account).get("/api/v1/audit", {"action": "ticket.changed"})
    read = AuditEntry.objects.filter(action=AuditAction.AUDIT_VIEWED).get()
    assert (read.actor_id, read.object_id, read.fields) == (account.pk, "api", ["action"])


def test_the_audit_api_has_no_write_operations() -> None:
    from caredesk.api.api import api

    methods = api.get_openapi_schema()["paths"]["/api/v1/audit"]
    assert set(methods) == {"get"}
