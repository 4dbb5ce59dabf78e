"""The restore drill of the operator guide, on the embedded mode, with real processes: make data,
back up, copy the attachments, restore into a new data folder with the keys brought separately,
start, record the restore in the audit, verify the chain, and read an encrypted attachment."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import CAREDESK, _env, _free_port, _stop, _wait_healthy

# its own processes on the embedded SQLite: run once, in the SQLite run
pytestmark = pytest.mark.embedded

LOG = b"pump E-17 log: occlusion alarm 02:14, 02:19, 02:31\n" * 40

MAKE = """
from caredesk.compliance.checkpoints import checkpoint_now
from caredesk.tickets.services.attachments import Upload
from tests.factories import ContactFactory, make_ticket
ticket = make_ticket(
    ContactFactory(name="Oona Fairweather", email="{email}", organization=None),
    subject="{subject}",
    uploads=(Upload("pump-log.txt", "text/plain", {data!r}),),
)
checkpoint_now()
"""

READ = """
import hashlib
from caredesk.tickets.models import Attachment
attachment = Attachment.objects.get(filename="pump-log.txt", ticket__subject="Pump alarm")
with attachment.file.open("rb") as fh:
    print(hashlib.sha256(fh.read()).hexdigest())
"""


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CAREDESK, *args], env=env, capture_output=True, text=True, timeout=300)


def test_back_up_restore_start_verify_and_read_an_attachment(tmp_path: Path) -> None:
    kept = tmp_path / "checkpoints"  # the checkpoint folder lives apart from the data folder
    live = _env(tmp_path / "live") | {
        "CAREDESK_DEMO": "0",
        "CAREDESK_AUDIT_CHECKPOINT_DIR": str(kept),
    }
    assert _run(live, "migrate").returncode == 0
    made = _run(
        live,
        "manage",
        "shell",
        "-c",
        MAKE.format(subject="Pump alarm", data=LOG, email="oona@patients.example"),
    )
    assert made.returncode == 0, made.stderr

    backups = tmp_path / "backups"
    backups.mkdir()
    backed = _run(live, "backup", str(backups / "caredesk.sqlite3"))
    assert backed.returncode == 0, backed.stderr
    # the attachments after the database: every file the backup names is already written
    shutil.copytree(tmp_path / "live" / "attachments", backups / "attachments")
    # the keys travel separately (a secret manager, another medium)
    vault = tmp_path / "vault"
    vault.mkdir()
    for name in ("phi_keys", "audit_key"):
        shutil.copy2(tmp_path / "live" / name, vault / name)

    # work after the backup, signed into the kept checkpoints, then the disk is lost
    later = _run(
        live,
        "manage",
        "shell",
        "-c",
        MAKE.format(subject="Later", data=b"later", email="oona2@patients.example"),
    )
    assert later.returncode == 0, later.stderr
    shutil.rmtree(tmp_path / "live")

    restored_dir = tmp_path / "restored"
    restored_dir.mkdir(mode=0o700)
    shutil.copy2(backups / "caredesk.sqlite3", restored_dir / "caredesk.sqlite3")
    shutil.copytree(backups / "attachments", restored_dir / "attachments")
    restored = _env(restored_dir) | {
        "CAREDESK_DEMO": "0",
        "CAREDESK_AUDIT_CHECKPOINT_DIR": str(kept),
        "CAREDESK_PHI_KEY_FILE": str(vault / "phi_keys"),
        "CAREDESK_AUDIT_KEY_FILE": str(vault / "audit_key"),
    }

    port = _free_port()
    server = subprocess.Popen(
        [*CAREDESK, "serve", "--no-worker", "--port", str(port)],
        env=restored,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert _wait_healthy(port, server)["database"]["ok"] is True
    finally:
        _stop(server)

    truncated = _run(restored, "audit", "verify")
    assert truncated.returncode == 1 and "(truncated)" in truncated.stdout
    recorded = _run(restored, "audit", "restored", "--reason", "restore drill")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    sound = _run(restored, "audit", "verify")
    assert sound.returncode == 0, sound.stdout + sound.stderr
    assert "restored from a backup at #" in sound.stdout

    read = _run(restored, "manage", "shell", "-c", READ)
    assert read.returncode == 0, read.stderr
    assert read.stdout.split()[-1] == hashlib.sha256(LOG).hexdigest()
    assert not (restored_dir / "phi_keys").exists(), "the keys came from the vault"
    assert LOG[:20] not in b"".join(
        p.read_bytes() for p in (restored_dir / "attachments").rglob("*") if p.is_file()
    ), "attachments are stored encrypted"
