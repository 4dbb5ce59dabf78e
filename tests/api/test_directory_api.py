"""Organizations, contacts and teams: each person sees only what they may, in keyset pages."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import Contact, ContactKind, Organization, Plan
from tests.api.conftest import assert_problem, counts
from tests.factories import (
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    requester_with_login,
)

pytestmark = pytest.mark.django_db

ORG_KEYS = {"id", "name", "kind", "plan", "account_manager", "email_domain", "phone"}
CONTACT_KEYS = {"id", "name", "email", "phone", "kind", "organization", "date_of_birth"}


def item_names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


# --- organizations ---------------------------------------------------------------------------


def test_agents_list_every_organization_by_name(world, api):
    world.org.account_manager = world.supervisor
    world.org.plan = Plan.PREMIUM
    world.org.email_domain = "willowmere.example"
    world.org.save()
    response = api(world.agent).get("/organizations")
    assert item_names(response) == ["Brackenfield Health", "Willowmere Clinic"]
    page = response.json()
    assert page["next_cursor"] is None
    willowmere = page["items"][1]
    assert set(willowmere) == ORG_KEYS
    assert willowmere["plan"] == "premium" and willowmere["email_domain"] == "willowmere.example"
    assert willowmere["account_manager"] == {
        "id": world.supervisor.pk,
        "name": "Ruth Calloway",
        "email": world.supervisor.email,
    }


def test_organization_search(world, api):
    assert item_names(api(world.agent).get("/organizations", q="bracken")) == [
        "Brackenfield Health"
    ]


@pytest.mark.parametrize("who", ["requester", "client_admin"])
def test_requesters_see_only_their_own_organization(world, api, who):
    client = api(getattr(world, who).user)
    assert item_names(client.get("/organizations")) == ["Willowmere Clinic"]
    assert client.get(f"/organizations/{world.org.pk}").json()["name"] == "Willowmere Clinic"
    assert_problem(client.get(f"/organizations/{world.other_org.pk}"), 404)


def test_requester_without_organization_sees_none(world, api):
    loner = requester_with_login(organization=None)
    assert item_names(api(loner.user).get("/organizations")) == []


def test_get_organization(world, api):
    response = api(world.agent).get(f"/organizations/{world.other_org.pk}")
    assert response.status_code == 200
    assert set(response.json()) == ORG_KEYS
    assert response.json()["id"] == world.other_org.pk
    assert_problem(api(world.agent).get(f"/organizations/{world.other_org.pk + 999}"), 404)


def test_organizations_page_through_without_gaps(world, api):
    for n in range(9):
        OrganizationFactory(name=f"Clinic {n % 3} {n}")
    expected = list(Organization.objects.order_by("name", "pk").values_list("name", flat=True))
    client = api(world.supervisor)
    seen, cursor = [], None
    while True:
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = client.get("/organizations", **params).json()
        seen += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected and len(seen) == 11


# --- contacts --------------------------------------------------------------------------------


def test_agents_list_and_filter_contacts(world, api):
    client = api(world.agent)
    everyone = item_names(client.get("/contacts", limit=100))
    assert everyone == sorted(Contact.objects.values_list("name", flat=True))
    in_org = client.get("/contacts", organization=world.other_org.pk).json()["items"]
    assert [c["name"] for c in in_org] == ["Tamsin Greaves"]
    assert set(in_org[0]) == CONTACT_KEYS
    assert in_org[0]["organization"] == {"id": world.other_org.pk, "name": "Brackenfield Health"}
    assert item_names(client.get("/contacts", q="halloway@patients")) == ["June Halloway"]
    assert item_names(client.get("/contacts", q="pavel")) == ["Pavel Ostrander"]


def test_contacts_page_by_name_then_id(world, api):
    for _ in range(7):
        ContactFactory(name="Same Name", organization=world.other_org)
    client = api(world.supervisor)
    seen, cursor = [], None
    while True:
        params = {"limit": 3, "q": "Same Name", **({"cursor": cursor} if cursor else {})}
        page = client.get("/contacts", **params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(Contact.objects.filter(name="Same Name").values_list("pk", flat=True))


def test_requester_sees_only_themselves(world, api):
    client = api(world.requester.user)
    assert item_names(client.get("/contacts")) == ["June Halloway"]
    assert client.get(f"/contacts/{world.requester.pk}").status_code == 200
    assert_problem(client.get(f"/contacts/{world.colleague.pk}"), 404)


def test_client_admin_sees_their_organizations_contacts(world, api):
    client = api(world.client_admin.user)
    assert item_names(client.get("/contacts")) == [
        "June Halloway",
        "Office Manager",
        "Pavel Ostrander",
    ]
    assert client.get(f"/contacts/{world.colleague.pk}").status_code == 200
    assert_problem(client.get(f"/contacts/{world.outsider.pk}"), 404)


def test_agent_creates_a_contact(world, api):
    response = api(world.agent).post(
        "/contacts",
        {
            "name": "  Marisol Pennington ",
            "email": "Marisol.Pennington@Clinic.example",
            "phone": "+1-555-0100",
            "kind": "clinician",
            "organization": world.org.pk,
        },
    )
    assert response.status_code == 201, response.content
    contact = Contact.objects.get(email="marisol.pennington@clinic.example")
    assert response.json() == {
        "id": contact.pk,
        "name": "Marisol Pennington",
        "email": "marisol.pennington@clinic.example",
        "phone": "+1-555-0100",
        "kind": "clinician",
        "organization": {"id": world.org.pk, "name": "Willowmere Clinic"},
        "date_of_birth": "",
    }
    assert contact.kind == ContactKind.CLINICIAN and contact.user is None
    fetched = api(world.agent).get(f"/contacts/{contact.pk}")
    assert fetched.json() == response.json()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "Dup", "email": "JUNE.HALLOWAY@patients.example"}, 422, "email"),
        ({"name": "Orgless", "email": "o@x.example", "organization": 10**9}, 422, "organization"),
        ({"name": "   ", "email": "blank@x.example"}, 422, "name"),
        ({"name": "Bad", "email": "not-an-email"}, 422, "email"),
        ({"name": "Bad", "email": "b@x.example", "kind": "agent"}, 422, "kind"),
        ({"name": "Bad", "email": "b@x.example", "is_staff": True}, 422, "is_staff"),
        ({"email": "b@x.example"}, 422, "name"),
    ],
)
def test_contact_create_refuses_bad_input(world, api, body, status, field):
    before = counts()
    assert_problem(api(world.agent).post("/contacts", body), status, field)
    assert counts() == before


@pytest.mark.parametrize("who", ["requester", "client_admin"])
def test_requesters_cannot_create_contacts(world, api, who):
    before = counts()
    response = api(getattr(world, who).user).post(
        "/contacts", {"name": "Friend", "email": "friend@x.example"}
    )
    assert_problem(response, 403)
    assert counts() == before


# --- teams -----------------------------------------------------------------------------------


def test_agents_list_teams_by_tier_then_name(world, api):
    TeamFactory(name="Billing", slug="billing", tier=1, description="Invoices and plans")
    response = api(world.agent).get("/teams")
    assert response.status_code == 200
    teams = response.json()
    assert [t["name"] for t in teams] == ["Billing", "Frontline", "Devices"]
    assert teams[0] == {
        "id": teams[0]["id"],
        "name": "Billing",
        "slug": "billing",
        "tier": 1,
        "description": "Invoices and plans",
    }


@pytest.mark.parametrize("who", ["requester", "client_admin"])
def test_requesters_cannot_list_teams(world, api, who):
    assert_problem(api(getattr(world, who).user).get("/teams"), 403)
