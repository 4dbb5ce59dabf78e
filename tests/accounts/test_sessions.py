"""Sessions end after inactivity (staff sooner), at an absolute limit, on a new password and on
"sign out everywhere"; requests the page sends on its own do not keep a session alive."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, AgentFactory, login_verified, requester_with_login

pytestmark = pytest.mark.django_db

BACKGROUND = {"HTTP_X_CAREDESK_BACKGROUND": "1"}


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def agent_client(clock):  # type: ignore[no-untyped-def]
    agent = AgentFactory()
    client = Client()
    login_verified(client, agent)
    assert client.get("/agent/").status_code == 200
    return agent, client


def test_staff_are_signed_out_after_15_idle_minutes(agent_client, clock):
    _agent, client = agent_client
    clock.advance(minutes=14, seconds=50)
    assert client.get("/agent/").status_code == 200  # activity: the limit starts again
    clock.advance(minutes=14, seconds=50)
    assert client.get("/agent/").status_code == 200
    clock.advance(minutes=15)
    response = client.get("/agent/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/agent/notifications/"
    assert not signed_in(client)
    page = client.get(response["Location"])
    assert "signed out after a while without activity" in page.content.decode()


def test_requesters_have_a_longer_idle_limit(clock):
    requester = requester_with_login()
    client = Client()
    login_verified(client, requester.user)
    client.get("/portal/")
    clock.advance(minutes=59)
    assert client.get("/portal/").status_code == 200
    clock.advance(minutes=60)
    assert client.get("/portal/").status_code == 302
    assert not signed_in(client)


def test_idle_limits_follow_the_settings(agent_client, clock, settings):
    _agent, client = agent_client
    settings.CAREDESK_STAFF_IDLE_MINUTES = 30
    clock.advance(minutes=25)
    assert client.get("/agent/").status_code == 200
    settings.CAREDESK_STAFF_IDLE_MINUTES = 5
    clock.advance(minutes=6)
    assert client.get("/agent/").status_code == 302


def test_a_session_ends_at_the_absolute_limit_however_busy(agent_client, clock, settings):
    _agent, client = agent_client
    for _ in range(11 * 6 + 5):  # a request every 10 minutes for almost 12 hours
        clock.advance(minutes=10)
        assert client.get("/agent/").status_code == 200
    clock.advance(minutes=10)
    response = client.get("/agent/")
    assert response.status_code == 302 and not signed_in(client)
    assert "time limit" in client.get(response["Location"]).content.decode()


def test_background_requests_do_not_count_as_activity(agent_client, clock):
    _agent, client = agent_client
    for _ in range(4):
        clock.advance(minutes=3)
        status = client.get("/session/", **BACKGROUND)
        assert status.status_code == 200
    assert 2 * 60 < status.json()["seconds_left"] <= 3 * 60
    clock.advance(minutes=3, seconds=1)
    ended = client.get("/session/", **BACKGROUND)
    assert ended.status_code == 401 and ended["HX-Redirect"] == "/login/"
    assert not signed_in(client)


def test_stay_signed_in_counts_as_activity(agent_client, clock):
    _agent, client = agent_client
    clock.advance(minutes=14)
    assert client.get("/session/").json()["seconds_left"] == 15 * 60  # asked by the person
    clock.advance(minutes=14)
    assert client.get("/agent/").status_code == 200


def test_the_chat_lists_refresh_in_the_background(agent_client, clock):
    _agent, client = agent_client
    page = client.get("/agent/chats/").content.decode()
    assert 'id="chat-lists"' in page
    assert '"X-CareDesk-Background": "1"' in page


def test_every_signed_in_page_carries_the_inactivity_warning(agent_client, clock):
    _agent, client = agent_client
    page = client.get("/agent/").content.decode()
    assert 'id="session-warning"' in page and 'data-seconds-left="900"' in page
    assert "caredesk/session.js" in page
    assert "Stay signed in" in page
    assert 'id="session-warning"' not in Client().get("/login/").content.decode()


def test_an_htmx_request_of_an_ended_session_is_sent_to_sign_in(agent_client, clock):
    _agent, client = agent_client
    clock.advance(minutes=16)
    response = client.get("/agent/", HTTP_HX_REQUEST="true")
    assert response.status_code == 401 and response["HX-Redirect"] == "/login/"


def test_an_api_call_with_an_ended_session_gets_a_problem_document(agent_client, clock):
    _agent, client = agent_client
    clock.advance(minutes=16)
    response = client.get("/api/v1/tickets")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_new_password_ends_the_other_sessions(agent_client, clock):
    agent, client = agent_client
    agent.set_password("a-brand-new-passphrase")
    agent.save()
    response = client.get("/agent/")
    assert response.status_code == 302 and not signed_in(client)


def test_changing_ones_password_keeps_this_session_and_ends_the_others(agent_client, clock):
    agent, laptop = agent_client
    phone = Client()
    login_verified(phone, agent)
    refused = laptop.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": "short", "new_password2": "short"},
    )
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "incorrect" in html and "too short" in html
    assert phone.get("/agent/").status_code == 200

    done = laptop.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "lantern-orchard-meridian",
            "new_password2": "lantern-orchard-meridian",
        },
    )
    assert done.status_code == 302
    assert laptop.get("/agent/").status_code == 200
    assert phone.get("/agent/").status_code == 302 and not signed_in(phone)


def test_sign_out_everywhere_ends_every_session_of_the_person(agent_client, clock):
    agent, laptop = agent_client
    phone = Client()
    login_verified(phone, agent)
    colleague = AgentFactory()
    colleague_client = Client()
    login_verified(colleague_client, colleague)

    page = laptop.get("/account/")
    assert "Sign out everywhere" in page.content.decode()
    response = laptop.post("/account/sign-out-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "signed out on every device" in laptop.get("/login/").content.decode()

    assert phone.get("/agent/").status_code == 302 and not signed_in(phone)
    assert colleague_client.get("/agent/").status_code == 200  # others are not touched


def test_an_administrator_signs_someone_out_everywhere(clock):
    from caredesk.accounts.roles import ROLE_ADMIN

    admin = AgentFactory(role=ROLE_ADMIN)
    agent = AgentFactory()
    admin_client, agent_client = Client(), Client()
    login_verified(admin_client, admin)
    login_verified(agent_client, agent)
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "end_sessions", "_selected_action": [agent.pk]},
        follow=True,
    )
    assert "Signed out everywhere: 1 person" in response.content.decode()
    assert agent_client.get("/agent/").status_code == 302
    assert admin_client.get("/agent/").status_code == 200


def test_agents_cannot_use_the_administrators_sign_out_action(clock):
    victim = AgentFactory()
    victim_client = Client()
    login_verified(victim_client, victim)
    agent_client = Client()
    login_verified(agent_client, AgentFactory())
    response = agent_client.post(
        "/admin/accounts/user/", {"action": "end_sessions", "_selected_action": [victim.pk]}
    )
    assert response.status_code in (302, 403)
    assert victim_client.get("/agent/").status_code == 200


def _requester_signed_in(clock):  # type: ignore[no-untyped-def]
    requester = requester_with_login()
    client = Client()
    login_verified(client, requester.user)
    assert client.get("/portal/").status_code == 200
    return requester.user, client


@pytest.mark.parametrize("side", ["user", "group"])
def test_a_desk_role_ends_the_sessions_that_needed_no_second_step(clock, side):
    from django.contrib.auth.models import Group

    user, client = _requester_signed_in(clock)
    agents = Group.objects.get(name="Agent")
    if side == "user":
        user.groups.add(agents)
    else:
        agents.user_set.add(user)
    response = client.get("/portal/")
    assert response.status_code == 302
    assert not signed_in(client)
    # signing in again now asks for the second step a desk role needs
    again = Client()
    answer = again.post("/login/", {"username": user.email, "password": PASSWORD})
    assert answer["Location"] == "/login/enroll/"


def test_other_group_changes_keep_sessions(agent_client, clock):
    from django.contrib.auth.models import Group

    agent, client = agent_client
    agent.groups.add(Group.objects.get(name="Supervisor"))  # already works the desk
    assert client.get("/agent/").status_code == 200
    user, requester_client = _requester_signed_in(clock)
    user.groups.add(Group.objects.create(name="Newsletter readers"))  # not a desk role
    assert requester_client.get("/portal/").status_code == 200
