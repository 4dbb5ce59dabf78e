"""Writers in several threads (each with its own connection) still make one gapless chain."""

from __future__ import annotations

import pytest
from django.db import transaction

from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.selectors import chain_verify
from tests.threads import run_in_threads


@pytest.mark.django_db(transaction=True)
def test_concurrent_reads_and_changes_make_one_gapless_chain() -> None:
    def writer(n: int) -> None:
        for i in range(15):
            if i % 3 == 0:  # inside a transaction, as a ticket change is
                with transaction.atomic():
                    record(action=AuditAction.TICKET_CHANGED, object_type="ticket", object_id=n)
            else:  # on its own, as a page view is
                record(action=AuditAction.TICKET_VIEWED, object_type="ticket", object_id=n)

    run_in_threads(writer, 4)
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 61))
    outcome = chain_verify()
    assert outcome.ok and outcome.checked == 60
