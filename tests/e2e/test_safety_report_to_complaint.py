"""A safety report by mail, end to end, as the desk runs it: the report lands in a real mailbox
(dovecot on 127.0.0.1), the worker (Huey's consumer in this process) fetches it, the safety
screen classes it, the shipped device protocol escalates it and pages the on-call clinical
liaison, whose phone (a Twilio REST peer on 127.0.0.1) receives the SMS within 60 s. The liaison
acknowledges by SMS reply, then in the browser opens the complaint file the protocol opened,
records the reportability decision and reads the report's due date."""

from __future__ import annotations

import time
import urllib.request
from datetime import time as day_time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.complaints.models import Complaint
from caredesk.core import clock
from caredesk.core.twilio import signature
from caredesk.oncall.models import (
    EscalationPolicy,
    EscalationStep,
    Layer,
    LayerMember,
    Page,
    PageState,
    PagingContact,
    Schedule,
    TargetKind,
)
from caredesk.rules.policies import policies_import
from caredesk.rules.shipped import install_macros, policy_text
from caredesk.tickets.models import Ticket
from tests.factories import PASSWORD, AgentFactory, TeamFactory
from tests.intake.test_mail_ingest import mail
from tests.oncall.conftest import BASE, FROM, SID, SMS_PATH, TOKEN
from tests.oncall.worker import worker_running

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIAISON_PHONE = "+15550100177"
REPORT = (
    "Hello,\n\nLast night my mother's infusion pump delivered twice the programmed dose. "
    "She became drowsy and we took her to the emergency room, where she was admitted.\n"
    "The pump is an Orvana IP-3, serial OV-330-1187.\n\nKind regards,\nBeatrix Moravec"
)


def _liaison_on_call():
    """The clinical team with one liaison on a weekly rotation and the default policy."""
    clinical = TeamFactory(slug="clinical", name="Clinical liaisons")
    liaison = AgentFactory(
        role=ROLE_QUALITY,
        teams=[clinical],
        name="Dr. Ysolde Karvonen",
        email="ysolde.liaison@caredesk.example",
    )
    schedule = Schedule.objects.create(
        team=clinical, name="Liaisons", timezone="UTC", created_at=clock.now()
    )
    layer = Layer.objects.create(
        schedule=schedule,
        name="Weekly",
        kind="weekly",
        handoff_time=day_time(9),
        start_date=clock.now().date() - timedelta(days=3),
    )
    LayerMember.objects.create(layer=layer, user=liaison, position=0)
    policy = EscalationPolicy.objects.create(
        team=clinical, name="Clinical default", is_default=True, repeat=2
    )
    EscalationStep.objects.create(
        policy=policy, position=0, target=TargetKind.SCHEDULE, schedule=schedule, wait_minutes=5
    )
    PagingContact.objects.create(user=liaison, phone=LIAISON_PHONE)
    return liaison


def _sms_reply(live_server, body: str) -> str:
    """Twilio posting the liaison's SMS reply to the desk over HTTP, signed with the token."""
    data = {"From": LIAISON_PHONE, "To": FROM, "Body": body, "AccountSid": SID, "MessageSid": "SM9"}
    request = urllib.request.Request(  # noqa: S310 - the live server on 127.0.0.1
        live_server.url + SMS_PATH,
        data=urlencode(data).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature(TOKEN, BASE + SMS_PATH, sorted(data.items())),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - 127.0.0.1
        assert response.status == 200
        return response.read().decode()


def test_a_mailed_safety_report_reaches_the_liaison_who_acks_by_sms_and_decides_reportability(
    open_screen, live_server, imap_server, twilio_peer, settings
):
    from caredesk.tasks import mail_poll_once_task

    settings.CAREDESK_IMAP_MAILBOXES = [imap_server.url]
    settings.CAREDESK_COMPLAINT_CALENDAR = ""
    engineering = TeamFactory(slug="engineering", name="Engineering", tier=3)
    TeamFactory(slug="tier-2", name="Tier 2", tier=2)
    liaison = _liaison_on_call()
    install_macros()
    policies_import(text=policy_text("device-escalation.yaml"), actor=None, note="shipped")

    # --- the report arrives by mail; the liaison's phone receives the SMS within 60 s ---------
    imap_server.deliver(
        mail(
            sender="Beatrix Moravec <b.moravec@patients.example>",
            subject="Pump problem last night",
            body=REPORT,
        )
    )
    with worker_running():
        arrived = time.monotonic()
        mail_poll_once_task()  # the worker's next look at the mailbox (every 15 s)
        texts = twilio_peer.wait_texts(LIAISON_PHONE, timeout=60)
        assert texts, "the on-call liaison received no SMS within 60 s"
        assert texts[0].at - arrived < 60

    ticket = Ticket.objects.get(subject="Pump problem last night")
    assert (ticket.safety, ticket.priority, ticket.team, ticket.tier) == (
        "event",
        1,
        engineering,
        3,
    )
    page = Page.objects.get(ticket=ticket)
    assert page.code in texts[0].form["Body"]
    assert page.seconds_to_send is not None and page.seconds_to_send < 60

    # --- the liaison acknowledges by SMS reply --------------------------------------------------
    answer = _sms_reply(live_server, "ACK")
    assert f"Page {page.code} acknowledged" in answer
    page.refresh_from_db()
    assert (page.state, page.acknowledged_by) == (PageState.ACKNOWLEDGED, liaison)

    # --- in the desk: the ticket's safety, the complaint file, the reportability decision -------
    screen = open_screen()
    screen.login(liaison.email, PASSWORD)
    browser_page = screen.page
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    expect(browser_page.locator(".safety-banner")).to_contain_text("Safety event")
    expect(browser_page.get_by_role("button", name=f"Acknowledge page {page.code}")).to_have_count(
        0
    )
    screen.check("ticket with a safety event")
    screen.shoot("safety-report-ticket")

    complaint = Complaint.objects.get(ticket=ticket)
    with browser_page.expect_navigation(wait_until="load"):
        browser_page.locator("#complaint-link").click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text(
        f"Complaint file {complaint.ref}"
    )
    codes = browser_page.locator("dd", has=browser_page.locator("code"))
    expect(codes.first).to_contain_text("A14")  # the screen's codes, to refine
    expect(codes.first).to_contain_text("Infusion or Flow Problem")
    browser_page.get_by_label("Reportable: serious injury").check()
    browser_page.get_by_label("Rationale").fill(
        "Double dose with a hospital admission: a serious injury under 21 CFR 803.3."
    )
    with browser_page.expect_navigation(wait_until="load"):
        browser_page.get_by_role("button", name="Record decision").click()
    due = complaint.aware_on + timedelta(days=30)
    expect(browser_page.get_by_role("status").first).to_contain_text(
        f"The MDR report is due {due.isoformat()}"
    )
    expect(browser_page.locator("#mdr-clock")).to_contain_text(f"{due:%a} {due.day} {due:%b %Y}")
    screen.check("complaint file with the decision")
    screen.shoot("safety-report-complaint")
    decided = Complaint.objects.get(pk=complaint.pk)
    assert (decided.reportability, decided.decided_by) == ("serious_injury", liaison)
