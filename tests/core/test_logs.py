"""Log lines are JSON objects (CAREDESK_LOG_FORMAT=json) that carry the request ID and the job,
and never the health information, addresses or passwords that requests and jobs carry."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from django.core import mail as sent_mail
from django.test import Client

from caredesk.core.logs import JsonFormatter, TextFormatter, logging_config
from caredesk.intake.services import mail_ingest
from tests.api.conftest import ApiClient
from tests.core.jobs import failing_job
from tests.factories import PASSWORD, AgentFactory
from tests.intake.conftest import imap_server  # noqa: F401 - a real IMAP server (dovecot)
from tests.peers import free_port

PATIENT = "MRN-77120-QX"  # a patient ID
BODY = "my insulin pump alarms at night"  # a sentence from a message
ADDRESS = "wilhelmina.oakridge@patients.example"  # a requester's e-mail address
WRONG_PASSWORD = "Tulip-Harbour-5521!"


def _raw_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Wilhelmina Oakridge <{ADDRESS}>"
    msg["To"] = "support@caredesk.example"
    msg["Subject"] = "Pump alarm"
    msg["Message-ID"] = make_msgid(domain="patients.example")
    msg.set_content(f"Hello, {BODY}. My patient ID is {PATIENT}.")
    return msg.as_bytes()


@pytest.fixture
def json_log(caplog: Any) -> Any:
    """Everything logged at DEBUG, formatted as the JSON format writes it."""
    caplog.set_level(logging.DEBUG)
    caplog.handler.setFormatter(JsonFormatter())
    return caplog


@pytest.mark.django_db
def test_requests_and_jobs_log_json_lines_without_health_information(
    json_log: Any, django_capture_on_commit_callbacks: Any
) -> None:
    agent = AgentFactory(email="corentin.ashby@caredesk.example")
    json_log.clear()  # the test's own set-up (factory_boy logs what it builds) is not the app
    client = Client()
    # a wrong password, then the right one
    client.post("/login/", {"username": agent.email, "password": WRONG_PASSWORD})
    client.post("/login/", {"username": agent.email, "password": PASSWORD})
    # a ticket through the API with a patient ID, the requester's address and a message
    api = ApiClient(agent)
    created = api.post(
        "/tickets",
        {
            "subject": "Pump alarm",
            "body": BODY,
            "requester": {"name": "Wilhelmina Oakridge", "email": ADDRESS},
            "fields": {"patient_id": PATIENT},
        },
    )
    assert created.status_code == 201, created.content
    # a patient search: the ID travels in the query string
    assert api.get("/tickets", patient_id=PATIENT).status_code == 200
    # mail in: its acknowledgement is a job that sends mail to the address
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_ingest(raw=_raw_mail()).status == "created"
    assert [m.to for m in sent_mail.outbox] == [[ADDRESS]]
    # a job that fails with a stored value in its error message
    failing_job(PATIENT)

    lines = json_log.text.splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= set(entry)
    for secret in (PATIENT, BODY, ADDRESS, WRONG_PASSWORD, PASSWORD):
        assert secret not in json_log.text, secret
    requests = [e for e in entries if e["logger"] == "caredesk.request"]
    assert {(e["method"], e["route"], e["status"]) for e in requests} >= {
        ("POST", "/login/", 200),
        ("POST", "/login/", 302),
        ("POST", "/api/v1/tickets", 201),
        ("GET", "/api/v1/tickets", 200),
    }
    assert all(len(e["request_id"]) == 32 for e in requests)
    failed = [e for e in entries if "exception" in e]
    assert failed and failed[-1]["task"] == "failing_job"
    assert failed[-1]["exception"].startswith("ValueError at ")
    assert "tests/core/jobs.py" in failed[-1]["exception"]


def _record(**extra: Any) -> logging.LogRecord:
    try:
        raise ValueError(f"duplicate key: (email)=({ADDRESS})")
    except ValueError:
        record = logging.getLogger("caredesk.test").makeRecord(
            "caredesk.test", logging.ERROR, __file__, 1, "could not save %s", ("row 7",),
            sys.exc_info(), extra=extra,
        )  # fmt: skip
    return record


def test_json_lines_keep_only_named_fields_and_the_exceptions_type() -> None:
    request = type("Request", (), {"request_id": "lb-7f3a"})()
    record = _record(request=request, email=ADDRESS, route="/agent/", status=500, body=BODY)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "could not save row 7"
    assert entry["request_id"] == "lb-7f3a"
    assert entry["route"] == "/agent/" and entry["status"] == 500
    assert "email" not in entry and "body" not in entry
    assert entry["exception"].startswith("ValueError at ")
    assert ADDRESS not in json.dumps(entry)
    assert entry["time"].endswith("Z")


def test_text_lines_show_exceptions_without_their_message() -> None:
    text = TextFormatter().format(_record())
    assert "could not save row 7" in text and "ValueError at " in text
    assert ADDRESS not in text


def test_an_unknown_log_format_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="CAREDESK_LOG_FORMAT"):
        logging_config(fmt="yaml", level="INFO")


def test_the_json_setting_turns_every_logger_into_json_lines_and_uvicorn_access_off(
    tmp_path: Path,
) -> None:
    script = (
        "import logging, django; django.setup();"
        "logging.getLogger('caredesk.x').warning('one %s', 1);"
        "logging.getLogger('uvicorn.error').info('two');"
        "logging.getLogger('uvicorn.access').info('GET /?patient_id=X 200');"
        "import warnings; warnings.warn('three')"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CAREDESK_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "caredesk.settings",
        "CAREDESK_DATA_DIR": str(tmp_path),
        "CAREDESK_LOG_FORMAT": "json",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(e["logger"], e["message"]) for e in entries] == [
        ("caredesk.x", "one 1"),
        ("uvicorn.error", "two"),
        ("py.warnings", entries[-1]["message"]),
    ]
    assert "three" in entries[-1]["message"]


@pytest.mark.django_db
def test_polling_a_mailbox_at_debug_logs_no_mail(json_log: Any, imap_server: Any) -> None:  # noqa: F811
    from caredesk.intake.imap import poll_all
    from tests.intake.conftest import PASSWORD as MAILBOX_PASSWORD

    imap_server.deliver(_raw_mail())
    unreachable = f"imap://support:{WRONG_PASSWORD}@127.0.0.1:{free_port()}/INBOX"
    assert poll_all([imap_server.url, unreachable]) == 1
    assert "could not be polled: ConnectionRefusedError" in json_log.text
    assert "Pump alarm" not in json_log.text  # the subject, fetched with the message
    for secret in (PATIENT, BODY, ADDRESS, MAILBOX_PASSWORD, WRONG_PASSWORD):
        assert secret not in json_log.text, secret
