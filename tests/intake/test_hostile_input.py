"""Hostile mail never stops the intake, on SQLite and PostgreSQL alike.

PostgreSQL refuses the NUL character in text; no database takes an unpaired surrogate. In a
mail they are noise: dropped, and the mail handled. What a mail cannot be without (a sender
address) quarantines it, kept raw. Whatever else goes wrong with one message quarantines that
message and the intake goes on: the command exits 0 with its JSON line, the poller flags it
and handles the ones after it, and a message kept before a crash is never stored twice."""

from __future__ import annotations

import json
import os
import types

import pytest
from django.db import connection

from caredesk import cli
from caredesk.accounts.models import Contact
from caredesk.intake import mail as mail_module
from caredesk.intake.imap import DONE_FLAG, Mailbox, poll
from caredesk.intake.models import InboundMail, MailStatus
from caredesk.intake.services import mail_ingest, mail_receive
from caredesk.tickets.models import Attachment, Message, Ticket
from tests.intake.test_imap import flags
from tests.intake.test_mail_ingest import mail

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00pixels" * 40


def raw_mail(
    *,
    sender: bytes = b"=?utf-8?q?Od=00ette_Larkin?= <odette.larkin@patients.example>",
    subject: bytes = b"=?utf-8?q?Video_visit=00_froze?=",
    message_id: bytes = b"<nul-1@patients.example>",
    body: bytes = b"The video froze=00 twice.\r\n",
    encoding: bytes = b"quoted-printable",
    headers: bytes = b"",
    ctype: bytes = b"text/plain",
) -> bytes:
    """A mail whose decoded header and body hold NUL; its bytes hold none unless `encoding` is
    8bit (an IMAP server turns NUL bytes into something else, encoded ones pass untouched)."""
    return (
        b"From: " + sender + b"\r\nTo: support@caredesk.example\r\nSubject: " + subject
        + b"\r\nMessage-ID: " + message_id + b"\r\n" + headers
        + b"Content-Type: " + ctype + b"; charset=utf-8\r\nContent-Transfer-Encoding: " + encoding
        + b"\r\n\r\n" + body
    )  # fmt: skip


def no_nul(*values: str) -> bool:
    return not any("\x00" in v or "\ud800" in v for v in values)


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        (b"8bit", b"The video froze\x00 twice.\r\n"),
        (b"quoted-printable", b"The video froze=00 twice.\r\n"),
    ],
)
def test_nul_in_the_body_subject_and_name_is_dropped_and_the_ticket_opened(clock, encoding, body):
    raw = raw_mail(encoding=encoding, body=body)
    outcome = mail_ingest(raw=raw)
    assert outcome.status == MailStatus.CREATED, outcome
    ticket = Ticket.objects.get()
    message = Message.objects.get(ticket=ticket)
    requester = Contact.objects.get(email="odette.larkin@patients.example")
    assert ticket.subject == "Video visit froze"
    assert message.body_text == "The video froze twice."
    assert requester.name == "Odette Larkin"
    stored = InboundMail.objects.get()
    assert (stored.status, stored.subject) == (MailStatus.CREATED, "Video visit froze")
    assert bytes(stored.raw) == raw  # kept exactly as received, NUL and all


def test_nul_in_html_only_mail_is_dropped(clock):
    raw = raw_mail(ctype=b"text/html", body=b"<p>It froze=00 <b>twice</b></p>\r\n")
    outcome = mail_ingest(raw=raw)
    assert outcome.status == MailStatus.CREATED, outcome
    assert Message.objects.get().body_text == "It froze twice"


def test_nul_in_an_attachment_name_is_dropped(clock):
    outcome = mail_ingest(raw=mail(attachments=[("scr\x00een.png", "image/png", PNG)]))
    assert outcome.status == MailStatus.CREATED, outcome
    attachment = Attachment.objects.get()
    assert no_nul(attachment.filename) and attachment.filename.endswith(".png")


def test_a_reply_with_nul_joins_its_ticket(clock):
    mail_ingest(raw=raw_mail(body=b"First.\r\n"))
    ticket = Ticket.objects.get()
    reply = raw_mail(
        subject=b"Re: Video visit froze",
        message_id=b"<nul-2@patients.example>",
        headers=b"In-Reply-To: <nul-1@patients.example>\r\n",
        body=b"Again=00 today.\r\n",
    )
    outcome = mail_ingest(raw=reply)
    assert (outcome.status, outcome.ticket) == (MailStatus.APPENDED, ticket.ref)
    assert ticket.messages.order_by("-id").first().body_text == "Again today."


@pytest.mark.parametrize(
    "message_id",
    [b"<nul\x00id@patients.example>", b"<" + b"x" * 600 + b"@patients.example>"],
    ids=["NUL in the Message-ID", "Message-ID longer than the column"],
)
def test_a_message_id_that_cannot_be_stored_is_no_message_id(clock, message_id):
    reference = b"In-Reply-To: " + message_id + b"\r\nReferences: " + message_id + b"\r\n"
    outcome = mail_ingest(raw=raw_mail(message_id=message_id, headers=reference))
    assert outcome.status == MailStatus.CREATED, outcome
    assert Message.objects.get().email_message_id == ""
    assert InboundMail.objects.get().message_id == ""


