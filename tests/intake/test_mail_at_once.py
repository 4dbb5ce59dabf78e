"""One message handed over twice at the same moment (a mail server retrying, two workers
polling one mailbox) opens one ticket: the second copy waits for the first and is recorded as a
duplicate."""

from __future__ import annotations

import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from django.db import connection, connections

from caredesk.intake import services
from caredesk.intake.models import InboundMail, MailStatus
from caredesk.intake.services import Outcome, mail_process, mail_receive
from caredesk.tickets.models import Ticket


def _raw() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Rosalind Tarvey <rosalind.tarvey@patients.example>"
    msg["To"] = "support@caredesk.example"
    msg["Subject"] = "The cuff will not inflate"
    msg["Message-ID"] = make_msgid(domain="patients.example")
    msg.set_content("Hello, the blood pressure cuff stopped inflating this morning.")
    return msg.as_bytes()


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_same_mail_processed_twice_at_once_opens_one_ticket(monkeypatch: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only: on SQLite every write transaction runs alone (IMMEDIATE), so two "
            "copies cannot be inside at once; the PostgreSQL run of the suite covers this"
        )
    raw = _raw()
    first, second = mail_receive(raw=raw, source="pipe"), mail_receive(raw=raw, source="pipe")
    inside, go = threading.Event(), threading.Event()
    real = services._into_ticket

    def first_pauses_before_writing(mail: InboundMail, parsed: Any) -> Outcome:
        if mail.pk == first.pk:
            inside.set()
            go.wait(timeout=30)
        return real(mail, parsed)

    monkeypatch.setattr(services, "_into_ticket", first_pauses_before_writing)
    outcomes: dict[str, Outcome] = {}

    def process(name: str, mail: InboundMail) -> None:
        try:
            outcomes[name] = mail_process(mail=mail)
        finally:
            connections.close_all()

    one = threading.Thread(target=process, args=("first", first))
    one.start()
    assert inside.wait(timeout=30)
    two = threading.Thread(target=process, args=("second", second))
    two.start()
    # the second copy either got through (the old behaviour: a second ticket) or waits for the
    # first; either is visible from here without moving any clock
    deadline = time.monotonic() + 30
    while two.is_alive() and not _waiting_for_a_lock() and time.monotonic() < deadline:
        time.sleep(0.01)
    go.set()
    one.join(timeout=30)
    two.join(timeout=30)

    assert Ticket.objects.count() == 1
    assert outcomes["first"].status == MailStatus.CREATED
    assert outcomes["second"].status == MailStatus.DUPLICATE
    assert set(InboundMail.objects.values_list("status", flat=True)) == {
        MailStatus.CREATED,
        MailStatus.DUPLICATE,
    }
