"""What single sign-on brings back, holding what no address or database holds, on SQLite and
PostgreSQL alike: a NUL in the provider's address claim, half a character in its nonce, a
crafted state or request id with letters beyond ASCII, a NUL in a SAML answer. Each is a
refused sign-in with its message, never an error page."""

from __future__ import annotations

import pytest

from tests.accounts.test_saml import EMAIL, post_back, refusal, to_provider
from tests.accounts.test_sso import signed_in, through_provider
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("email", "claims", "message"),
    [
        ("odalys.brennan\x00@caredesk.example", {}, "No CareDesk staff account matches"),
        (EMAIL, {"nonce": "half \ud800 a nonce"}, "does not answer this sign-in"),
    ],
    ids=["NUL in the address", "half a character in the nonce"],
)
def test_an_oidc_answer_holding_what_no_address_holds_signs_nobody_in(
    client, clock, oidc_peer, settings, email, claims, message
):
    settings.CAREDESK_OIDC_SECOND_STEP = False
    AgentFactory(email=EMAIL)
    oidc_peer.email, oidc_peer.claims = email, claims
    back, _params = through_provider(client)
    assert back.status_code == 302 and back["Location"] == "/login/"
    assert not signed_in(client)
    assert message in client.get("/login/").content.decode()


def test_an_oidc_state_with_letters_beyond_ascii_is_refused(client, clock, oidc_peer):
    assert client.get("/login/sso/").status_code == 302
    back = client.get("/login/sso/callback/?code=x&state=%C3%A9t%C3%A9")
    assert back.status_code == 302 and back["Location"] == "/login/"
    assert "did not complete" in client.get("/login/").content.decode()


def test_a_saml_finish_with_letters_beyond_ascii_is_refused(client, clock, saml_peer):
    to_provider(client)  # this browser waits on a request of its own
    back = client.get("/login/saml/finish/?request=%C3%A9t%C3%A9")
    assert back.status_code == 302 and back["Location"] == "/login/"
    assert not signed_in(client)


def test_a_saml_answer_holding_nul_is_a_clear_refusal(client, clock, saml_peer):
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    saml_peer.tamper = lambda xml: xml.replace(EMAIL, "odalys&#0;brennan@caredesk.example")
    answer = post_back(client, to_provider(client))
    assert "not started here" in refusal(answer)
    assert not signed_in(client)
