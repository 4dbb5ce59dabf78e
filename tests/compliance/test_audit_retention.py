"""Audit retention: old entries leave from the start of the chain and the chain still verifies."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks

from caredesk.compliance.audit import record
from caredesk.compliance.checkpoints import checkpoint_now, checkpoints_read
from caredesk.compliance.models import AuditAction, AuditEntry, ChainAnchor
from caredesk.compliance.retention import audit_purge, years_before
from caredesk.compliance.selectors import chain_verify
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _view(agent, n: int) -> AuditEntry:
    return record(action=AuditAction.TICKET_VIEWED, actor=agent, object_type="ticket", object_id=n)


def test_entries_older_than_seven_years_are_purged_and_the_chain_still_verifies(clock) -> None:
    agent = AgentFactory()
    old = [_view(agent, n) for n in range(3)]
    checkpoint_now()
    clock.advance(days=365 * 3)
    kept = [_view(agent, n) for n in range(3, 5)]
    clock.advance(days=365 * 4 + 30)  # the first three are now older than 7 years

    assert audit_purge() == 3

    assert not AuditEntry.objects.filter(seq__lte=3).exists()
    anchor = ChainAnchor.objects.get()
    assert (anchor.seq, anchor.prev_hash) == (4, old[-1].hash)
    purge = AuditEntry.objects.order_by("-seq").first()
    assert purge is not None and purge.action == AuditAction.RECORDS_PURGED
    assert purge.seq == kept[-1].seq + 1 and purge.object_id == "1-3"
    outcome = chain_verify(checkpoints=checkpoints_read())
    assert outcome.ok, outcome.problem
    assert outcome.checked == 3


def test_nothing_younger_than_the_retention_period_is_purged(clock) -> None:
    agent = AgentFactory()
    _view(agent, 1)
    clock.advance(days=365 * 6)
    assert audit_purge() == 0
    assert AuditEntry.objects.count() == 1


def test_everything_old_can_go_and_the_chain_continues_from_the_anchor(clock) -> None:
    agent = AgentFactory()
    last = [_view(agent, n) for n in range(2)][-1]
    clock.advance(days=365 * 8)
    assert audit_purge() == 2
    assert AuditEntry.objects.get().seq == 3  # the purge's own entry
    assert AuditEntry.objects.get().prev_hash == last.hash
    assert chain_verify(checkpoints=checkpoints_read()).ok


def test_a_moved_anchor_without_a_signature_is_named(clock) -> None:
    agent = AgentFactory()
    [_view(agent, n) for n in range(3)]
    clock.advance(days=365 * 8)
    audit_purge()
    # someone moves the start by hand, e.g. to hide more entries
    ChainAnchor.objects.update(seq=2)
    problem = chain_verify(checkpoints=checkpoints_read()).problem
    assert problem is not None and problem.kind == "unsigned_anchor"


def test_retention_below_six_years_is_refused_by_the_system_check(settings) -> None:
    settings.CAREDESK_AUDIT_RETENTION_YEARS = 5
    ids = {m.id for m in run_checks()}
    assert "caredesk.E102" in ids


def test_a_missing_signing_key_is_refused_by_the_system_check(settings) -> None:
    settings.CAREDESK_AUDIT_KEY = ""
    assert "caredesk.E101" in {m.id for m in run_checks()}


def test_the_29th_of_february_steps_back_to_the_28th() -> None:
    from datetime import UTC, datetime

    assert years_before(datetime(2028, 2, 29, tzinfo=UTC), 7) == datetime(2021, 2, 28, tzinfo=UTC)