@pytest.mark.parametrize(
    "sender",
    [
        b"Odette <odette\x00larkin@patients.example>",
        b"Odette <" + b"o" * 300 + b"@patients.example>",
    ],
    ids=["NUL in the address", "address longer than SMTP allows"],
)
def test_a_sender_address_that_is_not_one_quarantines_the_mail(clock, sender):
    outcome = mail_ingest(raw=raw_mail(sender=sender))
    assert (outcome.status, outcome.reason) == (
        MailStatus.QUARANTINED,
        "the sender address is not valid",
    )
    assert not Ticket.objects.exists() and not Contact.objects.exists()
    assert InboundMail.objects.get().status == MailStatus.QUARANTINED


def test_automatic_mail_with_nul_in_its_headers_is_ignored(clock):
    outcome = mail_ingest(raw=raw_mail(headers=b"Auto-Submitted: auto-re\x00plied\r\n"))
    assert outcome.status == MailStatus.IGNORED
    stored = InboundMail.objects.get()
    assert stored.reason == "Auto-Submitted: auto-replied" and no_nul(stored.subject)


def ingest_command(capsys, *args: str) -> tuple[int, dict[str, str]]:
    """`caredesk mail ingest` as the mail server runs it: its exit code and its JSON line."""
    code = cli.main(["mail", "ingest", *args])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1]) if out else {}


def test_the_command_takes_a_nul_mail_with_exit_0_and_its_json_line(clock, capsys, tmp_path):
    eml = tmp_path / "nul.eml"
    eml.write_bytes(raw_mail(encoding=b"8bit", body=b"The video froze\x00 twice.\r\n"))
    code, line = ingest_command(capsys, str(eml))
    assert code == 0
    assert line == {"status": "created", "ticket": Ticket.objects.get().ref, "reason": ""}


def test_a_file_name_that_is_not_text_is_kept_as_the_source(clock, capsys, tmp_path):
    # Python reads such a name from the command line with a surrogate for each foreign byte
    eml = tmp_path / os.fsdecode(b"caf\xe9.eml")
    eml.write_bytes(raw_mail())
    code, line = ingest_command(capsys, str(eml))
    assert (code, line["status"]) == (0, "created")
    assert InboundMail.objects.get().source == "file:caf\ufffd.eml"


@pytest.fixture
def cleaning_off(monkeypatch):
    """As if a value slipped past the mail's cleaning: what the last line is there for."""
    monkeypatch.setattr(mail_module, "storable", types.SimpleNamespace(clean=lambda v: v))


def test_text_that_slips_past_the_cleaning_quarantines_only_that_mail(
    clock, capsys, tmp_path, cleaning_off
):
    eml = tmp_path / "slipped.eml"
    eml.write_bytes(raw_mail())
    code, line = ingest_command(capsys, str(eml))
    assert code == 0
    stored = InboundMail.objects.get()
    if connection.vendor == "postgresql":  # SQLite stores the NUL; PostgreSQL refuses it
        assert line == {
            "status": "quarantined",
            "ticket": None,
            "reason": "holds text the database cannot store (DataError)",
        }
        assert stored.status == MailStatus.QUARANTINED and no_nul(stored.subject)
        assert not Ticket.objects.exists() and not Contact.objects.exists()
    else:
        assert line["status"] == stored.status == MailStatus.CREATED
    assert bytes(stored.raw) == eml.read_bytes()


# --- polling a real IMAP server ----------------------------------------------------------------


def test_one_hostile_message_does_not_stop_the_mailbox(imap_server, clock):
    imap_server.deliver(
        mail(subject="Pump alarm E-17"),
        raw_mail(),
        mail(subject="Invoice twice", sender="Hana Ellery <hana@patients.example>"),
    )
    outcomes = poll(Mailbox.from_url(imap_server.url))
    assert [o.status for o in outcomes] == [MailStatus.CREATED] * 3
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Invoice twice",
        "Pump alarm E-17",
        "Video visit froze",
    ]
    assert all(DONE_FLAG in f for f in flags(imap_server))
    assert InboundMail.objects.count() == 3


def test_a_message_that_fails_is_quarantined_and_the_ones_after_it_are_handled(
    imap_server, clock, cleaning_off
):
    imap_server.deliver(raw_mail(), mail(subject="Battery swelling"))
    box = Mailbox.from_url(imap_server.url)
    outcomes = poll(box)
    expected = MailStatus.QUARANTINED if connection.vendor == "postgresql" else MailStatus.CREATED
    assert [o.status for o in outcomes] == [expected, MailStatus.CREATED]
    assert all(DONE_FLAG in f for f in flags(imap_server))  # not fetched again every minute
    assert poll(box) == [] and InboundMail.objects.count() == 2


def test_a_message_kept_before_a_crash_is_handled_from_that_copy_not_stored_again(
    imap_server, clock
):
    raw = raw_mail()
    box = Mailbox.from_url(imap_server.url)
    # the last poll stored the message, then stopped before handling it
    kept = mail_receive(raw=raw, source=box.label)
    imap_server.deliver(raw)
    assert [o.status for o in poll(box)] == [MailStatus.CREATED]
    assert list(InboundMail.objects.values_list("pk", "status")) == [(kept.pk, MailStatus.CREATED)]
    assert all(DONE_FLAG in f for f in flags(imap_server))
