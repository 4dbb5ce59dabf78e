"""Two-step sign-in: staff set up an authenticator before reaching the desk, then give a code
(or a single-use recovery code) after their password; requesters may choose to."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts import totp
from caredesk.accounts.models import RecoveryCode, SecondFactor
from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.accounts.signin import mfa_reset
from tests.factories import (
    PASSWORD,
    AgentFactory,
    UserFactory,
    complete_second_step,
    enroll_second_factor,
    login_verified,
    requester_with_login,
    second_step_code,
)

pytestmark = pytest.mark.django_db


def password_step(client: Client, email: str, next_url: str = ""):  # type: ignore[no-untyped-def]
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_without_an_authenticator_set_one_up_before_reaching_the_desk(client, clock):
    agent = AgentFactory(email="ines.marlow@caredesk.example")
    response = password_step(client, agent.email)
    assert response.status_code == 302 and response["Location"] == "/login/enroll/"
    assert not signed_in(client)
    assert client.get("/agent/")["Location"].startswith("/login/")  # no desk page yet

    page = client.get("/login/enroll/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, drawn on the server
    secret = SecondFactor.objects.get(user=agent).secret
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in html  # for typing by hand
    assert client.get("/login/enroll/").content.decode().count(secret[:4]) >= 1  # same secret

    wrong = client.post("/login/enroll/", {"code": "000000"})
    assert wrong.status_code == 422 and "did not match" in wrong.content.decode()
    assert not signed_in(client)

    done = client.post("/login/enroll/", {"code": totp.code_at(secret, clock().timestamp())})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    for code in codes:
        assert code in done.content.decode()
    stored = set(RecoveryCode.objects.filter(user=agent).values_list("digest", flat=True))
    assert stored == {totp.recovery_digest(code) for code in codes}  # kept only as digests
    assert signed_in(client)
    assert client.get("/agent/").status_code == 200


def test_an_enrolled_agent_gives_the_apps_code_after_the_password(client, clock):
    agent = AgentFactory()
    enroll_second_factor(agent)
    clock.advance(minutes=1)
    response = password_step(client, agent.email, next_url="/agent/notifications/")
    assert response["Location"] == "/login/code/"
    assert not signed_in(client)
    assert client.get("/login/code/").status_code == 200
    done = complete_second_step(client, agent)
    assert done.status_code == 302 and done["Location"] == "/agent/notifications/"
    assert client.get("/agent/notifications/").status_code == 200


def test_a_code_is_refused_the_second_time(client, clock):
    agent = AgentFactory()
    enrolled = enroll_second_factor(agent)
    clock.advance(minutes=1)
    code = totp.code_at(enrolled.secret, clock().timestamp())
    password_step(client, agent.email)
    assert client.post("/login/code/", {"code": code}).status_code == 302
    client.post("/logout/")

    password_step(client, agent.email)
    again = client.post("/login/code/", {"code": code})
    assert again.status_code == 422
    assert not signed_in(client)


def test_a_code_from_a_phone_thirty_seconds_off_still_works(client, clock):
    agent = AgentFactory()
    enrolled = enroll_second_factor(agent)
    clock.advance(minutes=1)
    password_step(client, agent.email)
    late_phone = totp.code_at(enrolled.secret, clock().timestamp() - 30)
    assert client.post("/login/code/", {"code": late_phone}).status_code == 302


def test_a_recovery_code_signs_in_once(client, clock):
    agent = AgentFactory()
    enrolled = enroll_second_factor(agent)
    code = enrolled.recovery_codes[3]
    password_step(client, agent.email)
    used = client.post("/login/code/", {"code": code.upper()}, follow=True)
    assert used.status_code == 200 and signed_in(client)
    assert "9 left" in used.content.decode()
    client.post("/logout/")

    password_step(client, agent.email)
    again = client.post("/login/code/", {"code": code})
    assert again.status_code == 422 and not signed_in(client)


def test_wrong_codes_pause_the_second_step(client, clock):
    agent = AgentFactory()
    enroll_second_factor(agent)
    password_step(client, agent.email)
    for _ in range(5):
        assert client.post("/login/code/", {"code": "123456"}).status_code == 422
    paused = client.post("/login/code/", {"code": second_step_code(agent)})
    assert paused.status_code == 429 and "Too many wrong codes" in paused.content.decode()
    assert int(paused["Retry-After"]) <= 15 * 60
    assert not signed_in(client)
    clock.advance(minutes=9)  # the second step itself lasts ten minutes: start again
    password_step(client, agent.email)
    clock.advance(minutes=6)
    assert complete_second_step(client, agent).status_code == 302


def test_the_second_step_must_follow_the_password_soon(client, clock):
    agent = AgentFactory()
    enroll_second_factor(agent)
    password_step(client, agent.email)
    clock.advance(minutes=11)
    response = client.post("/login/code/", {"code": second_step_code(agent)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not signed_in(client)


def test_no_second_step_page_without_the_password(client, clock):
    assert client.get("/login/code/")["Location"] == "/login/"
    assert client.post("/login/enroll/", {"code": "123456"})["Location"] == "/login/"


def test_a_staff_session_that_skipped_the_second_step_is_ended(client, clock):
    agent = AgentFactory()
    client.force_login(agent)  # as any sign-in path other than ours would
    response = client.get("/agent/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not signed_in(client)
    page = client.get(response["Location"])
    assert "needs the second step" in page.content.decode()


def test_anyone_in_a_desk_role_needs_the_second_step_even_without_staff_flag(client, clock):
    from django.contrib.auth.models import Group

    person = UserFactory()
    person.groups.add(Group.objects.get(name=ROLE_ADMIN))
    assert password_step(client, person.email)["Location"] == "/login/enroll/"


def test_the_administrations_sign_in_page_leads_to_the_two_step_one(client, clock):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/accounts/user/"


def test_a_requester_signs_in_with_the_password_alone_until_they_choose_more(client, clock):
    requester = requester_with_login()
    response = password_step(client, requester.email)
    assert response["Location"] == "/"
    assert client.get("/portal/").status_code == 200

    page = client.get("/account/two-step/")
    assert page.status_code == 200
    secret = SecondFactor.objects.get(user=requester.user).secret
    done = client.post("/account/two-step/", {"code": totp.code_at(secret, clock().timestamp())})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.get("/portal/").status_code == 200  # still signed in
    client.post("/logout/")

    clock.advance(minutes=1)
    assert password_step(client, requester.email)["Location"] == "/login/code/"
    complete_second_step(client, requester.user)
    assert client.get("/portal/").status_code == 200

    clock.advance(minutes=1)
    off = client.post("/account/two-step/off/", {"code": second_step_code(requester.user)})
    assert off.status_code == 302
    assert not SecondFactor.objects.filter(user=requester.user).exists()
    client.post("/logout/")
    assert password_step(client, requester.email)["Location"] == "/"


def test_staff_cannot_turn_the_second_step_off(client, clock):
    agent = AgentFactory()
    enroll_second_factor(agent)
    login_verified(client, agent)
    clock.advance(minutes=1)
    response = client.post("/account/two-step/off/", {"code": second_step_code(agent)})
    assert response.status_code == 403
    assert SecondFactor.objects.filter(user=agent).exists()


def test_new_recovery_codes_replace_the_old_ones(client, clock):
    agent = AgentFactory()
    old = enroll_second_factor(agent).recovery_codes
    login_verified(client, agent)
    page = client.get("/account/")
    assert "10 of 10 recovery codes left" in page.content.decode()
    fresh = client.post("/account/two-step/codes/")
    new = fresh.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout/")

    password_step(client, agent.email)
    assert client.post("/login/code/", {"code": old[0]}).status_code == 422
    assert client.post("/login/code/", {"code": new[0]}).status_code == 302


def test_an_administrator_resets_a_lost_authenticator(client, clock):
    admin = AgentFactory(role=ROLE_ADMIN)
    agent = AgentFactory()
    enroll_second_factor(agent)
    login_verified(client, agent)

    mfa_reset(user=agent, actor=admin)

    assert not SecondFactor.objects.filter(user=agent).exists()
    assert not RecoveryCode.objects.filter(user=agent).exists()
    assert client.get("/agent/")["Location"].startswith("/login/")  # their session ended
    assert password_step(client, agent.email)["Location"] == "/login/enroll/"


def test_the_admin_screen_resets_the_second_step_of_chosen_people(client, clock):
    admin = AgentFactory(role=ROLE_ADMIN)
    admin.is_superuser = True
    admin.save()
    agent = AgentFactory()
    enroll_second_factor(agent)
    login_verified(client, admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [agent.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Two-step sign-in reset for 1 person" in response.content.decode()
    assert not SecondFactor.objects.filter(user=agent).exists()


def test_a_second_person_signing_in_on_the_same_browser_ends_the_first_ones_session(client, clock):
    requester = requester_with_login()
    login_verified(client, requester.user)
    agent = AgentFactory()
    enroll_second_factor(agent)
    assert password_step(client, agent.email)["Location"] == "/login/code/"
    assert not signed_in(client)  # not the requester while the agent is on the second step
