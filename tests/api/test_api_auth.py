"""Who may call the API and what each person sees: tokens, sessions with CSRF, visibility."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from caredesk.accounts.services import token_create, token_revoke
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import follower_add
from tests.api.conftest import API, ApiClient, assert_problem, counts
from tests.factories import AgentFactory, UserFactory, login_verified, make_ticket

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


# --- bearer tokens ---------------------------------------------------------------------------


def test_a_token_acts_as_its_user(world, clock):
    make_ticket(world.requester)
    token, secret = token_create(user=world.agent, name="integration")
    response = Client().get(f"{API}/tickets", headers=bearer(secret))
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1
    token.refresh_from_db()
    assert token.last_used_at == clock.current


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cdt_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "cdt_without_scheme",
    ],
)
def test_wrong_tokens_get_401(world, header):
    response = Client().get(f"{API}/tickets", headers={"Authorization": header})
    assert_problem(response, 401)


def test_a_revoked_token_gets_401(world):
    token, secret = token_create(user=world.supervisor, name="old laptop")
    assert Client().get(f"{API}/tickets", headers=bearer(secret)).status_code == 200
    token_revoke(token=token)
    assert_problem(Client().get(f"{API}/tickets", headers=bearer(secret)), 401)


def test_a_deactivated_users_token_gets_401(world):
    _token, secret = token_create(user=world.agent, name="leaver")
    world.agent.is_active = False
    world.agent.save()
    assert_problem(Client().get(f"{API}/tickets", headers=bearer(secret)), 401)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/tickets"),
        ("get", "/tickets/1"),
        ("get", "/tickets/by-ref/CD-1001"),
        ("get", "/tickets/1/messages"),
        ("get", "/attachments/1/download"),
        ("get", "/organizations"),
        ("get", "/organizations/1"),
        ("get", "/contacts"),
        ("get", "/contacts/1"),
        ("get", "/teams"),
        ("post", "/tickets"),
        ("patch", "/tickets/1"),
        ("post", "/tickets/1/messages"),
        ("post", "/contacts"),
        ("post", "/video-failures"),
    ],
)
def test_no_credentials_get_401_on_every_endpoint(world, method, path):
    make_ticket(world.requester)
    client = Client(enforce_csrf_checks=True)
    kwargs = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
    assert_problem(getattr(client, method)(API + path, **kwargs), 401)


@pytest.mark.parametrize("header", ["Bearer cdt_forged", None])
def test_unsafe_requests_without_valid_credentials_get_401_not_a_csrf_error(world, header):
    """No session means nothing for CSRF to protect: the answer is 401, not 403."""
    before = counts()
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": header} if header else {}
    response = client.post(
        f"{API}/tickets",
        json.dumps({"subject": "x", "requester_id": world.requester.pk}),
        content_type="application/json",
        headers=headers,
    )
    assert_problem(response, 401)
    assert counts() == before


def test_tokens_need_no_csrf_token(world):
    _token, secret = token_create(user=world.agent, name="script")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{API}/tickets",
        json.dumps({"subject": "From a script", "requester_id": world.requester.pk}),
        content_type="application/json",
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.content


# --- browser sessions ------------------------------------------------------------------------


def test_a_signed_in_session_can_read(world):
    make_ticket(world.requester)
    client = Client()
    login_verified(client, world.requester.user)
    response = client.get(f"{API}/tickets")
    assert response.status_code == 200
    assert [t["requester"]["id"] for t in response.json()["items"]] == [world.requester.pk]


def test_a_session_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, world.agent)
    before = counts()
    response = client.post(
        f"{API}/tickets",
        json.dumps({"subject": "Forged", "requester_id": world.requester.pk}),
        content_type="application/json",
    )
    assert_problem(response, 403)
    assert counts() == before
    ticket = make_ticket(world.requester, team=world.team_a)
    patched = client.patch(
        f"{API}/tickets/{ticket.pk}", json.dumps({"priority": 1}), content_type="application/json"
    )
    assert_problem(patched, 403)
    ticket.refresh_from_db()
    assert ticket.priority == 3


def test_a_session_post_with_the_csrf_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, world.agent)
    docs = client.get(f"{API}/docs")  # the docs page hands out the CSRF cookie it needs
    assert docs.status_code == 200
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        f"{API}/tickets",
        json.dumps({"subject": "With CSRF", "requester_id": world.requester.pk}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content
    assert Ticket.objects.get().subject == "With CSRF"


# --- what each person may see ----------------------------------------------------------------


@pytest.fixture
def spread(world):
    """One ticket per visibility rule."""
    return {
        "own": make_ticket(world.requester, team=world.team_a),
        "colleague": make_ticket(world.colleague, team=world.team_b),
        "outsider": make_ticket(world.outsider, team=world.team_b),
        "unteamed": make_ticket(world.outsider),
        "assigned": make_ticket(world.outsider, team=world.team_b, assignee=world.agent),
        "followed": make_ticket(world.colleague, team=world.team_b),
    }


def visible(client) -> set[int]:
    response = client.get("/tickets", limit=100)
    assert response.status_code == 200
    return {t["id"] for t in response.json()["items"]}


def names(spread, *keys) -> set[int]:
    return {spread[k].pk for k in keys}


def test_agent_without_view_all_sees_team_unteamed_assigned_and_followed(world, spread):
    follower_add(ticket=spread["followed"], follower=world.agent, actor=world.agent)
    client = ApiClient(world.agent)
    allowed = names(spread, "own", "unteamed", "assigned", "followed")
    assert visible(client) == allowed
    for key, ticket in spread.items():
        expected = 200 if ticket.pk in allowed else 404
        assert client.get(f"/tickets/{ticket.pk}").status_code == expected, key
        assert client.get(f"/tickets/by-ref/{ticket.ref}").status_code == expected, key
        assert client.get(f"/tickets/{ticket.pk}/messages").status_code == expected, key
    hidden = spread["outsider"]
    assert_problem(client.patch(f"/tickets/{hidden.pk}", {"priority": 1}), 404)
    assert_problem(client.post(f"/tickets/{hidden.pk}/messages", {"body": "hi"}), 404)


def test_agent_with_view_all_sees_everything(world, spread):
    assert visible(ApiClient(world.supervisor)) == names(spread, *spread)


def test_team_membership_is_what_counts_for_agents(world, spread):
    newcomer = AgentFactory(teams=[world.team_b])
    assert visible(ApiClient(newcomer)) == names(
        spread, "colleague", "outsider", "unteamed", "assigned", "followed"
    )


def test_requester_sees_only_their_own_tickets(world, spread):
    client = ApiClient(world.requester.user)
    assert visible(client) == names(spread, "own")
    for key in ("colleague", "outsider"):
        ticket = spread[key]
        assert_problem(client.get(f"/tickets/{ticket.pk}"), 404)
        assert_problem(client.get(f"/tickets/by-ref/{ticket.ref}"), 404)
        assert_problem(client.get(f"/tickets/{ticket.pk}/messages"), 404)
        assert_problem(client.post(f"/tickets/{ticket.pk}/messages", {"body": "hi"}), 404)
        assert_problem(client.patch(f"/tickets/{ticket.pk}", {"priority": 1}), 404)


def test_another_organizations_ticket_is_404_for_a_requester(world, spread):
    client = ApiClient(world.outsider.user)
    assert_problem(client.get(f"/tickets/{spread['own'].pk}"), 404)
    assert visible(client) == names(spread, "outsider", "unteamed", "assigned")


def test_client_admin_sees_their_organizations_tickets(world, spread):
    client = ApiClient(world.client_admin.user)
    assert visible(client) == names(spread, "own", "colleague", "followed")
    assert client.get(f"/tickets/{spread['colleague'].pk}").status_code == 200
    assert_problem(client.get(f"/tickets/{spread['outsider'].pk}"), 404)
    assert visible(client) == set(
        Ticket.objects.filter(organization=world.org).values_list("pk", flat=True)
    )


def test_filters_never_widen_what_a_requester_sees(world, spread):
    client = ApiClient(world.requester.user)
    assert visible_with(client, organization=world.other_org.pk) == set()
    assert visible_with(client, requester=world.outsider.pk) == set()
    assert visible_with(client, q=spread["outsider"].ref) == set()


def visible_with(client, **params) -> set[int]:
    response = client.get("/tickets", **params)
    assert response.status_code == 200
    return {t["id"] for t in response.json()["items"]}


def test_a_signed_in_user_who_is_neither_agent_nor_requester_cannot_open_tickets(world):
    # their role allows no token scope, so this is their browser session
    loner = UserFactory(name="No Contact")
    session = Client()
    login_verified(session, loner)
    client = ApiClient(client=session)
    assert visible(client) == set()
    before = counts()
    assert_problem(client.post("/tickets", {"subject": "Hello"}), 403)
    assert counts() == before
