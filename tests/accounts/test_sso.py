"""Single sign-on by OpenID Connect against a real provider on 127.0.0.1 (tests.peers): off by
default, staff only, every answer of the provider checked, then the desk's own second step."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.factories import AgentFactory, complete_second_step, enroll_second_factor

pytestmark = pytest.mark.django_db


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def through_provider(client: Client, next_url: str = "") -> tuple[object, dict]:  # type: ignore[type-arg]
    """Click "sign in with single sign-on", let the provider sign in, come back to the desk."""
    start = client.get("/login/sso/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    authorize = start["Location"]
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(authorize, timeout=5)
        raise AssertionError("the provider should redirect back")
    except urllib.error.HTTPError as redirect:
        back = redirect.headers["Location"]
    url = urlsplit(back)
    assert back.startswith("http://127.0.0.1:8000/login/sso/callback/")
    return client.get(url.path + "?" + url.query), params


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_single_sign_on_is_off_by_default(client, clock):
    assert client.get("/login/sso/").status_code == 404
    assert client.get("/login/sso/callback/?code=x&state=y").status_code == 404
    assert "single sign-on" not in client.get("/login/").content.decode()


def test_staff_sign_in_through_the_provider_then_give_the_desks_second_step(
    client, clock, oidc_peer
):
    agent = AgentFactory(email="odalys.brennan@caredesk.example")
    enroll_second_factor(agent)
    clock.advance(minutes=1)
    oidc_peer.email = "Odalys.Brennan@caredesk.example"
    assert "Sign in with single sign-on" in client.get("/login/").content.decode()

    back, params = through_provider(client, next_url="/agent/notifications/")
    assert params["code_challenge_method"] == "S256" and params["scope"] == "openid email profile"
    assert back.status_code == 302 and back["Location"] == "/login/code/"
    assert not signed_in(client)
    done = complete_second_step(client, agent)
    assert done["Location"] == "/agent/notifications/"
    assert client.get("/agent/notifications/").status_code == 200
    assert oidc_peer.token_requests[0]["code_verifier"]  # PKCE was used


def test_the_second_step_can_be_left_to_the_provider(client, clock, oidc_peer, settings):
    settings.CAREDESK_OIDC_SECOND_STEP = False
    AgentFactory(email="odalys.brennan@caredesk.example")
    oidc_peer.email = "odalys.brennan@caredesk.example"
    back, _params = through_provider(client)
    assert back.status_code == 302 and back["Location"] == "/"
    assert client.get("/agent/").status_code == 200


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", "No CareDesk staff account matches"),
        ("requester", "No CareDesk staff account matches"),
        ("unverified", "No CareDesk staff account matches"),
        ("other key", "signature does not match"),
        ("other audience", "meant for another client"),
        ("expired", "has expired"),
        ("other issuer", "comes from another issuer"),
    ],
)
def test_the_desk_refuses_what_it_cannot_trust(client, clock, oidc_peer, settings, case, message):
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.factories import requester_with_login

    settings.CAREDESK_OIDC_SECOND_STEP = False
    AgentFactory(email="odalys.brennan@caredesk.example")
    oidc_peer.email = "odalys.brennan@caredesk.example"
    if case == "unknown":
        oidc_peer.email = "stranger@caredesk.example"
    elif case == "requester":
        oidc_peer.email = requester_with_login().email
    elif case == "unverified":
        oidc_peer.email_verified = False
    elif case == "other key":
        oidc_peer.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif case == "other audience":
        oidc_peer.claims = {"aud": "someone-else"}
    elif case == "expired":
        oidc_peer.claims = {"exp": int(clock().timestamp()) - 3600}
    elif case == "other issuer":
        oidc_peer.claims = {"iss": "https://idp.elsewhere.example"}
    back, _params = through_provider(client)
    assert back.status_code == 302 and back["Location"] == "/login/"
    assert not signed_in(client)
    assert message in client.get("/login/").content.decode()


def test_a_callback_that_does_not_answer_this_browsers_request_is_refused(client, clock, oidc_peer):
    AgentFactory(email="odalys.brennan@caredesk.example")
    oidc_peer.email = "odalys.brennan@caredesk.example"
    start = client.get("/login/sso/")
    assert start.status_code == 302
    forged = client.get("/login/sso/callback/?code=stolen&state=guessed")
    assert forged.status_code == 302 and forged["Location"] == "/login/"
    assert not signed_in(client)
    assert "did not complete" in client.get("/login/").content.decode()
    # another browser that never started cannot use a callback either
    assert Client().get("/login/sso/callback/?code=x&state=y")["Location"] == "/login/"


def test_an_unreachable_provider_is_reported_not_raised(client, clock, settings):
    from tests.peers import free_port

    settings.CAREDESK_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    response = client.get("/login/sso/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "Single sign-on is not available now" in client.get("/login/").content.decode()
