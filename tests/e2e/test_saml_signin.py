"""SAML sign-in in a real browser: the identity provider's page lives on another site than the
desk (127.0.0.1 against localhost), so its answer is a true cross-site POST that carries no
desk cookie, and the browser still finishes in the session it started with."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import AgentFactory, enroll_second_factor

pytestmark = pytest.mark.e2e

EMAIL = "ottilie.marsh@caredesk.example"


def test_sign_in_through_the_identity_provider_then_the_code(
    screen, clock, saml_peer, settings, live_server
):
    settings.CAREDESK_BASE_URL = live_server.url
    desk, provider = urlsplit(live_server.url), urlsplit(saml_peer.sso_url)
    assert desk.hostname != provider.hostname  # two sites, as in production
    enroll_second_factor(AgentFactory(name="Ottilie Marsh", email=EMAIL))
    saml_peer.email = EMAIL
    page = screen.page

    screen.goto("/login/?next=/agent/")
    button = page.get_by_role("link", name="Sign in with your organization (SAML)")
    expect(button).to_be_visible()
    screen.check("the sign-in page with SAML")
    screen.shoot("signin-saml")
    with page.expect_navigation(wait_until="load"):
        button.click()
    assert page.url.startswith(saml_peer.sso_url)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Continue to CareDesk").click()
    assert page.url.endswith("/login/code/"), page.url
    screen.second_step(EMAIL)
    assert urlsplit(page.url).path == "/agent/"
    expect(page.get_by_role("link", name="Ottilie Marsh: security and sessions")).to_be_visible()
    screen.check("the desk after SAML sign-in")


def test_a_refused_answer_explains_itself(screen, clock, saml_peer, settings, live_server):
    settings.CAREDESK_BASE_URL = live_server.url
    AgentFactory(email=EMAIL)
    saml_peer.email = EMAIL
    saml_peer.audience = "https://other-desk.example/saml"
    page = screen.page
    screen.allow("status of 400")  # the refusal page answers 400, as intended
    screen.allow("HTTP 400: POST")
    screen.goto("/login/")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Sign in with your organization (SAML)").click()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Continue to CareDesk").click()
    expect(page.get_by_role("alert")).to_contain_text("meant for another service")
    screen.check("the SAML refusal page")
    screen.shoot("signin-saml-refused")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Back to sign-in").click()
    assert urlsplit(page.url).path == "/login/"
