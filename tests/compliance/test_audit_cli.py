"""`caredesk audit …` as an operator runs it: a real process on an embedded data folder."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import CAREDESK, _env

# its own processes on the embedded SQLite: run once, in the SQLite run
pytestmark = pytest.mark.embedded


def _run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CAREDESK, *args], env=_env(data_dir) | env, capture_output=True, text=True, timeout=300
    )


def test_verify_and_checkpoint_in_a_real_process_then_an_edit_is_reported(tmp_path) -> None:
    assert _run(tmp_path, "migrate").returncode == 0
    # an entry written the way the app writes them (the shell runs the app's own code)
    code = (
        "from caredesk.compliance.audit import record;"
        "[record(action='ticket.viewed', object_type='ticket', object_id=n) for n in range(3)]"
    )
    assert _run(tmp_path, "manage", "shell", "-c", code).returncode == 0
    signed = _run(tmp_path, "audit", "checkpoint")
    assert signed.returncode == 0 and "signed checkpoint at entry #3" in signed.stdout
    assert (tmp_path / "audit-checkpoints" / "checkpoints.jsonl").exists()
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
    sound = _run(tmp_path, "audit", "verify")
    assert sound.returncode == 0, sound.stdout + sound.stderr
    assert "audit sound: 3 entries up to #3, 1 signed checkpoints agree" in sound.stdout

    with sqlite3.connect(tmp_path / "caredesk.sqlite3") as db:
        db.execute("DROP TRIGGER compliance_audit_append_only")
        db.execute("UPDATE compliance_auditentry SET object_id = '9' WHERE seq = 2")
    broken = _run(tmp_path, "audit", "verify", "--json")
    assert broken.returncode == 1
    assert json.loads(broken.stdout)["problem"]["seq"] == 2


def test_a_server_database_without_an_audit_key_fails_the_system_check(tmp_path) -> None:
    checked = _run(
        tmp_path,
        "manage",
        "check",
        DATABASE_URL="postgres://caredesk@db.invalid:5432/caredesk",
        SECRET_KEY="k" * 50,
    )
    assert checked.returncode != 0
    assert "caredesk.E101" in checked.stdout + checked.stderr
