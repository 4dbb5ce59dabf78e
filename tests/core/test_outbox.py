"""The outbox delivers mail to a real SMTP peer, retries failures, and never sends twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.core.models import OutboxItem, OutboxKind, OutboxStatus
from caredesk.core.outbox import outbox_add, outbox_deliver
from tests.peers import free_port

pytestmark = pytest.mark.django_db


def _email(to: str = "pat@patients.example") -> OutboxItem:
    return outbox_add(
        kind=OutboxKind.EMAIL,
        payload={"to": [to], "subject": "[CD-1001] Hello", "body": "Body text"},
    )


def test_delivers_to_smtp_once_even_if_run_twice(smtp, clock):
    item = _email()
    assert outbox_deliver() == 1
    assert outbox_deliver() == 0
    assert len(smtp.messages) == 1
    sender, rcpts, content = smtp.messages[0]
    assert rcpts == ["pat@patients.example"] and b"Subject: [CD-1001] Hello" in content
    item.refresh_from_db()
    assert item.status == OutboxStatus.SENT and item.sent_at == clock.current


def test_failed_delivery_is_retried_later_with_backoff(settings, clock):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    item = _email()
    assert outbox_deliver() == 0
    item.refresh_from_db()
    assert item.status == OutboxStatus.PENDING and item.attempts == 1 and "Error" in item.last_error
    # 2 minutes after the first failure, give or take the 25 % jitter that spreads retries
    wait = item.available_at - clock.current
    assert timedelta(minutes=1.5) <= wait <= timedelta(minutes=2.5), wait
    assert outbox_deliver() == 0, "not due yet"
    item.refresh_from_db()
    assert item.attempts == 1


def test_item_stuck_in_sending_is_reclaimed_after_a_crash(smtp, clock):
    item = _email()
    OutboxItem.objects.filter(pk=item.pk).update(
        status=OutboxStatus.SENDING, claimed_at=clock.current
    )
    assert outbox_deliver() == 0, "a live claim is respected"
    clock.advance(minutes=11)
    assert outbox_deliver() == 1
    assert len(smtp.messages) == 1
