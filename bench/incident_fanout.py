"""One incident update told to 1,000 linked tickets by the worker.

    .venv/bin/python bench/incident_fanout.py                    # embedded SQLite in a temp folder
    .venv/bin/python bench/incident_fanout.py --tickets 1000
    .venv/bin/python bench/incident_fanout.py --database-url postgres://postgres@127.0.0.1:5432/caredesk_fanout

Opens --tickets tickets (each from its own requester) and links them to a Sev 2 incident (not
timed), then posts a public update with "notify" and runs the worker's fan-out job
(`incident_fanout_task`, as the worker runs it): a public reply on every linked ticket through
the ticket services, each queuing its mail in the outbox. Then the resolution: a reply on each
and every ticket solved. Both are timed; the target is <= 30 s for 1,000 tickets
(docs/benchmarks.md). The mail itself goes out after, by the outbox's own jobs (not timed: it
is the same delivery as any reply). The database is created fresh. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit import _setup  # noqa: E402 - the same fresh database as the audit benchmark

TARGET_SECONDS = 30


def run(count: int) -> dict[str, object]:
    from django.contrib.auth.models import Group

    from caredesk.accounts.models import Contact, User
    from caredesk.accounts.roles import ROLE_SUPERVISOR
    from caredesk.incidents.fanout import update_fanout
    from caredesk.incidents.linking import tickets_link
    from caredesk.incidents.models import IncidentUpdate
    from caredesk.incidents.services import incident_declare, incident_resolve, incident_update_post
    from caredesk.incidents.tasks import incident_fanout_task
    from caredesk.tickets.models import Status, Ticket
    from caredesk.tickets.services import Body, NewTicket, tickets_open

    lead = User.objects.create_user(
        email="bench.lead@caredesk.example", password="x", name="Bench Lead"
    )
    lead.groups.add(Group.objects.get(name=ROLE_SUPERVISOR))
    people = Contact.objects.bulk_create(
        Contact(name=f"Member {n}", email=f"member{n}@bench.example") for n in range(count)
    )
    started = time.perf_counter()
    opened = []
    for chunk in range(0, count, 100):
        data = [
            NewTicket(requester=p, subject="Video visit will not start", body=Body(text="Spins."))
            for p in people[chunk : chunk + 100]
        ]
        opened += tickets_open(items=data, actor=lead)
    setup_seconds = time.perf_counter() - started
    ids = list(Ticket.objects.values_list("pk", flat=True))
    incident = incident_declare(title="Video rooms fail", severity=2, actor=lead, page=False)
    tickets_link(incident=incident, ticket_ids=ids, actor=lead)

    # the listener queues the job after commit; here the job is run as the worker runs it
    update = incident_update_post(
        incident=incident, actor=lead, body="We are moving rooms to another relay.", notify=True
    )
    started = time.perf_counter()
    incident_fanout_task.call_local(update.pk)
    update_seconds = time.perf_counter() - started
    update.refresh_from_db()

    resolution = incident_resolve(incident=incident, actor=lead, body="Rooms start again.")
    started = time.perf_counter()
    update_fanout(update_id=resolution.pk)
    resolve_seconds = time.perf_counter() - started
    resolution = IncidentUpdate.objects.get(pk=resolution.pk)
    solved = Ticket.objects.filter(pk__in=ids, status=Status.SOLVED).count()
    return {
        "tickets": count,
        "setup_seconds": round(setup_seconds, 1),
        "update_seconds": round(update_seconds, 2),
        "update_sent_count": update.sent_count,
        "update_per_ticket_ms": round(update_seconds * 1000 / count, 2),
        "resolve_seconds": round(resolve_seconds, 2),
        "resolve_sent_count": resolution.sent_count,
        "solved": solved,
        "target_seconds": TARGET_SECONDS,
        "met": update_seconds <= TARGET_SECONDS and resolve_seconds <= TARGET_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caredesk-bench-") as folder:
        os.environ["CAREDESK_TESTING"] = "0"
        _setup(args.database_url, Path(folder))
        from django.db import connection

        result = run(args.tickets)
        result.update(
            database=connection.vendor,
            date=datetime.now(UTC).strftime("%Y-%m-%d"),
            machine=f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
