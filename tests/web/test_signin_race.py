"""Sign-in attempts made at the same moment are counted before any password or code is looked
at: of 32 parallel wrong passwords (or codes), only as many as the limit are ever evaluated.

Real threads, each with its own database connection (SQLite file or PostgreSQL), through the
whole sign-in view."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.signals import user_login_failed
from django.test import Client

from tests.factories import PASSWORD, AgentFactory, enroll_second_factor, second_step_code
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 32


def _at_once(attempt: Callable[[Client], int]) -> list[int]:
    """Run `attempt` from PARALLEL threads released together; their status codes."""
    statuses = run_in_threads(lambda _n: attempt(Client()), PARALLEL)
    assert len(statuses) == PARALLEL
    return statuses


def test_parallel_wrong_passwords_evaluate_at_most_the_limit(settings, clock):
    settings.CAREDESK_SIGNIN_ATTEMPTS = 5
    agent = AgentFactory(email="ines.marlow@caredesk.example")
    evaluated: list[str] = []
    lock = threading.Lock()

    def failed(**_: object) -> None:
        with lock:
            evaluated.append("failed")

    user_login_failed.connect(failed, dispatch_uid="race-count")
    try:
        statuses = _at_once(
            lambda c: (
                c.post(
                    "/login/",
                    {"username": agent.email, "password": "wrong-password"},
                    REMOTE_ADDR="10.4.4.4",
                ).status_code
            )
        )
    finally:
        user_login_failed.disconnect(dispatch_uid="race-count")
    assert len(evaluated) == 5, f"{len(evaluated)} passwords evaluated against a limit of 5"
    assert sorted(statuses) == [200] * 5 + [429] * (PARALLEL - 5)
    # the account stays paused, the right password included
    right = Client().post("/login/", {"username": agent.email, "password": PASSWORD})
    assert right.status_code == 429


def test_parallel_wrong_codes_evaluate_at_most_the_limit(settings, clock):
    settings.CAREDESK_MFA_ATTEMPTS = 5
    agent = AgentFactory(email="oskar.fennimore@caredesk.example")
    enroll_second_factor(agent)
    signed: list[Client] = []
    for _ in range(PARALLEL):  # each browser has given the right password: now the code
        client = Client()
        first = client.post("/login/", {"username": agent.email, "password": PASSWORD})
        assert first.status_code == 302 and "code" in first["Location"]
        signed.append(client)
    wrong = "000000" if second_step_code(agent) != "000000" else "111111"
    browsers = iter(signed)
    take = threading.Lock()

    def wrong_code(_: Client) -> int:
        with take:
            client = next(browsers)
        return client.post("/login/code/", {"code": wrong}).status_code

    statuses = _at_once(wrong_code)
    assert sorted(statuses) == [422] * 5 + [429] * (PARALLEL - 5)
