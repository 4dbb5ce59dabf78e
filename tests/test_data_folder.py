"""The data folder is readable by CareDesk's user only, even when the operator's umask (022)
would let everyone read new files: the database and its WAL, the job queue, mail written to the
outbox folder, attachments and the key files are 0600, their folders 0700."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import CAREDESK, _env

# its own processes on the embedded SQLite: run once, in the SQLite run
pytestmark = pytest.mark.embedded

WRITE_EVERYTHING = """
import json, os
from pathlib import Path
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import connection
from huey.contrib.djhuey import HUEY
from caredesk.core.phi_files import phi_storage
from caredesk.tickets.models import Ticket

send_mail("Your request CD-1001", "We are on it.", "support@caredesk.example",
          ["june.halloway@mail.example"])
phi_storage.save("tickets/1/scan.txt", ContentFile(b"glucose meter reading 7.1"))
HUEY.put("probe", "queued")
with connection.cursor() as cursor:  # a write keeps the WAL and shared-memory files open
    cursor.execute("BEGIN IMMEDIATE")
    cursor.execute("UPDATE tickets_ticket SET subject = subject WHERE id = %s",
                   [Ticket.objects.values_list("id", flat=True).first()])
    cursor.execute("COMMIT")
    root = Path(settings.DATA_DIR)
    print(json.dumps({str(p.relative_to(root)): p.stat().st_mode for p in root.rglob("*")}))
"""


def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mode for p in root.rglob("*")}


def test_what_caredesk_writes_under_umask_022_is_private(tmp_path):
    data = tmp_path / "data"
    env = _env(data) | {"CAREDESK_DEMO": "0"}

    def run(*args: str) -> str:
        done = subprocess.run(
            [*CAREDESK, *args],
            env=env,
            capture_output=True,
            text=True,
            preexec_fn=lambda: os.umask(0o022),  # noqa: PLW1509 - the operator's usual umask
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("demo", "--tickets", "5")
    seen = json.loads(run("manage", "shell", "-c", WRITE_EVERYTHING).strip().splitlines()[-1])
    seen |= _modes(data)
    for expected in (
        "caredesk.sqlite3",
        "caredesk.sqlite3-wal",
        "caredesk.sqlite3-shm",
        "jobs.sqlite3",
        "phi_keys",
        "secret_key",
        "audit_key",
        "outbox-mail",
        "attachments",
    ):
        assert expected in seen, f"{expected} was not written: {sorted(seen)}"
    assert any(name.startswith("outbox-mail/") for name in seen)
    assert "attachments/tickets/1/scan.txt" in seen
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    loose = {
        name: oct(stat.S_IMODE(mode))
        for name, mode in seen.items()
        if stat.S_IMODE(mode) != (0o700 if stat.S_ISDIR(mode) else 0o600)
    }
    assert loose == {}, "readable by others"
