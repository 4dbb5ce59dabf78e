"""Opening a ticket appends its audit entries last: the chain's lock is held only to the commit.

Concurrent ticket opening waits on the audit chain's lock; taken early, it was held while the
rest of the ticket (clocks, the protocols' notes, mail, outbox) was written.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.models import Contact, User
from caredesk.compliance import audit
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.selectors import chain_verify
from caredesk.demo import demo_load
from caredesk.tickets.models import RequestType, Ticket, TicketEvent
from caredesk.tickets.services import Body, NewTicket, ticket_open
from tests.threads import run_in_threads

TUESDAY_10_AM_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _writes(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))


@pytest.mark.django_db
def test_a_routed_ticket_writes_its_audit_entries_last_in_one_insert(clock) -> None:
    clock.set(TUESDAY_10_AM_NEW_YORK)
    demo_load(tickets=0)
    clock.set(TUESDAY_10_AM_NEW_YORK)
    requester = Contact.objects.filter(organization__isnull=False, user__isnull=True).first()
    device = RequestType.objects.get(slug="device-error")  # the protocols route and note it
    before = AuditEntry.objects.count()

    with CaptureQueriesContext(connection) as ctx:
        ticket = ticket_open(
            data=NewTicket(
                requester=requester,
                subject="Monitor shows E-214",
                body=Body(text="It shows E-214 on start."),
                category=device,
                team=device.default_team,
                structured={"device_serial": "PT-100200"},
            ),
            actor=requester,
        )

    assert TicketEvent.objects.filter(ticket=ticket, kind="rule_applied").exists()
    writes = [q["sql"] for q in ctx.captured_queries if _writes(q["sql"])]
    audit_writes = [i for i, sql in enumerate(writes) if "compliance_auditentry" in sql]
    assert len(audit_writes) == 1, "one INSERT for every entry of the opening"
    assert audit_writes[0] == len(writes) - 1, "the audit entries are the last write"
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert {e.action for e in entries} >= {AuditAction.TICKET_CREATED}
    assert all(e.ticket_id == ticket.pk for e in entries)
    assert chain_verify().ok


@pytest.mark.django_db
def test_entries_held_in_a_block_that_fails_are_never_written() -> None:
    admin = User.objects.create_user(email="held@example.org", password="x", is_staff=True)
    with pytest.raises(RuntimeError), transaction.atomic(), audit.deferred():
        audit.record(action=AuditAction.TICKET_CHANGED, actor=admin, object_id=1)
        raise RuntimeError("the change fails")
    assert not AuditEntry.objects.exists()
    with transaction.atomic(), audit.deferred():
        held = audit.record(action=AuditAction.TICKET_CHANGED, actor=admin, object_id=2)
        assert not AuditEntry.objects.exists()  # held until the block ends
    assert held.pk is not None and held.seq == 1
    assert chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_deferred_changes_and_page_views_in_threads_make_one_gapless_chain() -> None:
    def writer(n: int) -> None:
        for i in range(10):
            if i % 2 == 0:  # a change recording several entries, appended at its end
                with transaction.atomic(), audit.deferred():
                    for k in range(3):
                        audit.record(
                            action=AuditAction.TICKET_CHANGED, object_type="ticket", object_id=k
                        )
            else:  # a page view, appended on its own outside any transaction
                audit.record(action=AuditAction.TICKET_VIEWED, object_type="ticket", object_id=n)

    run_in_threads(writer, 4)
    total = 4 * (5 * 3 + 5)
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    outcome = chain_verify()
    assert outcome.ok and outcome.checked == total
    assert not Ticket.objects.exists()
