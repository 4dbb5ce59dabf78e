"""The access audit is a hash chain: every change to stored entries is found and named."""

from __future__ import annotations

import pytest

from caredesk.compliance.audit import record
from caredesk.compliance.chain import GENESIS
from caredesk.compliance.models import AuditAction, AuditEntry, AuditImmutable
from caredesk.compliance.selectors import chain_verify
from tests.compliance.tamper import tamper
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_entries() -> list[AuditEntry]:
    agent = AgentFactory()
    return [
        record(
            action=AuditAction.TICKET_VIEWED,
            actor=agent,
            object_type="ticket",
            object_id=n,
            ticket_id=n,
            fields=["patient_id", "subject"],
        )
        for n in range(1, 6)
    ]


_sql = tamper


def test_entries_are_numbered_and_linked_from_the_start(five_entries: list[AuditEntry]) -> None:
    assert [e.seq for e in five_entries] == [1, 2, 3, 4, 5]
    assert five_entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(five_entries, five_entries[1:], strict=False))
    outcome = chain_verify(batch=2)
    assert outcome.ok and outcome.checked == 5 and outcome.last_hash == five_entries[-1].hash


def test_the_application_cannot_change_or_delete_an_entry(five_entries: list[AuditEntry]) -> None:
    entry = five_entries[0]
    entry.reason = "tidying up"
    with pytest.raises(AuditImmutable):
        entry.save()
    with pytest.raises(AuditImmutable):
        entry.delete()
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(seq=1).update(reason="x")
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(seq=1).delete()
    assert chain_verify().ok


def test_a_changed_entry_is_named(five_entries: list[AuditEntry]) -> None:
    _sql("UPDATE compliance_auditentry SET object_id = %s WHERE seq = 3", ["99"])
    problem = chain_verify().problem
    assert problem is not None and (problem.seq, problem.kind) == (3, "changed")


def test_a_deleted_entry_is_named(five_entries: list[AuditEntry]) -> None:
    _sql("DELETE FROM compliance_auditentry WHERE seq = %s", [2])
    problem = chain_verify().problem
    assert problem is not None and (problem.seq, problem.kind) == (2, "missing")


def test_reordered_entries_are_named(five_entries: list[AuditEntry]) -> None:
    # swap the numbers of entries 2 and 4 (through a free number, as seq is unique)
    _sql("UPDATE compliance_auditentry SET seq = %s WHERE seq = %s", [1000, 2])
    _sql("UPDATE compliance_auditentry SET seq = %s WHERE seq = %s", [2, 4])
    _sql("UPDATE compliance_auditentry SET seq = %s WHERE seq = %s", [4, 1000])
    problem = chain_verify().problem
    assert problem is not None and problem.seq == 2 and problem.kind == "changed"


def test_an_inserted_entry_is_named(five_entries: list[AuditEntry]) -> None:
    # make room after entry 2 and insert a well-formed entry that claims to follow it
    for seq in (5, 4, 3):
        _sql("UPDATE compliance_auditentry SET seq = %s WHERE seq = %s", [seq + 1, seq])
    forged = five_entries[1]
    _sql(
        "INSERT INTO compliance_auditentry (seq, at, actor_id, actor_role, action, object_type,"
        " object_id, ticket_id, organization_id, fields, reason, ip, user_agent, request_id,"
        " prev_hash, hash) SELECT 3, at, actor_id, actor_role, action, object_type, object_id,"
        " ticket_id, organization_id, fields, reason, ip, user_agent, request_id, %s, hash"
        " FROM compliance_auditentry WHERE seq = 2",
        [forged.hash],
    )
    problem = chain_verify().problem
    assert problem is not None and problem.seq == 3 and problem.kind == "changed"
