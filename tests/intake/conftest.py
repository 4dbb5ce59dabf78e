"""A real IMAP server for the tests: Debian's dovecot, started on a free port of 127.0.0.1 with
a throwaway maildir and one mailbox user. Mail is delivered with IMAP APPEND, as a client
would put it there."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "imap-test-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ImapServer:
    port: int

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *messages: bytes) -> None:
        with self.client() as client:
            for raw in messages:
                client.append("INBOX", raw)


def _config(base: Path, port: int, mail_uid: int, mail_gid: int) -> Path:
    (base / "run").mkdir()
    (base / "state").mkdir()
    home = base / "home"
    home.mkdir()
    (base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{mail_uid}:{mail_gid}::{home}\n")
    lines = [
        "protocols = imap",
        "listen = 127.0.0.1",
        f"base_dir = {base / 'run'}",
        f"state_dir = {base / 'state'}",
        f"log_path = {base / 'dovecot.log'}",
        "ssl = no",
        "disable_plaintext_auth = no",
        "auth_mechanisms = plain login",
        "auth_failure_delay = 0",
        f"passdb {{\n  driver = passwd-file\n  args = {base / 'passwd'}\n}}",
        f"userdb {{\n  driver = passwd-file\n  args = {base / 'passwd'}\n}}",
        "mail_location = maildir:~/Maildir",
        "service imap-login {\n  inet_listener imap {\n"
        f"    address = 127.0.0.1\n    port = {port}\n  }}\n"
        "  inet_listener imaps {\n    port = 0\n  }\n}",
    ]
    if os.getuid() == 0:
        # as root dovecot keeps its own unprivileged users; the mailbox belongs to "nobody"
        os.chown(home, mail_uid, mail_gid)
    else:
        me = pwd.getpwuid(os.getuid()).pw_name
        lines += [f"default_internal_user = {me}", f"default_login_user = {me}"]
    config = base / "dovecot.conf"
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    if not os.access(DOVECOT, os.X_OK):
        if os.environ.get("CAREDESK_REQUIRE_DOVECOT") == "1":
            pytest.fail("dovecot is required here (scripts/ensure-test-tools installs it)")
        pytest.skip("needs Debian's dovecot-imapd (scripts/ensure-test-tools installs it as root)")
    port = _free_port()
    # CareDesk's settings make this process's new files private (umask 077); dovecot's own
    # users must read its configuration, and dovecot inherits the umask it starts with
    umask = os.umask(0o022)
    try:
        yield from _dovecot(port)
    finally:
        os.umask(umask)


def _dovecot(port: int) -> Iterator[ImapServer]:
    # not under pytest's private tmp dir: dovecot's own users must be able to reach these files
    base = Path(tempfile.mkdtemp(prefix="caredesk-dovecot-"))
    base.chmod(0o755)
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        mail_uid, mail_gid = nobody.pw_uid, nobody.pw_gid
    else:
        mail_uid, mail_gid = os.getuid(), os.getgid()
    config = _config(base, port, mail_uid, mail_gid)
    # dovecot forks into the background and its children keep inherited pipes open, so its
    # output goes to a file rather than a pipe this process would wait on forever
    with (base / "start.log").open("w") as out:
        started = subprocess.run([DOVECOT, "-c", str(config)], stdout=out, stderr=out)
    if started.returncode != 0:
        raise AssertionError(f"dovecot did not start: {(base / 'start.log').read_text()}")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)  # waiting for a real server to listen, not moving test time
    try:
        yield ImapServer(port=port)
    finally:
        with contextlib.suppress(OSError, ValueError):  # already gone is fine
            os.kill(int((base / "run" / "master.pid").read_text()), signal.SIGTERM)
        shutil.rmtree(base, ignore_errors=True)
