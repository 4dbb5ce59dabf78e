"""Scale-out mode, run as the operator guide describes it, loses nothing and does nothing twice.

Two web processes and two job workers share a fresh PostgreSQL database and Redis. Mail comes
in through the pipe (`caredesk mail ingest`, one message twice at once, as a mail server's retry
would) and through an IMAP mailbox that both workers poll at the same time; tickets are opened
through the API of both web processes; the desk's clock is moved so SLA warnings and breaches
fall due, and both workers and a command-line tick sweep them at once; a rule sends a signed
webhook for every new ticket and every breach. One worker is killed (SIGKILL) while a webhook
it is sending is in flight. Then: every mail is one ticket, every SLA warning and breach is
written once per clock, every webhook is acknowledged by the receiver exactly once, every
outbox item is sent, and the logs of every process are JSON lines without the health
information that went through them.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from caredesk.tasks import mail_poll_task, sla_tick_task, sweep_outbox_task
from tests.intake.conftest import imap_server  # noqa: F401 - a real IMAP server (dovecot)
from tests.peers import Inbox, free_port
from tests.scaleout.conftest import Desk, holder_of, prepare
from tests.scaleout.prepare import FIRST_RESPONSE_MINUTES, WARN_AT
from tests.scaleout.receiver import WebhookReceiver

RUN = uuid.uuid4().hex[:8]
PATIENT = f"PT-{RUN}-"  # every patient ID and member number below starts with this
BODY_MARK = f"strap-tore-{RUN}"  # in every mail and API body
API_BEFORE_KILL, API_AFTER_KILL, IMAP_MAILS, PIPE_MAILS = 12, 12, 8, 3
NAMES = ["Odile Farrant", "Bram Castellow", "Ines Warrick", "Tobiah Lune", "Sunniva Orme"]


def mail(n: int, door: str) -> tuple[str, bytes]:
    message_id = f"<{door}-{n}-{RUN}@members.example>"
    name = NAMES[n % len(NAMES)]
    msg = EmailMessage()
    msg["From"] = f"{name} <{door}{n}.{RUN}@members.example>"
    msg["To"] = "support@caredesk.example"
    msg["Subject"] = f"Knee brace question {door} {n}"
    msg["Message-ID"] = message_id
    msg["Date"] = "Mon, 02 Nov 2026 09:00:00 +0000"
    msg.set_content(f"Hello, the {BODY_MARK} again. My member number is {PATIENT}M{door}{n}.\n")
    return message_id, bytes(msg)


def call(method: str, url: str, token: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - 127.0.0.1
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw.startswith(b"{") else raw.decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def open_ticket(desk: Desk, n: int) -> int:
    web = desk.webs[n % 2]  # both web processes, in turn
    status, answer = call(
        "POST",
        f"{web}/api/v1/tickets",
        desk.token,
        {
            "subject": f"Brace strap {n}",
            "body": f"The {BODY_MARK} during physiotherapy.",
            "requester": {"name": NAMES[n % len(NAMES)], "email": f"api{n}.{RUN}@members.example"},
            "fields": {"patient_id": f"{PATIENT}{n}"},
        },
    )
    assert status == 201, answer
    return int(answer["id"])


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def desk_now(desk: Desk) -> datetime:
    offset = float(Path(desk.env["CAREDESK_TEST_CLOCK_FILE"]).read_text())
    return datetime.now(UTC) + timedelta(seconds=offset)


def due_clocks(desk: Desk) -> int:
    return int(
        desk.scalar("SELECT count(*) FROM sla_slaclock WHERE next_check_at <= %s", desk_now(desk))
    )


def drained(desk: Desk, receiver: WebhookReceiver, *, in_flight: int = 0) -> bool:
    """Every outbox item sent (but `in_flight`), every delivery acknowledged (but those)."""
    unsent = desk.scalar("SELECT count(*) FROM core_outboxitem WHERE status <> 'sent'")
    ids = [m for (m,) in desk.sql("SELECT message_id FROM integrations_webhookdelivery")]
    waiting = [m for m in ids if not receiver.acknowledged[m]]
    return unsent == in_flight and len(waiting) == in_flight


def sweep_sla(desk: Desk, ticks: int) -> None:
    """SLA ticks on both workers and on the command line at the same moment."""
    desk.enqueue(sla_tick_task, times=ticks)
    desk.run("sla", "tick")
    desk.wait_until(lambda: due_clocks(desk) == 0, "the SLA sweep to catch up")


def test_two_web_and_two_worker_processes_lose_nothing_and_do_nothing_twice(
    desk: Desk,
    imap_server,  # noqa: F811
    tmp_path: Path,
) -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the SMTP peer's chatter
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    desk.env.update(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        CAREDESK_IMAP_MAILBOXES=imap_server.url,
    )
    try:
        with WebhookReceiver() as receiver:
            run_the_desk(desk, receiver, imap_server, inbox, tmp_path)
    finally:
        smtp.stop()


def run_the_desk(
    desk: Desk, receiver: WebhookReceiver, imap: Any, inbox: Inbox, tmp_path: Path
) -> None:
    prepare(desk, receiver.url)
    receiver.secret = desk.webhook_secret
    desk.start_web("web-a")
    desk.start_web("web-b")
    workers = [desk.start_worker("worker-1"), desk.start_worker("worker-2")]
    desk.wait_until(
        lambda: (
            all(healthy(w) for w in desk.webs)
            and all("consumer started" in w.text() for w in workers)
        ),
        "both web processes and both workers to start",
    )

    # 1. Intake through every door at once: IMAP (both workers poll the same mailbox), the
    #    mail pipe (one message handed over twice at the same moment), the API of both webs.
    imap_mails = [mail(n, "imap") for n in range(IMAP_MAILS)]
    imap.deliver(*(raw for _, raw in imap_mails))
    pipe_mails = [mail(n, "pipe") for n in range(PIPE_MAILS)]
    files = []
    for n, (_, raw) in enumerate(pipe_mails):
        files.append(tmp_path / f"pipe-{n}.eml")
        files[-1].write_bytes(raw)
    with ThreadPoolExecutor(max_workers=8) as pool:
        desk.enqueue(mail_poll_task, times=2)
        ingests = [pool.submit(desk.run, "mail", "ingest", str(f)) for f in [*files, files[0]]]
        api_ids = list(pool.map(lambda n: open_ticket(desk, n), range(API_BEFORE_KILL)))
        piped = [json.loads(f.result().strip().splitlines()[-1]) for f in ingests]
    # the message handed over twice: a second copy kept is a duplicate; the one copy taken by
    # both at once reports the ticket it opened; either way one ticket per message
    first, *others, twin = piped  # the first and last are the same message, handed over twice
    assert all(p["status"] == "created" for p in others), piped
    opened, second = sorted([first, twin], key=lambda p: p["status"])  # "created" first
    assert opened["status"] == "created", piped
    assert second["status"] == "duplicate" or second == opened, piped
    assert len({p["ticket"] for p in [*others, opened]}) == PIPE_MAILS, piped
    imap_ids = [m for m, _ in imap_mails]
    desk.wait_until(
        lambda: (
            desk.scalar(
                "SELECT count(DISTINCT message_id) FROM intake_inboundmail"
                " WHERE status = 'created' AND message_id = ANY(%s)",
                imap_ids,
            )
            == IMAP_MAILS
        ),
        "the IMAP mail to be taken in",
    )
    desk.wait_until(lambda: drained(desk, receiver), "the first webhooks and mail to go out")

    # 2. 50 minutes later: every first response is past 75 % of its hour; the ticks of both
    #    workers and of the command line race for the same clocks.
    desk.move_clock(50 * 60)
    sweep_sla(desk, ticks=4)
    desk.wait_until(lambda: drained(desk, receiver), "the outbox to drain")

    # 3. One worker is killed while a webhook it sends is in flight; tickets keep coming.
    receiver.arm_trap()
    with ThreadPoolExecutor(max_workers=4) as pool:
        later = pool.map(lambda n: open_ticket(desk, n), range(100, 100 + API_AFTER_KILL))
        desk.wait_until(receiver.trapped.is_set, "a webhook to be held in flight")
        assert receiver.trap is not None
        trapped_id, sender_port = receiver.trap
        victim_pid = holder_of(sender_port, [w.popen.pid for w in workers])
        victim = next(w for w in workers if w.popen.pid == victim_pid)
        victim.killed = True
        os.kill(victim_pid, signal.SIGKILL)
        victim.popen.wait(timeout=30)
        receiver.release.set()  # its answer goes nowhere: the sender is gone
        api_ids += list(later)
    # the item the dead worker held stays claimed until its claim expires
    desk.wait_until(lambda: drained(desk, receiver, in_flight=1), "the survivor to catch up")

    # 4. Two days later: every clock is breached, the dead worker's claim has expired.
    desk.move_clock(2 * 24 * 3600)
    desk.enqueue(sweep_outbox_task, times=2)
    sweep_sla(desk, ticks=3)
    desk.wait_until(lambda: drained(desk, receiver), "every side effect to be delivered")

    check_tickets(desk, api_ids, [m for m, _ in pipe_mails], imap_ids)
    with imap.client() as mailbox:  # every message is marked handled in the mailbox
        mailbox.select_folder("INBOX")
        assert len(mailbox.search(["ALL"])) == IMAP_MAILS
        assert mailbox.search(["NOT", "KEYWORD", "$CareDeskDone"]) == []
    check_sla(desk)
    check_webhooks(desk, receiver, trapped_id)
    check_outbox(desk, inbox)
    check_metrics(desk)
    check_logs(desk)


def check_tickets(desk: Desk, api_ids: list[int], pipe_ids: list[str], imap_ids: list[str]) -> None:
    assert len(set(api_ids)) == API_BEFORE_KILL + API_AFTER_KILL
    stored = {i for (i,) in desk.sql("SELECT id FROM tickets_ticket")}
    assert set(api_ids) <= stored
    mail_ids = pipe_ids + imap_ids
    per_mail = dict(
        desk.sql(
            "SELECT email_message_id, count(DISTINCT ticket_id) FROM tickets_message"
            " WHERE email_message_id = ANY(%s) GROUP BY 1",
            mail_ids,
        )
    )
    assert per_mail == dict.fromkeys(mail_ids, 1), "every mail is one ticket"
    created = dict(
        desk.sql(
            "SELECT message_id, count(*) FROM intake_inboundmail WHERE status = 'created'"
            " GROUP BY 1"
        )
    )
    assert created == dict.fromkeys(mail_ids, 1)
    assert len(stored) == len(api_ids) + len(mail_ids), "no ticket opened twice"


def check_sla(desk: Desk) -> None:
    doubled = desk.sql(
        "SELECT ticket_id, kind, data->>'metric', data->>'fraction', count(*)"
        " FROM tickets_ticketevent WHERE kind IN ('sla_warning', 'sla_breached')"
        " GROUP BY 1, 2, 3, 4 HAVING count(*) > 1"
    )
    assert doubled == [], "an SLA warning or breach was written twice"
    clocks = desk.sql(
        "SELECT ticket_id, metric, breached_at IS NOT NULL, warnings_fired FROM sla_slaclock"
    )
    breaches = {
        (t, m)
        for t, m in desk.sql(
            "SELECT ticket_id, data->>'metric' FROM tickets_ticketevent WHERE kind = 'sla_breached'"
        )
    }
    warnings = {
        (t, m, float(f))
        for t, m, f in desk.sql(
            "SELECT ticket_id, data->>'metric', data->>'fraction' FROM tickets_ticketevent"
            " WHERE kind = 'sla_warning'"
        )
    }
    assert breaches == {(t, m) for t, m, breached, _ in clocks if breached}
    assert warnings == {(t, m, float(f)) for t, m, _, fired in clocks for f in fired}
    # every open clock went past its target: the sweeps really fired
    tickets = desk.scalar("SELECT count(*) FROM tickets_ticket")
    first = [c for c in clocks if c[1] == "first_response"]
    assert len(first) == tickets and all(c[2] for c in first)
    assert {f for c in first for f in c[3]} == set(WARN_AT)
    assert FIRST_RESPONSE_MINUTES * WARN_AT[0] < 50 < FIRST_RESPONSE_MINUTES


def check_webhooks(desk: Desk, receiver: WebhookReceiver, trapped_id: str) -> None:
    rows = desk.sql("SELECT message_id, status, event_type FROM integrations_webhookdelivery")
    assert {status for _, status, _ in rows} == {"delivered"}
    ids = [m for m, _, _ in rows]
    assert dict(receiver.acknowledged) == dict.fromkeys(ids, 1), "each webhook exactly once"
    assert receiver.bad_signatures == []
    assert receiver.received[trapped_id] == 2  # held when its worker died, then sent again
    kinds = {e for _, _, e in rows}
    assert kinds == {"ticket.created", "sla.breached"}


def check_outbox(desk: Desk, inbox: Inbox) -> None:
    statuses = dict(desk.sql("SELECT status, count(*) FROM core_outboxitem GROUP BY 1"))
    assert set(statuses) == {"sent"}
    mails = desk.scalar("SELECT count(*) FROM core_outboxitem WHERE kind = 'email'")
    assert mails > 0 and len(inbox.messages) == mails, "each mail sent exactly once"


def check_metrics(desk: Desk) -> None:
    url = f"{desk.webs[0]}/metrics"
    status, _ = call("GET", url, "not-the-token")
    assert status == 401
    status, text = call("GET", url, desk.metrics_token)
    assert status == 200
    samples = parse_metrics(text)
    # web A reports the requests both web processes answered (one metrics folder per host)
    created = samples[
        (
            "caredesk_http_request_duration_seconds_count",
            (("method", "POST"), ("route", "/api/v1/tickets"), ("status", "2xx")),
        )
    ]
    assert created == API_BEFORE_KILL + API_AFTER_KILL
    assert samples[("caredesk_sla_sweep_lag_seconds", ())] == 0
    assert samples[("caredesk_outbox_oldest_due_seconds", ())] == 0
    assert samples[("caredesk_outbox_items", (("kind", "webhook"), ("status", "pending")))] == 0
    assert ("caredesk_jobs_waiting", (("state", "pending"),)) in samples
    up = {k[1][0][1]: v for k, v in samples.items() if k[0] == "caredesk_metrics_source_up"}
    assert up == {"queue": 1, "outbox": 1, "sla": 1}


def parse_metrics(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def check_logs(desk: Desk) -> None:
    # a patient search through both web processes: its query string must not reach a log
    for web in desk.webs:
        status, _ = call("GET", f"{web}/api/v1/tickets?patient_id={PATIENT}3", desk.token)
        assert status == 200
    desk.stop_all()  # flushes every log
    for process in desk.processes:
        lines = [line for line in process.text().splitlines() if line.strip()]
        assert lines, process.name
        for line in lines:
            entry = json.loads(line)  # one JSON object per line, nothing else
            assert {"time", "level", "logger", "message"} <= set(entry), line
        text = process.text()
        assert PATIENT not in text and BODY_MARK not in text, process.name
        assert "@members.example" not in text, process.name
    requests = [
        json.loads(line)
        for p in desk.processes
        if p.name.startswith("web")
        for line in p.text().splitlines()
        if '"caredesk.request"' in line
    ]
    assert requests and all(r.get("request_id") and r.get("route") for r in requests)
