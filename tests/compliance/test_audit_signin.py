"""Sign-ins, sign-outs and changes to how a person signs in are in the access audit."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.accounts.signin import mfa_reset, password_change, sessions_end_all
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.selectors import chain_verify
from tests.factories import PASSWORD, AgentFactory, complete_second_step, enroll_second_factor

pytestmark = pytest.mark.django_db


def _actions(user_pk: int) -> list[tuple[str, int | None, list[str]]]:
    rows = AuditEntry.objects.filter(object_type="user", object_id=str(user_pk)).order_by("seq")
    return [(e.action, e.actor_id, list(e.fields)) for e in rows]


def test_a_sign_in_is_recorded_only_once_the_second_step_is_done(clock):
    agent = AgentFactory()
    enroll_second_factor(agent)
    clock.advance(minutes=1)
    client = Client(HTTP_USER_AGENT="Firefox/140 (test)")
    client.post("/login/", {"username": agent.email, "password": PASSWORD})
    assert not AuditEntry.objects.filter(action=AuditAction.SIGNED_IN).exists()

    complete_second_step(client, agent)
    entry = AuditEntry.objects.get(action=AuditAction.SIGNED_IN)
    assert (entry.actor_id, entry.object_id) == (agent.pk, str(agent.pk))
    assert entry.ip == "127.0.0.1" and entry.user_agent == "Firefox/140 (test)"
    assert entry.actor_role == "Agent"

    client.post("/logout/")
    assert AuditEntry.objects.filter(action=AuditAction.SIGNED_OUT, actor_id=agent.pk).exists()
    assert chain_verify().ok


def test_second_factor_resets_session_ends_and_new_passwords_are_recorded_with_who_did_it():
    admin = AgentFactory(role=ROLE_ADMIN)
    agent = AgentFactory()
    enroll_second_factor(agent)
    mfa_reset(user=agent, actor=admin)
    sessions_end_all(user=agent, actor=admin)
    password_change(user=agent, password="a-new-and-long-passphrase")
    assert _actions(agent.pk) == [
        (AuditAction.ACCOUNT_CHANGED, agent.pk, ["second_factor"]),  # set up
        (AuditAction.MFA_RESET, admin.pk, ["second_factor", "sessions"]),
        (AuditAction.ACCOUNT_CHANGED, admin.pk, ["sessions"]),
        (AuditAction.ACCOUNT_CHANGED, agent.pk, ["password", "sessions"]),
    ]
    # names of what changed, never the secret or the password
    assert not AuditEntry.objects.filter(reason__icontains="passphrase").exists()
