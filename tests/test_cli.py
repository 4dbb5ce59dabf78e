"""The `caredesk` command as an operator uses it: a real process, a real port, a data folder."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# its own processes on the embedded SQLite: run once, in the SQLite run
pytestmark = pytest.mark.embedded

CAREDESK = [sys.executable, "-m", "caredesk.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREDESK_", "DJANGO_"))}
    env.update(CAREDESK_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite in the data folder
    return env


def _wait_healthy(port: int, proc: subprocess.Popen[str], timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                return json.loads(r.read())
        except OSError:
            time.sleep(0.2)  # waiting for a real server to bind, not moving test time
    raise AssertionError("server did not become healthy")


def _serve(data_dir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CAREDESK, "serve", "--port", str(port)],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def _count_tickets(data_dir: Path) -> int:
    import sqlite3

    with sqlite3.connect(data_dir / "caredesk.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM tickets_ticket").fetchone()[0])


def test_serve_migrates_loads_demo_once_and_keeps_data_across_restarts(tmp_path):
    port = _free_port()
    proc = _serve(tmp_path, port)
    try:
        health = _wait_healthy(port, proc)
        assert health["database"] == {"ok": True, "vendor": "sqlite"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:  # noqa: S310
            assert r.status == 200
    finally:
        out = _stop(proc)
    assert f"http://127.0.0.1:{port}/" in out and "admin@caredesk.example" in out
    with __import__("sqlite3").connect(tmp_path / "caredesk.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    first_count = _count_tickets(tmp_path)
    assert first_count >= 200

    proc = _serve(tmp_path, port)
    try:
        _wait_healthy(port, proc)
    finally:
        out = _stop(proc)
    assert "Loading demo data" not in out
    assert _count_tickets(tmp_path) == first_count


def test_token_create_prints_a_working_token_once(tmp_path):
    env = _env(tmp_path) | {"CAREDESK_DEMO": "0"}
    subprocess.run([*CAREDESK, "migrate"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [
            *CAREDESK,
            "createagent",
            "--email",
            "ilse.varro@caredesk.example",
            "--name",
            "Ilse Varro",
            "--password",
            "a-long-password-1",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "Created agent" in created.stdout
    out = subprocess.run(
        [*CAREDESK, "token", "create", "--user", "ilse.varro@caredesk.example"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    secret = out.stdout.strip()
    assert secret.startswith("cdt_")
    missing = subprocess.run(
        [*CAREDESK, "token", "create", "--user", "nobody@caredesk.example"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no active user" in missing.stderr
    manage = subprocess.run([*CAREDESK, "manage", "check"], env=env, capture_output=True, text=True)
    assert manage.returncode == 0, manage.stderr


def test_sla_explain_prints_the_timeline_of_a_demo_ticket(tmp_path):
    env = _env(tmp_path)
    subprocess.run([*CAREDESK, "demo", "--tickets", "30"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [*CAREDESK, "sla", "explain", "CD-1001"], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert (
        out.stdout.startswith("CD-1001") and "Policy:" in out.stdout and "Timeline:" in out.stdout
    )
    missing = subprocess.run(
        [*CAREDESK, "sla", "explain", "CD-999999"], env=env, capture_output=True, text=True
    )
    assert missing.returncode == 2 and "no ticket" in missing.stderr


def test_rules_simulate_export_and_import_from_the_command_line(tmp_path):
    env = _env(tmp_path)
    subprocess.run([*CAREDESK, "demo", "--tickets", "0"], env=env, check=True, capture_output=True)
    ticket = tmp_path / "ticket.json"
    ticket.write_text(
        json.dumps(
            {
                "subject": "Report export fails",
                "channel": "email",
                "organization": {"name": "Northgate"},
                "requester": {"type": "client_admin"},
            }
        )
    )
    evening = "2026-11-24T16:30:00-05:00"  # after the 1 PM Eastern developer cut-off
    out = subprocess.run(
        [*CAREDESK, "rules", "simulate", "--ticket", str(ticket), "--now", evening],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["category"], result["team"]) == ("technical-issue", "tier-2")
    assert {"open_tracker_issue", "queue_until_open"} <= {a["type"] for a in result["actions"]}
    assert result["safety"]["outcome"] == "none"
    # a draft policy instead of the active ones
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        "name: Draft\nrules:\n  - name: all to billing\n    actions: [{type: set_team, team: billing}]\n"
    )
    out = subprocess.run(
        [*CAREDESK, "rules", "simulate", "--ticket", str(ticket), "--policy", str(draft)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert json.loads(out.stdout)["team"] == "billing"
    # the safety screen's outcome and codes, under `safety`
    ticket.write_text(json.dumps({"subject": "The charger caught fire on the nightstand"}))
    out = subprocess.run(
        [*CAREDESK, "rules", "simulate", "--ticket", str(ticket)],
        env=env,
        capture_output=True,
        text=True,
    )
    safety = json.loads(out.stdout)["safety"]
    assert safety["outcome"] == "event" and "A07" in safety["codes"]
    # a malformed ticket is a clear error, not a traceback
    ticket.write_text('{"priority": "high"}')
    bad = subprocess.run(
        [*CAREDESK, "rules", "simulate", "--ticket", str(ticket)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "priority" in bad.stderr and "Traceback" not in bad.stderr
    exported = subprocess.run(
        [*CAREDESK, "rules", "export", "telehealth-triage"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert exported.stdout.startswith(
        "# Keyword auto-triage"
    )  # the author's own text, comments too
    policy = tmp_path / "triage.yaml"
    policy.write_text(exported.stdout)
    imported = subprocess.run(
        [*CAREDESK, "rules", "import", str(policy)], env=env, capture_output=True, text=True
    )
    assert imported.returncode == 0 and "telehealth-triage: version 2" in imported.stdout


def test_migrate_on_a_fresh_install_installs_the_shipped_policies_once(tmp_path):
    env = _env(tmp_path)
    first = subprocess.run(
        [*CAREDESK, "migrate"], env=env, capture_output=True, text=True, check=True
    )
    assert "Installed the shipped policies: Member services routing, Device escalation" in (
        first.stdout
    )
    assert "teams not set up yet (billing, clinical, coach-support, engineering" in first.stdout
    exported = subprocess.run(
        [*CAREDESK, "rules", "export", "device-escalation"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "name: Safety event" in exported.stdout
    again = subprocess.run(
        [*CAREDESK, "migrate"], env=env, capture_output=True, text=True, check=True
    )
    assert "Installed" not in again.stdout


def test_mail_ingest_takes_a_message_on_standard_input_and_reports_every_outcome(tmp_path):
    env = _env(tmp_path) | {"CAREDESK_DEMO": "0"}
    subprocess.run([*CAREDESK, "migrate"], env=env, check=True, capture_output=True)
    message = (
        b"From: Keiko Brightwater <keiko@patients.example>\r\nTo: support@caredesk.example\r\n"
        b"Subject: Cannot hear the clinician\r\nMessage-ID: <first@patients.example>\r\n\r\n"
        b"No sound since the update.\r\n"
    )

    def ingest(raw: bytes, *args: str) -> dict:
        out = subprocess.run(
            [*CAREDESK, "mail", "ingest", *args], input=raw, env=env, capture_output=True
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    created = ingest(message)
    assert created["status"] == "created" and created["ticket"].startswith("CD-")
    assert ingest(message)["status"] == "duplicate"
    assert ingest(b"garbage")["status"] == "quarantined"
    auto = message.replace(
        b"Message-ID: <first", b"Auto-Submitted: auto-replied\r\nMessage-ID: <away"
    )
    assert ingest(auto)["status"] == "ignored"
    eml = tmp_path / "reply.eml"
    eml.write_bytes(
        message.replace(b"<first@", b"<second@").replace(
            b"Subject: ", b"In-Reply-To: <first@patients.example>\r\nSubject: Re: "
        )
    )
    appended = ingest(b"", str(eml))
    assert appended == {"status": "appended", "ticket": created["ticket"], "reason": ""}
    missing = subprocess.run(
        [*CAREDESK, "mail", "ingest", str(tmp_path / "nope.eml")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "nope.eml" in missing.stderr


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["token", "create", "--help"]])
def test_help_is_available(args):
    out = subprocess.run([*CAREDESK, *args], capture_output=True, text=True)
    assert out.returncode == 0 and "usage:" in out.stdout


DOCS = Path(__file__).resolve().parent.parent / "docs"


def _documented_minimum() -> list[str]:
    """The variables the operator guide's production minimum sets, in its order."""
    text = (DOCS / "operator-guide.md").read_text()
    block = text.split("<!-- production minimum -->", 1)[1].split("```sh", 1)[1].split("```")[0]
    names = []
    for raw in block.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("export "):
            names += [word.split("=", 1)[0] for word in line[len("export ") :].split()]
    return names


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_the_documented_production_minimum_passes_the_deploy_check_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    key = subprocess.run([*CAREDESK, "keys", "new"], capture_output=True, text=True, check=True)
    index = subprocess.run(
        [*CAREDESK, "keys", "new", "--id", "index"], capture_output=True, text=True, check=True
    )
    values = {
        "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-variety-9f3a7c1e5b2d8406",
        "ALLOWED_HOSTS": "desk.clinic.example",
        "DATABASE_URL": "postgres://caredesk@127.0.0.1:5432/caredesk_deploy_check",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CAREDESK_PHI_KEYS": f"{key.stdout.strip()},{index.stdout.strip()}",
        "CAREDESK_AUDIT_KEY": "audit-" + "9f3a7c1e5b2d8406" * 4,
        "CAREDESK_SSL_REDIRECT": "1",
        "CAREDESK_BEHIND_PROXY": "1",
        "CAREDESK_TRUSTED_PROXIES": "10.0.0.5",
    }
    assert _documented_minimum() == list(values), "the test sets exactly what the guide lists"
    env = _env(data) | values
    before = _files_under(tmp_path)

    def deploy_check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CAREDESK, "manage", "check", "--deploy", "--fail-level", "WARNING"],
            env=env | extra,
            capture_output=True,
            text=True,
        )

    checked = deploy_check({})
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
    assert _files_under(tmp_path) == before, "a check writes nothing"
    # each part of the minimum is needed: without the keys, or the proxies, the check says so
    keyless = deploy_check({"CAREDESK_PHI_KEYS": ""})
    assert keyless.returncode != 0 and "caredesk.E001" in keyless.stderr
    proxyless = deploy_check({"CAREDESK_TRUSTED_PROXIES": ""})
    assert proxyless.returncode != 0 and "caredesk.E010" in proxyless.stderr
    insecure = deploy_check({"CAREDESK_INSECURE_HTTP": "1"})
    assert insecure.returncode != 0
    assert "SESSION_COOKIE_SECURE" in insecure.stdout + insecure.stderr
    assert _files_under(tmp_path) == before, "not even a failing check writes a key file"
    # without Redis (which also puts the job queue in the data folder), each web process would
    # count failed sign-ins apart
    redisless = deploy_check({"REDIS_URL": ""})
    assert redisless.returncode != 0 and "caredesk.W034" in redisless.stderr


