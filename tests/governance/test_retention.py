"""Retention: records past their period go in batches, held ones stay, each run is audited."""

from __future__ import annotations

import argparse

import pytest
from django.core.files.storage import default_storage

from caredesk import cli
from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.chat.models import ChatSession, ChatStatus
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.selectors import chain_verify
from caredesk.core.models import OutboxItem, OutboxKind, OutboxStatus
from caredesk.governance.models import LegalHold, RecordClass, RetentionRule
from caredesk.governance.services.holds import hold_place, hold_release
from caredesk.governance.services.retention import retention_plan, retention_purge
from caredesk.intake.models import InboundMail, MailStatus
from caredesk.phone.models import Call
from caredesk.tasks import retention_purge_task
from caredesk.tickets.models import Attachment, Message, Status, Ticket
from caredesk.tickets.services import Upload, ticket_update
from tests.factories import AgentFactory, ContactFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(clock):
    return AgentFactory(role=ROLE_ADMIN)


def _closed_ticket(clock, **kw):
    ticket = make_ticket(
        uploads=(Upload(filename="log.txt", content_type="text/plain", data=b"trace"),), **kw
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Status.CLOSED, is_open=False, closed_at=clock.current
    )
    return ticket


def _rule(record_class, days):
    RetentionRule.objects.update_or_create(record_class=record_class, defaults={"keep_days": days})


def test_default_rules_exist_for_every_record_class():
    assert set(RetentionRule.objects.values_list("record_class", flat=True)) == set(
        RecordClass.values
    )


def test_closed_tickets_past_their_period_go_with_messages_and_files_held_ones_stay(
    clock, officer, django_capture_on_commit_callbacks
):
    _rule(RecordClass.CLOSED_TICKETS, 30)
    old = _closed_ticket(clock)
    held = _closed_ticket(clock)
    held_by_requester = _closed_ticket(clock)
    stored = Attachment.objects.get(ticket=old).file.name
    hold_place(reason="Matter 7", actor=officer, ticket=held)
    hold_place(reason="Matter 8", actor=officer, contact=held_by_requester.requester)
    clock.advance(days=29)
    recent = _closed_ticket(clock)
    still_open = make_ticket()
    clock.advance(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        retention_purge(batch=1)
    assert set(Ticket.objects.values_list("pk", flat=True)) == {
        held.pk,
        held_by_requester.pk,
        recent.pk,
        still_open.pk,
    }
    assert not Message.objects.filter(ticket_id=old.pk).exists()
    assert not default_storage.exists(stored)


def test_solved_tickets_count_from_their_last_change_and_open_ones_never_go(clock, officer):
    _rule(RecordClass.CLOSED_TICKETS, 30)
    solved = make_ticket()
    reopened = make_ticket()
    for ticket in (solved, reopened):
        ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=officer)
    clock.advance(days=20)
    ticket_update(ticket=reopened, changes={"status": Status.OPEN}, actor=officer)
    ticket_update(ticket=reopened, changes={"status": Status.SOLVED}, actor=officer)
    still_open = make_ticket()
    clock.advance(days=11)
    retention_purge()
    assert set(Ticket.objects.values_list("pk", flat=True)) == {reopened.pk, still_open.pk}
    clock.advance(days=20)
    retention_purge()
    assert set(Ticket.objects.values_list("pk", flat=True)) == {still_open.pk}


def test_each_run_writes_one_audit_entry_per_class_with_counts_only(clock, officer):
    _rule(RecordClass.CLOSED_TICKETS, 30)
    ticket = _closed_ticket(clock, subject="Rash after patch change")
    hold_place(reason="Matter 9", actor=officer, ticket=_closed_ticket(clock))
    clock.advance(days=31)
    retention_purge(batch=10)
    entries = AuditEntry.objects.filter(action=AuditAction.RECORDS_PURGED)
    assert sorted(e.object_id for e in entries) == sorted(RecordClass.values)
    tickets = entries.get(object_id=RecordClass.CLOSED_TICKETS)
    assert "tickets.Ticket 1" in tickets.reason and "legal hold 1" in tickets.reason
    assert ticket.subject not in tickets.reason
    assert chain_verify().ok


