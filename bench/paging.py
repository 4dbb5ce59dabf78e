"""Paging latency: a customer's message that a protocol pages on, to the SMS arriving at
Twilio's REST API (a recording peer on 127.0.0.1), with the worker running as `caredesk serve`
runs it (Huey's consumer in the process, on the embedded SQLite queue).

    .venv/bin/python bench/paging.py                 # 50 pages, embedded SQLite in a temp folder
    .venv/bin/python bench/paging.py --pages 200
    .venv/bin/python bench/paging.py --database-url postgres://postgres@127.0.0.1:5432/caredesk_paging

Each round opens a ticket (not timed), then adds the requester's message "... collapsed ...":
the protocol pages the clinical liaisons' on-call person, the outbox delivers the SMS through
the worker, and the time from the message's arrival to the peer receiving the SMS is recorded.
The liaison then acknowledges so the next round starts clean. Prints one JSON object with p50,
p95 and max in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' Twilio peer


def _setup(folder: Path, database_url: str | None) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "caredesk.settings",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "CAREDESK_AUDIT_KEY": "bench-only-audit-key-" + "y" * 40,
            "CAREDESK_INSECURE_HTTP": "1",
            "CAREDESK_DATA_DIR": str(folder),
            "CAREDESK_LOG_LEVEL": "WARNING",
        }
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        from bench.audit import _recreate

        _recreate(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--pages", type=int, default=50)
    p.add_argument("--database-url", default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp), args.database_url)
        from django.conf import settings
        from tests.factories import ContactFactory, make_ticket
        from tests.oncall.conftest import PHONES, clinical_team, peer_running, primary_on_call_now
        from tests.oncall.test_paging import paging_protocol
        from tests.oncall.worker import worker_running

        from caredesk.oncall.models import Page
        from caredesk.oncall.services import page_acknowledge
        from caredesk.tickets.models import MessageKind
        from caredesk.tickets.services import Body, message_add

        clinical = clinical_team()
        primary_on_call_now(clinical)
        paging_protocol()
        requester = ContactFactory(name="Benedikt Ormsby")
        latencies: list[float] = []
        with peer_running(settings) as peer, worker_running():
            for n in range(args.pages):
                ticket = make_ticket(requester, subject=f"Pump {n}", body="A question.")
                start = time.monotonic()
                message_add(
                    ticket=ticket,
                    kind=MessageKind.PUBLIC,
                    body=Body(text="My husband collapsed after the dose."),
                    actor=requester,
                )
                texts = peer.wait_texts(PHONES["primary"], count=n + 1, timeout=60)
                if len(texts) <= n:
                    sys.exit(f"page {n}: no SMS within 60 s")
                latencies.append((texts[n].at - start) * 1000)
                page = Page.objects.get(ticket=ticket)
                page_acknowledge(page=page, user=clinical.primary, via="bench")
        latencies.sort()
        print(
            json.dumps(
                {
                    "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                    "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
                    "database": "postgresql" if args.database_url else "sqlite",
                    "pages": args.pages,
                    "message_to_sms_ms": {
                        "p50": round(statistics.median(latencies), 1),
                        "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
                        "max": round(latencies[-1], 1),
                    },
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
