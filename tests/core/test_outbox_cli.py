"""`caredesk outbox status` and `caredesk outbox replay`, run as the command line runs them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from caredesk.cli import main
from caredesk.compliance.models import AuditEntry
from caredesk.core.models import OutboxItem, OutboxKind, OutboxStatus
from caredesk.core.outbox import outbox_add, outbox_deliver

pytestmark = pytest.mark.django_db


def _given_up(kind: str, *, at) -> OutboxItem:  # type: ignore[no-untyped-def]
    item = outbox_add(
        kind=kind, payload={"to": ["x@patients.example"], "subject": "s", "body": "b"}
    )
    OutboxItem.objects.filter(pk=item.pk).update(
        status=OutboxStatus.FAILED, attempts=8, claimed_at=at, last_error="SMTP 451"
    )
    return item


def test_status_shows_the_schedule_its_span_and_the_items(clock, capsys):
    _given_up(OutboxKind.EMAIL, at=clock.current)
    waiting = outbox_add(kind=OutboxKind.EMAIL, payload={})
    OutboxItem.objects.filter(pk=waiting.pk).update(
        attempts=2, available_at=clock.current + timedelta(minutes=4)
    )
    clock.advance(minutes=1)
    assert main(["outbox", "status"]) == 0
    out = capsys.readouterr().out
    assert "8 attempts, waiting 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h in between" in out
    assert "down for 1 d 3 h 35 min 5 s before an item is given up" in out
    assert "email" in out and "next attempt in 3 min" in out and "1 given up" in out
    assert main(["outbox", "status", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["counts"] == {"email": {"failed": 1, "pending": 1}}
    assert shown["span_seconds"] == 99305 and shown["oldest_waiting_seconds"] == 60


def test_replay_by_kind_since_and_id_is_audited_and_idempotent(clock, capsys, smtp):
    old = _given_up(OutboxKind.EMAIL, at=clock.current - timedelta(days=3))
    recent = _given_up(OutboxKind.EMAIL, at=clock.current - timedelta(hours=2))
    webhook = _given_up(OutboxKind.WEBHOOK, at=clock.current - timedelta(hours=1))

    assert main(["outbox", "replay"]) == 2, "nothing named: refuse rather than replay everything"
    assert "name item IDs" in capsys.readouterr().err
    assert main(["outbox", "replay", "--kind", "email", "--since", "1d"]) == 0
    assert f"1 given-up item(s) queued again with a fresh schedule: {recent.pk}" in (
        capsys.readouterr().out
    )
    assert main(["outbox", "replay", "--kind", "email", "--since", "1d"]) == 0
    assert "nothing to replay" in capsys.readouterr().out
    assert main(["outbox", "replay", str(old.pk), str(recent.pk)]) == 0
    assert f"1 given-up item(s) queued again with a fresh schedule: {old.pk}" in (
        capsys.readouterr().out
    )
    statuses = dict(OutboxItem.objects.values_list("id", "status"))
    assert statuses == {
        old.pk: OutboxStatus.PENDING,
        recent.pk: OutboxStatus.PENDING,
        webhook.pk: OutboxStatus.FAILED,
    }
    entries = AuditEntry.objects.filter(action="outbox.replayed").order_by("seq")
    assert [(e.object_id, e.actor_id, e.actor_role) for e in entries] == [
        (str(recent.pk), None, "command line"),
        (str(old.pk), None, "command line"),
    ]
    assert outbox_deliver() == 2 and len(smtp.messages) == 2


def test_a_bad_since_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["outbox", "replay", "--since", "last tuesday"])
    assert stopped.value.code == 2
    assert "give a date (2026-11-30)" in capsys.readouterr().err
