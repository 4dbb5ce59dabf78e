"""Access reviews: sign-offs per cycle, flags for overdue and unused accounts, deactivation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_SUPERVISOR
from caredesk.accounts.services import token_create, token_user
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.selectors import chain_verify
from caredesk.core.errors import ValidationFailed
from caredesk.governance.models import AccessReview
from caredesk.governance.selectors import staff_review_rows
from caredesk.governance.services.reviews import access_review_sign, account_deactivate
from tests.factories import AgentFactory, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(clock):
    return AgentFactory(role=ROLE_ADMIN)


def _row(account):
    return next(r for r in staff_review_rows() if r.account.pk == account.pk)


def test_sign_off_keeps_the_roles_as_they_were_and_is_audited(clock, reviewer):
    agent = AgentFactory()
    review = access_review_sign(account=agent, actor=reviewer)
    agent.groups.clear()
    review.refresh_from_db()
    assert review.roles == ["Agent"] and review.reviewer == reviewer
    assert review.signed_at == clock.current
    entry = AuditEntry.objects.get(action=AuditAction.ACCESS_REVIEWED)
    assert entry.actor_id == reviewer.pk and entry.object_id == str(agent.pk)


def test_one_sign_off_per_account_per_cycle_unless_roles_changed(clock, reviewer, settings):
    settings.CAREDESK_ACCESS_REVIEW_DAYS = 90
    agent = AgentFactory()
    access_review_sign(account=agent, actor=reviewer)
    clock.advance(days=30)
    with pytest.raises(ValidationFailed):
        access_review_sign(account=agent, actor=reviewer)
    agent.groups.add(*AgentFactory(role=ROLE_SUPERVISOR).groups.all())
    assert _row(agent).roles_changed
    access_review_sign(account=agent, actor=reviewer)
    clock.advance(days=90)
    access_review_sign(account=agent, actor=reviewer)
    assert AccessReview.objects.filter(account=agent).count() == 3


def test_a_reviewer_cannot_sign_off_or_deactivate_their_own_account(reviewer):
    with pytest.raises(ValidationFailed, match="own account"):
        access_review_sign(account=reviewer, actor=reviewer)
    with pytest.raises(ValidationFailed, match="own account"):
        account_deactivate(account=reviewer, actor=reviewer)
    assert not AccessReview.objects.exists()


def test_review_is_overdue_after_the_cycle_and_unused_accounts_are_flagged(clock, reviewer):
    agent = AgentFactory(date_joined=clock.current)
    assert not _row(agent).flags.overdue and not _row(agent).flags.unused
    clock.advance(days=89)
    assert not _row(agent).flags.overdue
    clock.advance(days=1)
    row = _row(agent)
    assert row.flags.overdue and row.flags.unused
    agent.last_login = clock.current
    agent.save()
    access_review_sign(account=agent, actor=reviewer)
    row = _row(agent)
    assert not row.flags.overdue and not row.flags.unused


def test_deactivation_ends_sessions_revokes_tokens_and_is_audited(clock, reviewer):
    agent = AgentFactory()
    browser = Client()
    login_verified(browser, agent)
    assert browser.get("/agent/").status_code == 200
    _token, secret = token_create(user=agent, name="script")
    ended = account_deactivate(account=agent, actor=reviewer, reason="left the company")
    assert ended == 1
    agent.refresh_from_db()
    assert not agent.is_active
    assert browser.get("/agent/")["Location"].startswith("/login/")
    assert token_user(secret) is None
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_DEACTIVATED)
    assert entry.object_id == str(agent.pk) and entry.reason == "left the company"
    assert chain_verify().ok
    assert agent.pk not in [r.account.pk for r in staff_review_rows()]


def test_review_screen_lists_staff_with_flags_and_buttons(clock, reviewer):
    agent = AgentFactory(name="Linnea Morrow")
    client = Client()
    login_verified(client, reviewer)
    page = client.get("/agent/governance/access/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Linnea Morrow" in html and "Never" in html
    assert f"/agent/governance/access/{agent.pk}/sign/" in html
    assert f"/agent/governance/access/{reviewer.pk}/sign/" not in html  # not their own
    assert 'data-confirm="Deactivate Linnea Morrow?' in html


def test_sign_off_and_deactivate_buttons_post_and_report(clock, reviewer):
    agent = AgentFactory(name="Oskar Vale")
    client = Client(enforce_csrf_checks=False)
    login_verified(client, reviewer)
    done = client.post(f"/agent/governance/access/{agent.pk}/sign/", follow=True)
    assert "Access of Oskar Vale signed off." in done.content.decode()
    again = client.post(f"/agent/governance/access/{agent.pk}/sign/", follow=True)
    assert "already signed off" in again.content.decode()
    gone = client.post(f"/agent/governance/access/{agent.pk}/deactivate/", {"reason": "moved"})
    assert gone.status_code == 302
    agent.refresh_from_db()
    assert not agent.is_active
    assert client.get(f"/agent/governance/access/{agent.pk}/sign/").status_code == 405


def test_the_review_screen_needs_the_permission(clock):
    client = Client()
    login_verified(client, AgentFactory())
    assert client.get("/agent/governance/access/").status_code == 403


def test_only_a_superuser_deactivates_a_superuser(clock, reviewer):
    root = AgentFactory(role=ROLE_ADMIN, is_superuser=True)
    with pytest.raises(ValidationFailed, match="superuser"):
        account_deactivate(account=root, actor=reviewer)
    root.refresh_from_db()
    assert root.is_active


def test_a_too_long_reason_is_refused_with_a_message_and_nothing_changes(clock, reviewer):
    agent = AgentFactory()
    client = Client()
    login_verified(client, reviewer)
    page = client.post(
        f"/agent/governance/access/{agent.pk}/deactivate/", {"reason": "x" * 301}, follow=True
    )
    assert "at most 300 characters" in page.content.decode()
    agent.refresh_from_db()
    assert agent.is_active


def test_the_review_screen_costs_the_same_for_many_accounts(clock, reviewer):
    def page_queries() -> int:
        client = Client()
        login_verified(client, reviewer)
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/agent/governance/access/").status_code == 200
        return len(seen)

    for _ in range(2):
        access_review_sign(account=AgentFactory(), actor=reviewer)
    few = page_queries()
    for _ in range(8):
        access_review_sign(account=AgentFactory(), actor=reviewer)
    assert page_queries() == few