def test_the_embedded_checks_never_write_a_key_file(tmp_path):
    env = _env(tmp_path) | {"SECRET_KEY": "s" * 50, "CAREDESK_INSECURE_HTTP": "1"}
    for deploy in ([], ["--deploy"]):
        subprocess.run(
            [*CAREDESK, "manage", "check", *deploy], env=env, capture_output=True, text=True
        )
        assert not (tmp_path / "phi_keys").exists()


def test_keys_status_rotate_and_backup_from_the_command_line(tmp_path):
    env = _env(tmp_path) | {"CAREDESK_DEMO": "0"}
    subprocess.run([*CAREDESK, "demo", "--tickets", "30"], env=env, check=True, capture_output=True)
    key_file = tmp_path / "phi_keys"
    assert key_file.stat().st_mode & 0o777 == 0o600, "created on first start, private"
    new = subprocess.run([*CAREDESK, "keys", "new", "--id", "k2"], capture_output=True, text=True)
    assert new.stdout.startswith("k2=") and len(new.stdout.strip()) == 47
    key_file.write_text(new.stdout + key_file.read_text())  # k2 first: it writes from now on

    rotated = subprocess.run(
        [*CAREDESK, "keys", "rotate", "--batch", "2"], env=env, capture_output=True, text=True
    )
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert "ticket fields: 2 checked, 2 re-encrypted" in rotated.stdout
    assert "to go" in rotated.stdout
    assert "Done" in rotated.stdout
    status = subprocess.run(
        [*CAREDESK, "keys", "status"], env=env, capture_output=True, text=True, check=True
    )
    assert "active key: k2" in status.stdout and "k1: 0" in status.stdout

    backup = tmp_path / "copy.sqlite3"
    done = subprocess.run(
        [*CAREDESK, "backup", str(backup)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and backup.exists(), done.stderr
    import sqlite3

    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT COUNT(*) FROM tickets_ticket").fetchone()[0] >= 5
    again = subprocess.run(
        [*CAREDESK, "backup", str(backup)], env=env, capture_output=True, text=True
    )
    assert again.returncode == 2 and "already exists" in again.stderr


def test_an_argument_that_is_not_utf8_is_refused_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [*CAREDESK, "createagent", "--email", b"nurse\xff@example.org", "--name", "Ines"],
        env=_env(tmp_path),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert b"--email is not valid UTF-8" in result.stderr
    assert b"Traceback" not in result.stderr
    assert not (tmp_path / "caredesk.sqlite3").exists(), "nothing was done"
