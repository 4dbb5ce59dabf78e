"""After the database is restored from a backup, the checkpoints signed since that backup name
entries the restore lost: `caredesk audit restored` records the restore once (signed, audited),
and verify holds the chain to everything signed before the restore point and after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caredesk import cli
from caredesk.compliance.audit import Access, record_many
from caredesk.compliance.checkpoints import checkpoint_now
from caredesk.compliance.models import AuditAction, AuditEntry
from tests.compliance.tamper import tamper
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _views(agent, count: int) -> None:  # type: ignore[no-untyped-def]
    record_many(
        accesses=[Access(AuditAction.TICKET_VIEWED, "ticket", n) for n in range(count)],
        actor=agent,
    )


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = cli.main(["audit", "verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def restored(capsys):  # type: ignore[no-untyped-def]
    """Seven entries backed up, three more signed afterwards, then the backup restored."""
    agent = AgentFactory()
    _views(agent, 7)
    checkpoint_now()  # signed before the backup
    _views(agent, 3)
    checkpoint_now()  # signed after it: #10
    tamper("DELETE FROM compliance_auditentry WHERE seq > 7")  # what restoring the backup does
    return agent


def test_a_restore_is_reported_as_truncated_until_recorded_then_verify_is_sound(
    restored, capsys, checkpoint_dir: Path
) -> None:
    assert cli.main(["audit", "verify"]) == 1
    said = capsys.readouterr().out
    assert "audit BROKEN at entry #8 (truncated)" in said
    assert "caredesk audit restored" in said

    assert cli.main(["audit", "restored", "--reason", "disk failure, restored 03:00 backup"]) == 0
    assert "restore recorded at entry #7 (entries #8 to #10 lost)" in capsys.readouterr().out
    code, out = _verify(capsys)
    assert code == 0, out
    assert out["restores"] == [{"seq": 7, "lost_to": 10, "at": out["restores"][0]["at"]}]
    entry = AuditEntry.objects.get(seq=8)
    assert (entry.action, entry.actor_role) == (AuditAction.AUDIT_RESTORED, "command line")
    assert entry.reason == "disk failure, restored 03:00 backup (entries #8 to #10 lost)"
    assert cli.main(["audit", "verify"]) == 0
    assert "restored from a backup at #7" in capsys.readouterr().out

    # the next days: new entries take the lost numbers, are signed, and verify stays sound
    _views(restored, 1)
    written = checkpoint_now()
    assert written is not None and written.seq == 9, "signing resumes at the restored chain"
    _views(restored, 3)
    checkpoint_now()
    code, out = _verify(capsys)
    assert code == 0 and (out["last_seq"], out["checkpoints"]) == (12, 3), out


def test_the_restored_chain_is_still_held_to_what_was_signed_before_its_head(
    restored, capsys
) -> None:
    assert cli.main(["audit", "restored"]) == 0
    capsys.readouterr()
    tamper("UPDATE compliance_auditentry SET object_id = '99' WHERE seq = 7")
    code, out = _verify(capsys)
    assert code == 1 and out["problem"]["kind"] in {"changed", "rewritten"}


def test_a_restore_is_not_recorded_over_a_chain_that_disagrees_with_its_checkpoints(
    restored, capsys, checkpoint_dir: Path
) -> None:
    tamper("UPDATE compliance_auditentry SET actor_id = NULL WHERE seq = 5")
    before = (checkpoint_dir / "checkpoints.jsonl").read_text()
    assert cli.main(["audit", "restored"]) == 1
    captured = capsys.readouterr()
    assert "not recorded" in captured.err and "entry #5" in captured.out
    assert (checkpoint_dir / "checkpoints.jsonl").read_text() == before
    assert not AuditEntry.objects.filter(action=AuditAction.AUDIT_RESTORED).exists()
