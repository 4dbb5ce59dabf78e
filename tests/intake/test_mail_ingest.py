"""Mail in: nothing received is lost, replies find their ticket, automatic mail never opens one,
and what cannot be read waits in quarantine for an administrator."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from caredesk.accounts.models import Contact
from caredesk.intake.mail import parse, reply_part
from caredesk.intake.models import InboundMail, MailStatus
from caredesk.intake.services import mail_ingest, mail_process
from caredesk.tickets.models import Attachment, Channel, Message, Ticket
from caredesk.tickets.pure import build_reply_token
from caredesk.tickets.services import ticket_update
from tests.factories import ContactFactory, OrganizationFactory, make_ticket

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00pixels" * 40


def mail(
    *,
    sender: str = "Odette Larkin <odette.larkin@patients.example>",
    subject: str = "Video visit keeps freezing",
    body: str = "Hello,\n\nThe video froze twice this morning.\n\nOdette",
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@caredesk.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="patients.example")
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def test_a_new_mail_opens_a_ticket_for_a_new_requester_of_a_known_organization(clock):
    org = OrganizationFactory(name="Northgate Health", email_domain="patients.example")
    raw = mail(attachments=[("screen.png", "image/png", PNG)])
    outcome = mail_ingest(raw=raw)
    assert outcome.status == MailStatus.CREATED and outcome.reason == ""
    ticket = Ticket.objects.get()
    assert outcome.ticket == ticket.ref and ticket.channel == Channel.EMAIL
    assert ticket.subject == "Video visit keeps freezing"
    requester = Contact.objects.get(email="odette.larkin@patients.example")
    assert (requester.name, requester.organization) == ("Odette Larkin", org)
    message = Message.objects.get(ticket=ticket)
    assert "froze twice" in message.body_text
    attachment = Attachment.objects.get(ticket=ticket)
    assert (attachment.filename, attachment.content_type) == ("screen.png", "image/png")
    stored = InboundMail.objects.get()
    assert stored.ticket == ticket and stored.ticket_message == message
    assert bytes(stored.raw) == raw  # kept exactly as received


def test_a_reply_joins_its_ticket_without_the_quoted_history(clock):
    first = mail(subject="Pump alarm E-17")
    mail_ingest(raw=first)
    ticket = Ticket.objects.get()
    original_id = parse(first).message_id
    reply = mail(
        subject="Re: Pump alarm E-17",
        body="It happened again at 9:40.\n\nOn Mon, 2 Nov 2026 at 10:00, Support wrote:\n> What does the display say?\n",
        headers={"In-Reply-To": original_id, "References": original_id},
    )
    outcome = mail_ingest(raw=reply)
    assert (outcome.status, outcome.ticket) == (MailStatus.APPENDED, ticket.ref)
    latest = Message.objects.filter(ticket=ticket).order_by("-id").first()
    assert latest.body_text == "It happened again at 9:40."
    assert Ticket.objects.count() == 1


def test_the_reference_in_the_subject_threads_only_for_the_tickets_requester(clock):
    owner = ContactFactory(email="june.halloway@patients.example", name="June Halloway")
    ticket = make_ticket(owner, subject="Cuff readings doubled")
    ours = mail_ingest(
        raw=mail(
            sender=owner.email,
            subject=f"Re: [{ticket.ref}] Cuff readings doubled",
            body="Still doubled.",
        )
    )
    assert (ours.status, ours.ticket) == (MailStatus.APPENDED, ticket.ref)
    stranger = mail_ingest(
        raw=mail(sender="someone@elsewhere.example", subject=f"[{ticket.ref}] give me access")
    )
    assert stranger.status == MailStatus.CREATED and stranger.ticket != ticket.ref


def test_a_signed_reply_address_threads_and_a_forged_one_does_not(clock, settings):
    ticket = make_ticket(ContactFactory(email="pat@patients.example"), subject="Device order")
    token = build_reply_token(settings.SECRET_KEY.encode(), ticket.pk)
    good = mail(
        sender="pat@patients.example",
        subject="thanks",
        headers={"Cc": f"support+{token}@caredesk.example"},
    )
    assert mail_ingest(raw=good).ticket == ticket.ref
    forged = mail(
        sender="pat@patients.example",
        subject="thanks",
        headers={"Cc": f"support+t{ticket.pk}-000000000000@caredesk.example"},
    )
    assert mail_ingest(raw=forged).status == MailStatus.CREATED


def test_a_reply_to_a_closed_ticket_opens_a_new_one(clock):
    first = mail(subject="Battery")
    mail_ingest(raw=first)
    ticket = Ticket.objects.get()
    ticket_update(ticket=ticket, changes={"status": "closed"}, actor=None)
    msg_id = parse(first).message_id
    outcome = mail_ingest(
        raw=mail(subject="Re: Battery", body="Back again.", headers={"In-Reply-To": msg_id})
    )
    assert (
        outcome.status == MailStatus.CREATED
        and outcome.reason == f"follow-up to closed {ticket.ref}"
    )
    assert Ticket.objects.get(pk=int(outcome.ticket.split("-")[1]) - 1000).subject == "Battery"


def test_the_same_message_twice_is_a_duplicate(clock):
    raw = mail()
    assert mail_ingest(raw=raw).status == MailStatus.CREATED
    again = mail_ingest(raw=raw)
    assert again.status == MailStatus.DUPLICATE and again.ticket is None
    assert Ticket.objects.count() == 1 and InboundMail.objects.count() == 2  # both kept


@pytest.mark.parametrize(
    ("headers", "sender", "why"),
    [
        ({"Auto-Submitted": "auto-replied"}, None, "Auto-Submitted"),
        ({"Precedence": "bulk"}, None, "Precedence"),
        ({"List-Id": "<news.vendor.example>"}, None, "mailing list"),
        ({}, "MAILER-DAEMON@mx.example", "sent by"),
        ({"X-Autoreply": "yes"}, None, "auto-reply"),
    ],
)
def test_automatic_mail_never_opens_a_ticket(clock, headers, sender, why):
    outcome = mail_ingest(raw=mail(headers=headers, **({"sender": sender} if sender else {})))
    assert outcome.status == MailStatus.IGNORED and why in outcome.reason
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "empty"),
        (b"this is not a mail at all", "no headers"),
        (b"From: \r\nSubject: no address\r\n\r\nbody", "no sender"),
    ],
)
def test_unreadable_mail_is_quarantined_and_kept(clock, raw, why):
    outcome = mail_ingest(raw=raw)
    assert outcome.status == MailStatus.QUARANTINED and why in outcome.reason
    assert bytes(InboundMail.objects.get().raw) == raw
    assert not Ticket.objects.exists()


def test_a_quarantine_is_logged_without_what_the_mail_said(clock, settings, caplog):
    # an attachment's name is the patient's words ("Lena Marwick lab results.pdf"): the reason,
    # kept with the mail for the admin, names it; the log names the mail's number only
    raw = mail(attachments=[("Lena Marwick lab results.pdf", "application/pdf", b"%PDF-1.7\n")])
    settings.CAREDESK_ATTACHMENT_TYPES = ["image/png"]
    with caplog.at_level(logging.INFO):
        outcome = mail_ingest(raw=raw)
    assert outcome.status == MailStatus.QUARANTINED and "Marwick" in outcome.reason
    kept = InboundMail.objects.get()
    assert f"mail {kept.pk} quarantined" in caplog.text
    assert "Marwick" not in caplog.text


def test_a_refused_attachment_quarantines_the_mail_and_an_admin_can_reprocess_it(clock, settings):
    raw = mail(attachments=[("report.pdf", "application/pdf", b"%PDF-1.7\n" + b"0" * 200)])
    settings.CAREDESK_ATTACHMENT_TYPES = ["image/png"]
    outcome = mail_ingest(raw=raw)
    assert outcome.status == MailStatus.QUARANTINED and "not accepted" in outcome.reason
    assert not Ticket.objects.exists()
    settings.CAREDESK_ATTACHMENT_TYPES = ["image/png", "application/pdf"]  # an admin allows it
    again = mail_process(mail=InboundMail.objects.get())
    assert again.status == MailStatus.CREATED
    assert InboundMail.objects.get().attempts == 2


def test_an_attached_program_is_left_out_and_named_but_the_mail_still_opens_a_ticket(clock):
    raw = mail(
        body="My pump shows E42, the log is attached.",
        attachments=[
            ("pump-log.txt", "text/plain", b"E42 at 09:14"),
            ("invoice.pdf", "application/pdf", b"MZ\x90\x00" + b"\x00" * 200),
        ],
    )
    outcome = mail_ingest(raw=raw)
    assert outcome.status == MailStatus.CREATED
    ticket = Ticket.objects.get()
    assert [a.filename for a in ticket.attachments.all()] == ["pump-log.txt"]
    text = ticket.messages.get().body_text
    assert "Not attached, because programs and scripts are not accepted: invoice.pdf" in text
    assert "a Windows program" in text
    assert bytes(InboundMail.objects.get().raw) == raw  # the received mail keeps it


def test_too_large_mail_is_quarantined(clock, settings):
    settings.CAREDESK_MAX_MAIL_BYTES = 1024
    outcome = mail_ingest(raw=mail(body="x" * 5000))
    assert outcome.status == MailStatus.QUARANTINED and "larger than" in outcome.reason


def test_html_only_mail_is_sanitized_and_encoded_words_decoded(clock):
    raw = (
        b"From: =?utf-8?q?Ren=C3=A9e_M=C3=BCller?= <renee@patients.example>\r\n"
        b"Subject: =?utf-8?b?w4RyZ2VyIG1pdCBkZXIgV2FhZ2U=?=\r\n"
        b"Message-ID: <html-1@patients.example>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>The scale <b>stopped</b> syncing.</p><script>alert(1)</script>"
    )
    outcome = mail_ingest(raw=raw)
    assert outcome.status == MailStatus.CREATED
    ticket = Ticket.objects.get()
    assert ticket.subject == "Ärger mit der Waage" and ticket.requester.name == "Renée Müller"
    message = Message.objects.get(ticket=ticket)
    assert "stopped" in message.body_text and "alert" not in message.body_html


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Fixed, thanks!\n\nOn Tue, Nov 24, 2026 at 9:12 AM Support <s@x.example> wrote:\n> old",
            "Fixed, thanks!",
        ),
        ("Yes.\n\n-----Original Message-----\nFrom: Support\nold text", "Yes."),
        ("Works now.\n\n-- \nOdette Larkin\nNurse, Ward 4", "Works now."),
        ("See below.\n> quoted\n> more", "See below."),
        ("Thanks.\nSent from my iPhone", "Thanks."),
        ("Reply here\n##- Reply above this line -##\nThe old conversation", "Reply here"),
        (
            "Call me at 555-0100.\nFrom: my home phone works best.",
            "Call me at 555-0100.\nFrom: my home phone works best.",
        ),
    ],
)
def test_quoted_history_and_signatures_are_cut_from_replies(text, kept):
    assert reply_part(text) == kept


def test_the_answer_to_our_reply_mail_finds_its_ticket_through_the_threading_headers(clock):
    from caredesk.core.models import OutboxItem
    from caredesk.tickets.services import Body, message_add
    from tests.factories import AgentFactory

    mail_ingest(raw=mail(subject="Scale will not sync"))
    ticket = Ticket.objects.get()
    message_add(
        ticket=ticket, kind="public", body=Body(text="Please re-pair it."), actor=AgentFactory()
    )
    # the acknowledgement went first; the agent's reply is the latest mail
    sent = OutboxItem.objects.filter(kind="email").order_by("-id").first().payload
    first = Message.objects.filter(ticket=ticket).order_by("id").first()
    assert sent["headers"]["In-Reply-To"] == first.email_message_id  # the requester's own mail
    ours = sent["headers"]["Message-ID"]
    assert "##- Reply above this line -##" in sent["body"]
    # the requester answers from a phone that drops the subject's reference
    answer = mail(
        subject="Re: sync",
        body=f"Done, it works.\n\n##- Reply above this line -##\n{sent['body']}",
        headers={"In-Reply-To": ours, "References": ours},
    )
    outcome = mail_ingest(raw=answer)
    assert (outcome.status, outcome.ticket) == (MailStatus.APPENDED, ticket.ref)
    assert (
        Message.objects.filter(ticket=ticket).order_by("-id").first().body_text == "Done, it works."
    )
    assert sent["headers"]["Reply-To"].startswith("support+t")


def test_an_administrator_processes_quarantined_mail_again_from_the_admin(
    clock, settings, admin_client
):
    settings.CAREDESK_ATTACHMENT_TYPES = ["image/png"]
    mail_ingest(raw=mail(attachments=[("log.bin", "application/octet-stream", b"\x00\x01" * 40)]))
    stored = InboundMail.objects.get()
    listing = admin_client.get("/admin/intake/inboundmail/?status=quarantined")
    assert listing.status_code == 200 and b"not accepted" in listing.content
    settings.CAREDESK_ATTACHMENT_TYPES = ["image/png", "application/octet-stream"]
    response = admin_client.post(
        "/admin/intake/inboundmail/", {"action": "process_again", "_selected_action": [stored.pk]}
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.status == MailStatus.CREATED and stored.ticket is not None
