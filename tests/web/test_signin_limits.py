"""Failed sign-ins are limited per account and per network address; a refusal is a 429 with
the wait, says nothing about whether the account exists, and lifts when the window passes."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.django_db

URL = "/login/"


def sign_in(client: Client, email: str, password: str, ip: str = "10.1.1.1"):  # type: ignore[no-untyped-def]
    return client.post(URL, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_pause_the_account_even_for_the_right_password(client, clock):
    agent = AgentFactory(email="ines.marlow@caredesk.example")
    for _ in range(5):
        assert sign_in(client, agent.email, "wrong-password").status_code == 200
    refused = sign_in(client, agent.email, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 15 * 60
    html = refused.content.decode()
    assert "Too many failed sign-ins" in html
    assert 'value="ines.marlow@caredesk.example"' in html  # what was typed is kept
    assert "_auth_user_id" not in client.session
    clock.advance(minutes=15)
    assert sign_in(client, agent.email, PASSWORD).status_code == 302


def test_an_unknown_address_is_paused_the_same_way(client, clock):
    for _ in range(5):
        sign_in(client, "nobody@caredesk.example", "guess")
    assert sign_in(client, "nobody@caredesk.example", "guess").status_code == 429


def test_other_accounts_and_addresses_are_not_paused_by_one_account(client, clock):
    victim = AgentFactory(email="oskar.fennimore@caredesk.example")
    colleague = AgentFactory(email="ruth.calloway@caredesk.example")
    for _ in range(5):
        sign_in(client, victim.email, "wrong", ip="10.1.1.1")
    assert sign_in(Client(), colleague.email, PASSWORD, ip="10.1.1.1").status_code == 302
    # the paused account stays paused from another network too: the attacker may use many
    assert sign_in(Client(), victim.email, PASSWORD, ip="10.9.9.9").status_code == 429


def test_a_network_address_trying_many_accounts_is_paused(client, clock):
    agent = AgentFactory(email="hal.pruett@caredesk.example")
    for n in range(20):
        sign_in(client, f"person{n}@caredesk.example", "guess", ip="10.2.2.2")
    assert sign_in(Client(), agent.email, PASSWORD, ip="10.2.2.2").status_code == 429
    assert sign_in(Client(), agent.email, PASSWORD, ip="10.3.3.3").status_code == 302


def test_a_success_clears_the_accounts_failures(client, clock):
    agent = AgentFactory(email="amara.osei@caredesk.example")
    for _ in range(4):
        sign_in(client, agent.email, "wrong")
    assert sign_in(client, agent.email, PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        sign_in(client, agent.email, "wrong")
    assert sign_in(client, agent.email, PASSWORD).status_code == 302


def test_failures_are_logged_without_the_address_or_the_password(client, clock, caplog):
    caplog.set_level(logging.INFO, logger="caredesk.accounts.views")
    sign_in(client, "june.halloway@mail.example", "s3cret-guess")
    text = caplog.text
    assert "failed sign-in" in text
    assert "june.halloway" not in text and "s3cret-guess" not in text
