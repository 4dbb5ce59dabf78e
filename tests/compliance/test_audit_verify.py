"""`caredesk audit verify` finds tampering done directly in the database, and says where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection

from caredesk import cli
from caredesk.compliance.audit import Access, record_many
from caredesk.compliance.chain import GENESIS, entry_hash
from caredesk.compliance.checkpoints import checkpoint_now, checkpoint_write
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.selectors import _rows
from tests.compliance.tamper import tamper
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten_entries() -> list[AuditEntry]:
    agent = AgentFactory()
    return record_many(
        accesses=[
            Access(AuditAction.TICKET_VIEWED, "ticket", n, ticket_id=n, fields=["patient_id"])
            for n in range(1, 11)
        ],
        actor=agent,
    )


_sql = tamper


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = cli.main(["audit", "verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def _problem(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, out = _verify(capsys)
    assert code == 1 and out["ok"] is False
    return out["problem"]["seq"], out["problem"]["kind"]


def test_a_sound_chain_exits_zero_and_says_so(ten_entries, capsys) -> None:
    checkpoint_now()
    code = cli.main(["audit", "verify"])
    out = capsys.readouterr().out
    assert code == 0
    assert "audit sound: 10 entries up to #10, 1 signed checkpoints agree" in out


def test_an_edited_row_is_reported(ten_entries, capsys) -> None:
    _sql("UPDATE compliance_auditentry SET actor_id = actor_id + 1 WHERE seq = 4")
    assert _problem(capsys) == (4, "changed")


def test_an_edited_reason_is_reported_in_words(ten_entries, capsys) -> None:
    _sql("UPDATE compliance_auditentry SET reason = 'nothing to see' WHERE seq = 7")
    assert cli.main(["audit", "verify"]) == 1
    assert "audit BROKEN at entry #7 (changed)" in capsys.readouterr().out


def test_a_deleted_row_is_reported(ten_entries, capsys) -> None:
    _sql("DELETE FROM compliance_auditentry WHERE seq = 6")
    assert _problem(capsys) == (6, "missing")


def test_reordered_rows_are_reported(ten_entries, capsys) -> None:
    # entries 3 and 8 trade places (through a free number, as seq is unique)
    _sql("UPDATE compliance_auditentry SET seq = 1000 WHERE seq = 3")
    _sql("UPDATE compliance_auditentry SET seq = 3 WHERE seq = 8")
    _sql("UPDATE compliance_auditentry SET seq = 8 WHERE seq = 1000")
    seq, kind = _problem(capsys)
    assert seq == 3 and kind in {"changed", "out_of_order"}


def test_an_inserted_row_is_reported(ten_entries, capsys) -> None:
    # make room after entry 5 and insert a well-formed entry claiming to follow it
    for seq in range(10, 5, -1):
        _sql("UPDATE compliance_auditentry SET seq = %s WHERE seq = %s", [seq + 1, seq])
    fifth = ten_entries[4]
    content = {**_content(fifth), "seq": 6, "object_id": "forged"}
    forged_hash = entry_hash(fifth.hash, content)
    _sql(
        "INSERT INTO compliance_auditentry (seq, at, actor_id, actor_role, action, object_type,"
        " object_id, ticket_id, organization_id, fields, reason, ip, user_agent, request_id,"
        " prev_hash, hash) SELECT 6, at, actor_id, actor_role, action, object_type, 'forged',"
        " ticket_id, organization_id, fields, reason, ip, user_agent, request_id, %s, %s"
        " FROM compliance_auditentry WHERE seq = 5",
        [fifth.hash, forged_hash],
    )
    # the forged entry itself hashes correctly, so the chain breaks at the one after it
    assert _problem(capsys) == (7, "changed")


def _content(entry: AuditEntry) -> dict:
    from caredesk.compliance.audit import content_of

    return content_of(entry)


def test_a_chain_rewritten_from_scratch_is_caught_by_the_checkpoint(ten_entries, capsys) -> None:
    checkpoint_now()
    # rewrite every entry (hiding entry 4) and recompute every hash: the chain alone is sound
    rows = [r for r in _rows(100) if r["seq"] != 4]
    _sql("DELETE FROM compliance_auditentry")
    prev = GENESIS
    for seq, kept in enumerate(rows, start=1):
        row = {**kept, "seq": seq}
        digest = entry_hash(prev, row)
        _insert(row, prev, digest, ten_entries[0])
        prev = digest
    # the signed checkpoint at entry 10 names entries the chain no longer has
    assert _problem(capsys) == (10, "truncated")


def test_a_rewrite_that_keeps_the_length_is_caught_by_the_checkpoint(ten_entries, capsys) -> None:
    checkpoint_now()
    rows = list(_rows(100))
    _sql("DELETE FROM compliance_auditentry")
    prev = GENESIS
    for kept in rows:
        row = {**kept, "reason": "rewritten"} if kept["seq"] == 2 else kept
        digest = entry_hash(prev, row)
        _insert(row, prev, digest, ten_entries[0])
        prev = digest
    assert _problem(capsys) == (10, "rewritten")


def _insert(row: dict, prev: str, digest: str, model: AuditEntry) -> None:
    _sql(
        "INSERT INTO compliance_auditentry (seq, at, actor_id, actor_role, action,"
        " object_type, object_id, ticket_id, organization_id, fields, reason, ip,"
        " user_agent, request_id, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s,"
        " %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            row["seq"],
            model.at,
            row["actor_id"],
            row["actor_role"],
            row["action"],
            row["object_type"],
            row["object_id"],
            row["ticket_id"],
            row["organization_id"],
            json.dumps(row["fields"]),
            row["reason"],
            row["ip"],
            row["user_agent"],
            row["request_id"],
            prev,
            digest,
        ],
    )


def test_a_truncated_tail_is_caught_by_the_checkpoint(ten_entries, capsys) -> None:
    checkpoint_now()
    _sql("DELETE FROM compliance_auditentry WHERE seq > 7")
    assert _problem(capsys) == (8, "truncated")


def test_a_forged_checkpoint_line_is_named(ten_entries, capsys, checkpoint_dir: Path) -> None:
    written = checkpoint_now()
    assert written is not None
    line = json.loads(written.path.read_text())
    line["seq"] = 3
    with written.path.open("a") as fh:
        fh.write(json.dumps(line) + "\n")
    code, out = _verify(capsys)
    assert code == 1 and out["problem"]["kind"] == "bad_signature"
    assert "line 2" in out["problem"]["detail"]


def test_checkpoints_are_signed_every_n_entries_once_committed(
    settings, checkpoint_dir: Path, django_capture_on_commit_callbacks
) -> None:
    settings.CAREDESK_AUDIT_CHECKPOINT_EVERY = 4
    agent = AgentFactory()
    for n in range(9):
        with django_capture_on_commit_callbacks(execute=True):
            record_many(accesses=[Access(AuditAction.TICKET_VIEWED, "ticket", n)], actor=agent)
    lines = [json.loads(x) for x in (checkpoint_dir / "checkpoints.jsonl").read_text().split()]
    assert [line["seq"] for line in lines] == [4, 8]
    assert set(lines[0]) == {"seq", "hash", "at", "sig"}


def test_checkpoint_command_signs_only_what_is_new(ten_entries, capsys) -> None:
    assert cli.main(["audit", "checkpoint"]) == 0
    assert "signed checkpoint at entry #10" in capsys.readouterr().out
    assert cli.main(["audit", "checkpoint"]) == 0
    assert "nothing new to sign" in capsys.readouterr().out


def test_a_checkpoint_signed_with_another_key_is_refused(ten_entries, capsys, settings) -> None:
    settings.CAREDESK_AUDIT_KEY = "someone-elses-key"
    checkpoint_write(seq=10, hash=ten_entries[-1].hash)
    settings.CAREDESK_AUDIT_KEY = "the-real-key"
    assert _problem(capsys) == (0, "bad_signature")


def test_the_database_itself_refuses_to_change_an_entry(ten_entries) -> None:
    from django.db import DatabaseError, transaction

    def refused(statement: str) -> None:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)

    refused("UPDATE compliance_auditentry SET reason = 'x' WHERE seq = 2")
    if connection.vendor == "postgresql":  # SQLite keeps deletes possible (see the migration)
        refused("DELETE FROM compliance_auditentry WHERE seq = 2")
    assert AuditEntry.objects.count() == 10
