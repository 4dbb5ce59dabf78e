"""Two `caredesk worker` processes (four threads each) on PostgreSQL and Redis deliver webhooks
to a receiver on 127.0.0.1 that is down for a while and then recovers: each item is attempted
at most once per step of its retry schedule, none is given up, each is delivered exactly once
after the recovery, every signature is valid, and the delivery log agrees with the outbox.

Runs where PostgreSQL and Redis are reachable (CAREDESK_PG_URL, CAREDESK_SCALEOUT_REDIS_URL,
defaults on 127.0.0.1); with CAREDESK_REQUIRE_SCALEOUT=1 (CI) it fails instead of skipping.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from caredesk.core.outbox import _parse
from tests.outbox_scaleout import (
    Receiver,
    new_secret,
    produce,
    receiving,
    site,
    unreachable,
    wait_for,
)

pytestmark = pytest.mark.scaleout

SCHEDULE = "1s,2s,4s,4s,4s,4s,4s"  # 8 attempts over 23 s: short, so the test takes seconds
ITEMS = 40


@pytest.fixture(scope="module")
def scaleout_parts() -> None:
    reason = unreachable()
    if reason and os.environ.get("CAREDESK_REQUIRE_SCALEOUT") == "1":
        pytest.fail(reason + " (CAREDESK_REQUIRE_SCALEOUT=1)", pytrace=False)
    if reason:
        pytest.skip(reason)


class Outage:
    """The receiver answers 503 until the test ends the outage."""

    def __init__(self) -> None:
        self.over = threading.Event()
        self.ended_at = 0.0

    def answer(self, webhook_id: str) -> int:
        return 200 if self.over.is_set() else 503

    def end(self, receiver: Receiver) -> None:
        with receiver.lock:  # no request is answered halfway through the switch
            self.ended_at = time.monotonic()
            self.over.set()


def test_two_workers_deliver_every_item_once_after_an_outage(scaleout_parts, tmp_path):
    steps = [step.total_seconds() for step in _parse(SCHEDULE)]
    outage = Outage()
    receiver = Receiver(secret=new_secret(), answer=outage.answer)
    with (
        receiving(receiver),
        site(tmp_path, schedule=SCHEDULE) as here,
        here.workers(count=2, threads=4),
    ):
        produce(here, receiver, tickets=ITEMS, events=1, per_commit=1)

        def failed_twice() -> bool:
            # as the receiver saw it: an attempt the outbox has counted may still be on its way,
            # and would meet the receiver after the outage
            with receiver.lock:
                answers = [[r.answered for r in seen] for seen in receiver.requests.values()]
            return len(answers) == ITEMS and all(a.count(503) >= 2 for a in answers)

        def settled() -> bool:
            rows = here.sql(
                "SELECT count(*) FROM core_outboxitem WHERE kind = 'webhook'"
                " AND status IN ('sent', 'failed')"
            )
            return rows[0][0] == ITEMS

        # generous deadlines: the CI machine is shared; the schedule itself takes seconds
        wait_for("every item to fail twice", failed_twice, seconds=240, here=here)
        outage.end(receiver)
        wait_for("every item to be settled", settled, seconds=240, here=here)
        items = here.sql(
            "SELECT o.status, o.attempts, d.status, d.attempts, d.message_id, d.next_attempt_at"
            " FROM core_outboxitem o JOIN integrations_webhookdelivery d"
            " ON d.id = (o.payload->>'delivery')::bigint WHERE o.kind = 'webhook'"
        )

    assert len(items) == ITEMS
    for status, attempts, logged, logged_attempts, message_id, next_at in items:
        assert (status, logged) == ("sent", "delivered"), message_id
        assert logged_attempts == attempts and next_at is None, "the log agrees with the outbox"
        assert 3 <= attempts <= len(steps) + 1, (message_id, attempts)
        requests = receiver.requests[message_id]
        assert len(requests) == attempts, "every attempt reached the receiver once"
        failed = [r for r in requests if r.answered == 503]
        assert len(failed) == attempts - 1 and requests[-1].answered == 200
        assert all(r.at < outage.ended_at for r in failed), "delivered at the first try after"
        for n, (before, after) in enumerate(zip(requests, requests[1:], strict=False)):
            gap = after.at - before.at
            assert gap >= steps[n] - 0.02, (message_id, n + 1, gap)  # once per step, at most

    assert receiver.delivered() == {row[4] for row in items}
    assert (receiver.after_success, receiver.bad_signatures, receiver.stale_timestamps) == (0, 0, 0)
