"""The outbox delivers mail to a real SMTP peer, retries failures on its schedule, never takes an
item another worker holds or that waits for its next attempt, and gives up only at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from caredesk.core import outbox
from caredesk.core.models import OutboxItem, OutboxKind, OutboxStatus
from caredesk.core.outbox import (
    DeliveryFailed,
    describe,
    handler_register,
    outbox_add,
    outbox_deliver,
    outbox_replay,
    schedule_span,
)
from tests.peers import free_port

pytestmark = pytest.mark.django_db


def _email(to: str = "pat@patients.example") -> OutboxItem:
    return outbox_add(
        kind=OutboxKind.EMAIL,
        payload={"to": [to], "subject": "[CD-1001] Hello", "body": "Body text"},
    )


@pytest.fixture
def smtp_down(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there


@pytest.fixture
def probe() -> Iterator[dict[str, Callable[[dict[str, Any]], None]]]:
    """A kind of item whose delivery runs what the test says: what another worker does while
    this one is in the middle of an attempt."""
    during: dict[str, Callable[[dict[str, Any]], None]] = {}

    def send(payload: dict[str, Any]) -> None:
        during[payload["name"]](payload)

    handler_register("probe", send=send)
    yield during
    outbox._handlers.pop("probe")


def test_delivers_to_smtp_once_even_if_run_twice(smtp, clock):
    item = _email()
    assert outbox_deliver() == 1
    assert outbox_deliver() == 0
    assert len(smtp.messages) == 1
    sender, rcpts, content = smtp.messages[0]
    assert rcpts == ["pat@patients.example"] and b"Subject: [CD-1001] Hello" in content
    item.refresh_from_db()
    assert item.status == OutboxStatus.SENT and item.sent_at == clock.current
    assert item.lease_until is None


def test_the_default_schedule_spans_more_than_a_day():
    assert describe(schedule_span()) == "1 d 3 h 35 min 5 s"
    assert outbox.max_attempts() == 8


def test_a_failing_item_is_attempted_once_per_step_and_given_up_only_after_the_schedule(
    smtp_down, clock
):
    item = _email()
    steps = outbox.schedule()
    for attempt, step in enumerate(steps, start=1):
        assert outbox_deliver() == 0
        item.refresh_from_db()
        assert (item.status, item.attempts) == (OutboxStatus.PENDING, attempt)
        assert "Error" in item.last_error
        wait = item.available_at - clock.current
        assert step <= wait <= step * 1.1, (attempt, wait)  # jitter only ever adds
        # however often workers look before the step is over, nothing is attempted
        clock.set(item.available_at - timedelta(microseconds=1))
        assert outbox_deliver() == 0
        item.refresh_from_db()
        assert item.attempts == attempt
        clock.set(item.available_at)
    assert outbox_deliver() == 0
    item.refresh_from_db()
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 8)
    clock.advance(days=3)
    assert outbox_deliver() == 0
    item.refresh_from_db()
    assert item.attempts == 8, "a given-up item stays given up"


def test_an_item_waiting_for_its_next_attempt_is_not_taken_by_a_worker_that_listed_it_earlier(
    probe, clock
):
    # Worker A lists both items as due. While A sends the first, worker B fails the second,
    # which now waits for its next step; A must not attempt it again from its stale list.
    attempts: list[str] = []

    def first(payload: dict[str, Any]) -> None:
        attempts.append("first")
        outbox_deliver()  # worker B, meanwhile

    def second(payload: dict[str, Any]) -> None:
        attempts.append("second")
        raise DeliveryFailed("HTTP 503", code=503)

    probe.update(first=first, second=second)
    one = outbox_add(kind="probe", payload={"name": "first"})
    two = outbox_add(kind="probe", payload={"name": "second"})
    assert outbox_deliver() == 1
    assert attempts == ["first", "second"]
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == OutboxStatus.SENT
    assert (two.status, two.attempts) == (OutboxStatus.PENDING, 1)


def test_an_item_in_flight_is_not_taken_and_a_dead_workers_item_comes_back_once(smtp, clock):
    item = _email()
    assert outbox._claim(item)  # a worker took it, then died
    assert outbox_deliver() == 0, "its lease is respected"
    clock.advance(seconds=outbox.lease().total_seconds() - 1)
    assert outbox_deliver() == 0
    clock.advance(seconds=1)
    assert outbox_deliver() == 1
    assert outbox_deliver() == 0
    assert len(smtp.messages) == 1
    item.refresh_from_db()
    assert (item.status, item.attempts) == (OutboxStatus.SENT, 2)


def test_a_worker_that_outlived_its_lease_does_not_overwrite_the_attempt_that_replaced_it(
    probe, clock
):
    calls: list[int] = []

    def slow(payload: dict[str, Any]) -> None:
        calls.append(len(calls) + 1)
        if len(calls) == 1:
            clock.advance(seconds=outbox.lease().total_seconds() + 1)
            outbox_deliver()  # another worker takes the expired claim and succeeds
            raise DeliveryFailed("timed out")

    probe["slow"] = slow
    item = outbox_add(kind="probe", payload={"name": "slow"})
    outbox_deliver()
    assert calls == [1, 2]
    item.refresh_from_db()
    assert (item.status, item.attempts, item.last_error) == (OutboxStatus.SENT, 2, "")


def test_an_unknown_kind_is_given_up_at_once_with_a_clear_error(clock, caplog):
    item = outbox_add(kind="fax", payload={"to": "+15550100"})
    assert outbox_deliver() == 0
    item.refresh_from_db()
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 1)
    assert item.last_error == "no delivery handler is registered for kind 'fax'"
    assert "unknown kind 'fax'" in caplog.text


def test_a_transaction_wakes_a_worker_once_for_all_its_items(
    smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(3):
            _email(f"pat{n}@patients.example")
    assert len(callbacks) == 1
    assert len(smtp.messages) == 3, "the wake-up delivered the transaction's items"
    assert OutboxItem.objects.filter(status=OutboxStatus.SENT).count() == 3


def test_a_retry_books_one_wake_up_for_when_it_is_due(smtp_down, clock):
    from huey.contrib.djhuey import HUEY

    def booked_since(before: set[str]) -> list[Any]:
        return [task for task in HUEY.scheduled() if task.id not in before]

    item = _email()
    before = {task.id for task in HUEY.scheduled()}
    outbox_deliver()
    (booked,) = booked_since(before)
    assert booked.name == "deliver_outbox_task" and booked.args == ([item.pk],)
    item.refresh_from_db()

    # the wake-up runs early (a worker whose clock is behind): it books itself again
    before = {task.id for task in HUEY.scheduled()}
    clock.set(item.available_at - timedelta(seconds=1))
    assert outbox_deliver(ids=[item.pk]) == 0
    assert len(booked_since(before)) == 1
    # on time, the attempt fails again: one wake-up for the next step, not one per caller
    before = {task.id for task in HUEY.scheduled()}
    clock.set(item.available_at)
    outbox_deliver(ids=[item.pk])
    assert len(booked_since(before)) == 1
    item.refresh_from_db()
    assert item.attempts == 2


def test_replay_gives_a_given_up_item_a_fresh_schedule_and_is_idempotent(clock, settings, smtp):
    from caredesk.compliance.models import AuditEntry
    from tests.factories import AgentFactory

    relay, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # the relay is down
    item = _email()
    OutboxItem.objects.filter(pk=item.pk).update(status=OutboxStatus.FAILED, attempts=8)
    sent = _email("sent@patients.example")
    OutboxItem.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT)
    operator = AgentFactory()

    replayed = outbox_replay(ids=[item.pk, sent.pk], actor=operator)
    assert [r.item_id for r in replayed] == [item.pk]
    item.refresh_from_db()
    assert (item.status, item.attempts, item.replays) == (OutboxStatus.PENDING, 0, 1)
    assert outbox_replay(ids=[item.pk], actor=operator) == [], "replaying twice does nothing"
    entry = AuditEntry.objects.get(action="outbox.replayed")
    assert (entry.actor_id, entry.object_id, entry.fields) == (operator.pk, str(item.pk), ["email"])

    settings.EMAIL_PORT = relay  # and back
    assert outbox_deliver() == 1
    assert [rcpts for _, rcpts, _ in smtp.messages] == [["pat@patients.example"]]


def test_the_schedule_is_a_setting(settings, smtp_down, clock):
    settings.CAREDESK_OUTBOX_RETRY_SCHEDULE = "200ms, 1s"
    assert outbox.schedule() == (timedelta(seconds=0.2), timedelta(seconds=1))
    item = _email()
    for _ in range(3):
        outbox_deliver()
        clock.advance(seconds=2)
    item.refresh_from_db()
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 3)
    settings.CAREDESK_OUTBOX_RETRY_SCHEDULE = "5 minutes"
    with pytest.raises(ImproperlyConfigured, match="'5 minutes' is not a wait"):
        outbox.schedule()


def test_an_item_whose_outcome_cannot_be_recorded_does_not_stop_the_others(clock, caplog):
    sent: list[str] = []
    broken = {"first": True}

    def send(payload: dict[str, Any]) -> None:
        sent.append(payload["name"])

    def settle(payload: dict[str, Any], settled: outbox.Settled) -> None:
        if payload["name"] == "first" and broken.pop("first", False):
            raise RuntimeError("the log table is locked")

    handler_register("fragile", send=send, settle=settle)
    try:
        first = outbox_add(kind="fragile", payload={"name": "first"})
        outbox_add(kind="fragile", payload={"name": "second"})
        assert outbox_deliver() == 1
        assert sent == ["first", "second"] and "could not be recorded" in caplog.text
        first.refresh_from_db()
        assert first.status == OutboxStatus.SENDING, "rolled back with its log; kept by its lease"
        clock.advance(seconds=outbox.lease().total_seconds())
        assert outbox_deliver() == 1
        first.refresh_from_db()
        assert (first.status, first.attempts) == (OutboxStatus.SENT, 2)
    finally:
        outbox._handlers.pop("fragile")
