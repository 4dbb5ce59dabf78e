"""Outbox delivery in the scale-out mode: webhooks through two `caredesk worker` processes on
PostgreSQL and Redis, to a receiver on 127.0.0.1 that fails a random share of requests.

    .venv/bin/python bench/outbox.py                      # 10,000 items, 30 % of requests fail
    .venv/bin/python bench/outbox.py --items 2000 --fail 0.5 --threads 8

The items are queued first (by a separate producer process, as rules in web processes queue
them, `--per-commit` to a transaction), then the workers start and the clock runs until every
item is settled. The receiver checks every request as a Standard Webhooks consumer does
(signature over id, timestamp and body; timestamp within 5 minutes) and counts a request for an
id it has already acknowledged as a double. Items given up (every attempt of the schedule drew a
failure) are then replayed with `caredesk outbox replay --kind webhook --all` and followed to
delivery, so "lost" counts what was neither delivered nor recoverable. The retry schedule is
shortened (--schedule) so the run takes a minute, not a day. Prints one JSON object.

Needs PostgreSQL and Redis (CAREDESK_PG_URL, CAREDESK_SCALEOUT_REDIS_URL; defaults on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' scale-out harness

from tests.outbox_scaleout import (  # noqa: E402
    Receiver,
    new_secret,
    produce,
    receiving,
    site,
    unreachable,
    wait_for,
)


def _count(here, where: str) -> int:  # type: ignore[no-untyped-def]
    rows = here.sql(f"SELECT count(*) FROM core_outboxitem WHERE kind = 'webhook' AND {where}")  # noqa: S608
    return int(rows[0][0])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--items", type=int, default=10_000)
    p.add_argument("--fail", type=float, default=0.3, help="share of requests answered 503")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--per-commit", type=int, default=10)
    p.add_argument("--schedule", default="1s,1s,2s,2s,4s,4s,8s")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    reason = unreachable()
    if reason:
        sys.exit(reason)

    rng = random.Random(args.seed)
    draw = threading.Lock()

    def answer(webhook_id: str) -> int:
        with draw:
            return 503 if rng.random() < args.fail else 200

    events = 50
    tickets = max(1, args.items // events)
    receiver = Receiver(secret=new_secret(), answer=answer)
    with (
        tempfile.TemporaryDirectory() as tmp,
        receiving(receiver),
        site(Path(tmp), schedule=args.schedule, lease_seconds=60) as here,
    ):
        made = produce(here, receiver, tickets=tickets, events=events, per_commit=args.per_commit)
        queued = int(made["queued"])
        with here.workers(count=args.workers, threads=args.threads):
            started, started_mono = time.perf_counter(), time.monotonic()
            load_before = os.getloadavg()[0]
            marks: dict[str, float] = {}

            def progress() -> bool:
                settled = _count(here, "status IN ('sent', 'failed')")
                if settled >= queued * 0.99 and "p99" not in marks:
                    marks["p99"] = time.perf_counter() - started
                return settled == queued

            wait_for("every item settled", progress, seconds=1800, here=here)
            seconds = time.perf_counter() - started
            load_after = os.getloadavg()[0]
            given_up = _count(here, "status = 'failed'")
            attempts = dict(
                here.sql(
                    "SELECT attempts, count(*) FROM core_outboxitem WHERE kind = 'webhook'"
                    " GROUP BY attempts ORDER BY attempts"
                )
            )
            disagree = here.sql(
                "SELECT count(*) FROM core_outboxitem o JOIN integrations_webhookdelivery d"
                " ON d.id = (o.payload->>'delivery')::bigint WHERE o.kind = 'webhook' AND NOT ("
                " (o.status = 'sent' AND d.status = 'delivered') OR"
                " (o.status = 'failed' AND d.status = 'failed')) OR o.attempts <> d.attempts"
            )[0][0]
            if given_up:
                here.run("caredesk.cli", "outbox", "replay", "--kind", "webhook", "--all")
                wait_for(
                    "replayed items delivered",
                    lambda: _count(here, "status = 'sent'") == queued,
                    seconds=600,
                    here=here,
                )
            messages = {
                row[0] for row in here.sql("SELECT message_id FROM integrations_webhookdelivery")
            }

    delivered = receiver.delivered()
    arrivals = sorted(r.at for seen in receiver.requests.values() for r in seen)
    first = arrivals[0] - started_mono if arrivals else 0.0  # the workers' start-up
    requests = sum(len(seen) for seen in receiver.requests.values())
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.node()} {platform.machine()} python {platform.python_version()}",
                "load_average_1min": [round(load_before, 1), round(load_after, 1)],
                "items": queued,
                "producer_seconds": round(made["seconds"], 1),
                "workers": f"{args.workers} x {args.threads} threads",
                "fail_share": args.fail,
                "schedule": args.schedule,
                "seconds_to_first_request": round(first, 1),
                "seconds_to_settle_all": round(seconds, 1),
                "seconds_to_settle_99pct": round(marks.get("p99", seconds), 1),
                "items_per_second": round(queued / (seconds - first), 1),
                "items_per_second_99pct": round(
                    0.99 * queued / (marks.get("p99", seconds) - first), 1
                ),
                "requests": requests,
                "attempts_per_item": {str(k): v for k, v in attempts.items()},
                "given_up_then_replayed": given_up,
                "log_disagrees_with_outbox": disagree,
                "lost": len(messages - delivered),
                "doubled": receiver.after_success,
                "bad_signatures": receiver.bad_signatures,
                "stale_timestamps": receiver.stale_timestamps,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