def test_released_holds_no_longer_protect(clock, officer):
    _rule(RecordClass.CLOSED_TICKETS, 30)
    ticket = _closed_ticket(clock)
    hold = hold_place(reason="Matter 10", actor=officer, ticket=ticket)
    clock.advance(days=40)
    retention_purge()
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    hold_release(hold=hold, actor=officer, reason="closed")
    retention_purge()
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    hold.refresh_from_db()
    assert hold.ticket is None and hold.target.startswith("ticket ")


def test_mail_chats_calls_and_outbox_follow_their_own_rules(clock, officer):
    for record_class in RecordClass.values:
        _rule(record_class, 10)
    kept_for = ContactFactory()
    hold_place(reason="Matter 11", actor=officer, contact=kept_for)
    common = {"raw": b"x", "size": 1, "sha256": "0" * 64, "received_at": clock.current}
    InboundMail.objects.create(status=MailStatus.QUARANTINED, **common)
    InboundMail.objects.create(status=MailStatus.CREATED, **common)
    InboundMail.objects.create(status=MailStatus.QUARANTINED, sender=kept_for.email, **common)
    ChatSession.objects.create(
        visitor_name="V",
        visitor_email="v@patients.example",
        status=ChatStatus.ENDED,
        created_at=clock.current,
        ended_at=clock.current,
    )
    ChatSession.objects.create(
        visitor_name="W",
        visitor_email="w@patients.example",
        status=ChatStatus.ENDED,
        requester=kept_for,
        created_at=clock.current,
        ended_at=clock.current,
    )
    Call.objects.create(call_sid="CA1", created_at=clock.current, updated_at=clock.current)
    for status in (OutboxStatus.SENT, OutboxStatus.PENDING):
        OutboxItem.objects.create(
            kind=OutboxKind.EMAIL,
            payload={},
            status=status,
            available_at=clock.current,
            created_at=clock.current,
        )
    clock.advance(days=11)
    retention_purge()
    assert list(InboundMail.objects.values_list("sender", flat=True)) == [kept_for.email]
    assert list(ChatSession.objects.values_list("visitor_name", flat=True)) == ["W"]
    assert not Call.objects.exists()
    assert list(OutboxItem.objects.values_list("status", flat=True)) == [OutboxStatus.PENDING]


def test_the_nightly_job_purges_and_reports_how_many_rows_went(clock):
    _rule(RecordClass.CLOSED_TICKETS, 30)
    _closed_ticket(clock)
    clock.advance(days=31)
    assert retention_purge_task.call_local() >= 2  # the ticket, its message, event, file...
    assert not Ticket.objects.exists()
    assert retention_purge_task.call_local() == 0


def test_a_rule_turned_off_keeps_everything(clock):
    RetentionRule.objects.filter(record_class=RecordClass.CLOSED_TICKETS).update(
        keep_days=1, active=False
    )
    ticket = _closed_ticket(clock)
    clock.advance(days=400)
    retention_purge()
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_plan_counts_what_would_go_and_deletes_nothing(clock, officer, capsys):
    _rule(RecordClass.CLOSED_TICKETS, 30)
    _closed_ticket(clock)
    hold_place(reason="Matter 12", actor=officer, ticket=_closed_ticket(clock))
    clock.advance(days=31)
    [plan] = [p for p in retention_plan() if p.record_class == RecordClass.CLOSED_TICKETS]
    assert (plan.due, plan.held, plan.keep_days) == (1, 1, 30)
    assert cli.cmd_retention_plan(argparse.Namespace()) == 0
    out = capsys.readouterr().out
    assert "Solved and closed tickets" in out and "Nothing was deleted" in out
    assert Ticket.objects.count() == 2
    assert not AuditEntry.objects.filter(action=AuditAction.RECORDS_PURGED).exists()
    assert LegalHold.objects.count() == 1
