"""The first start as a newcomer meets it: links in mail follow the port CareDesk serves on, the
README's links all answer, and integrations nobody configured are not logged as failures."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_cli import _env, _free_port, _serve, _stop, _wait_healthy

# its own processes on the embedded SQLite: run once, in the SQLite run
pytestmark = pytest.mark.embedded

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _base_url(tmp_path: Path, **env: str) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CAREDESK_BASE_URL)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**_env(tmp_path), "DJANGO_SETTINGS_MODULE": "caredesk.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_links_in_mail_follow_the_port_unless_a_base_url_is_set(tmp_path):
    assert _base_url(tmp_path) == "http://127.0.0.1:8000"
    assert _base_url(tmp_path, PORT="8123") == "http://127.0.0.1:8123"
    assert (
        _base_url(tmp_path, PORT="8123", CAREDESK_BASE_URL="https://support.example.org/")
        == "https://support.example.org"
    )


# -- the README ------------------------------------------------------------------------------

_LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+)\)")
_PATH_CELL = re.compile(r"^\| (`/[^|]*)\|", re.MULTILINE)


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors for a Markdown file's headings."""
    out = set()
    for heading in re.findall(r"^#+\s+(.+)$", markdown, re.MULTILINE):
        text = re.sub(r"[`*_]", "", heading).strip().lower()
        text = re.sub(r"[^\w\- ]", "", text)
        out.add(text.replace(" ", "-"))
    return out


def test_every_link_in_the_readme_leads_to_a_file_and_heading_that_exist():
    links = _LINK.findall(README.read_text())
    assert links, "the README links to its guides"
    for link in links:
        assert not link.startswith("/work/"), link
        if link.startswith(("http://", "https://", "mailto:")):
            continue  # nothing outside the repository is linked today; see the next assert
        path, _, anchor = link.partition("#")
        target = (README.parent / path).resolve()
        assert target.is_file(), f"README links to {link}: no such file"
        if anchor:
            assert anchor in _anchors(target.read_text()), f"README links to {link}: no heading"
    assert not [x for x in links if x.startswith(("http://", "https://"))]


# Paths in the README's table that are not pages to open with a browser: the reason is given.
_NOT_PAGES = {
    "/hooks/phone/twilio/": "Twilio's signed callbacks (POST only; tested in tests/phone)",
    "/hooks/oncall/twilio/sms/": "Twilio's signed inbound SMS (POST only; tested in tests/oncall)",
}


@pytest.mark.django_db
def test_every_path_the_readme_lists_answers(client):
    from django.test import Client

    from caredesk.accounts.roles import ROLE_ADMIN
    from tests.factories import AgentFactory, login_verified, requester_with_login

    admin = AgentFactory(role=ROLE_ADMIN, is_superuser=True)
    login_verified(client, admin)
    requester = Client()  # the portal is the requesters' (staff are refused there)
    login_verified(requester, requester_with_login().user)
    cells = _PATH_CELL.findall(README.read_text())
    paths = [p for cell in cells for p in re.findall(r"`(/[^`]*)`", cell) if "<" not in p]
    assert {"/agent/", "/portal/", "/help/new/", "/agent/governance/breaches/"} <= set(paths)
    answered = {}
    for path in paths:
        if path in _NOT_PAGES:
            continue
        who = requester if path.startswith("/portal/") else client
        answered[path] = who.get(path).status_code
    refused = {p: c for p, c in answered.items() if c not in (200, 302)}
    assert not refused, refused


# -- the first start -------------------------------------------------------------------------


def _outbox_waiting(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "caredesk.sqlite3") as db:
        row = db.execute(
            "SELECT COUNT(*) FROM core_outboxitem WHERE status IN ('pending', 'sending')"
        ).fetchone()
    return int(row[0])


def _mail_bodies(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "caredesk.sqlite3") as db:
        rows = db.execute("SELECT payload FROM core_outboxitem WHERE kind = 'email'").fetchall()
    return [json.loads(r[0])["body"] for r in rows]


# Lines a first start may log above INFO, each with why it is no failure.
_EXPECTED = (
    # the embedded mode makes its own encryption keys and asks that they be kept safe
    "PHI encryption keys were created in",
)


def test_the_first_start_logs_no_failures_for_integrations_nobody_configured(tmp_path):
    port = _free_port()
    proc = _serve(tmp_path, port)
    try:
        _wait_healthy(port, proc)
        deadline = time.monotonic() + 120
        # the demo's protocols ask for tracker issues and mail; the worker settles them all
        while _outbox_waiting(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.5)  # waiting for a real worker process, not moving test time
        assert _outbox_waiting(tmp_path) == 0
    finally:
        out = _stop(proc)
    problems = [
        line
        for line in out.splitlines()
        if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback", line)
        and not any(expected in line for expected in _EXPECTED)
    ]
    assert not problems, "\n".join(problems)
    assert "Loading demo data" in out
    for body in _mail_bodies(tmp_path):  # links to the portal lead to this port
        for site in re.findall(r"(https?://[^\s/]+)/portal/", body):
            assert site == f"http://127.0.0.1:{port}", body
