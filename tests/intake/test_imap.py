"""Polling a real IMAP server (dovecot on 127.0.0.1): new mail becomes tickets, handled mail is
flagged only after its ticket is committed, and nothing is taken twice."""

from __future__ import annotations

import pytest

from caredesk.intake.imap import DONE_FLAG, Mailbox, poll, poll_all
from caredesk.intake.models import InboundMail, MailStatus
from caredesk.tickets.models import Ticket
from tests.intake.conftest import PASSWORD, USER
from tests.intake.test_mail_ingest import mail

pytestmark = pytest.mark.django_db


def flags(server) -> list[set[bytes]]:
    with server.client() as client:
        client.select_folder("INBOX", readonly=True)
        found = client.get_flags(client.search(["ALL"]))
        return [set(found[uid]) for uid in sorted(found)]


def test_new_mail_is_taken_once_and_marked_done_after_its_ticket_exists(imap_server, clock):
    imap_server.deliver(
        mail(subject="Pump alarm E-17"),
        mail(subject="Invoice twice", sender="Hana Ellery <hana@patients.example>"),
        mail(subject="Away", headers={"Auto-Submitted": "auto-replied"}),
    )
    box = Mailbox.from_url(imap_server.url)
    outcomes = poll(box)
    assert sorted(o.status for o in outcomes) == [
        MailStatus.CREATED,
        MailStatus.CREATED,
        MailStatus.IGNORED,
    ]
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Invoice twice",
        "Pump alarm E-17",
    ]
    assert all({DONE_FLAG, b"\\Seen"} <= f for f in flags(imap_server))
    assert {m.source for m in InboundMail.objects.all()} == {f"imap:{USER}@127.0.0.1/INBOX"}
    assert poll(box) == []  # done mail is not taken again
    imap_server.deliver(mail(subject="One more"))
    assert [o.status for o in poll(box)] == [MailStatus.CREATED]


def test_a_mailbox_that_cannot_be_reached_or_logged_into_is_skipped_and_tried_later(
    imap_server, clock
):
    wrong = imap_server.url.replace(PASSWORD, "not-the-password")
    nowhere = "imap://support:x@127.0.0.1:1/INBOX"
    imap_server.deliver(mail(subject="Still waiting"))
    assert poll_all([wrong, nowhere, "ftp://nope"]) == 0
    assert not InboundMail.objects.exists()
    assert poll_all([imap_server.url]) == 1


def test_mailbox_settings_are_read_from_a_url():
    box = Mailbox.from_url("imaps://help%40clinic.example:s%2Fcret@mail.clinic.example/Support")
    assert (box.host, box.port, box.user, box.password, box.folder, box.tls) == (
        "mail.clinic.example",
        993,
        "help@clinic.example",
        "s/cret",
        "Support",
        "ssl",
    )
    assert "s/cret" not in box.label
    with pytest.raises(ValueError):
        Mailbox.from_url("pop3://x@y/INBOX")


def test_handled_mail_can_be_moved_to_a_folder_instead(imap_server, clock):
    with imap_server.client() as client:
        client.create_folder("Handled")
    imap_server.deliver(mail(subject="Battery swelling"))
    box = Mailbox.from_url(imap_server.url, move_to="Handled")
    assert [o.status for o in poll(box)] == [MailStatus.CREATED]
    with imap_server.client() as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        assert client.select_folder("Handled")[b"EXISTS"] == 1


def test_the_worker_looks_at_the_mailboxes_every_15_seconds(settings, imap_server, clock):
    from huey.contrib.djhuey import HUEY

    from caredesk.tasks import mail_poll_task

    settings.CAREDESK_IMAP_MAILBOXES = [imap_server.url]
    imap_server.deliver(mail(subject="Pump alarm E-17"))
    HUEY.immediate = False
    HUEY.flush()
    try:
        assert mail_poll_task.call_local() == 1  # this minute's look takes the mail now
        follow_ups = sorted(task.eta for task in HUEY.pending() if task.eta)
    finally:
        HUEY.flush()
        HUEY.immediate = True
    assert len(follow_ups) == 3, "looks again 15, 30 and 45 s into the minute"
    gaps = [(b - a).total_seconds() for a, b in zip(follow_ups, follow_ups[1:], strict=False)]
    assert all(abs(gap - 15) < 1 for gap in gaps)
