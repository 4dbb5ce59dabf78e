"""A voicemail from the urgent line, as an agent meets it on the ticket page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.phone.models import Call
from tests.factories import PASSWORD, ContactFactory, supervisor
from tests.phone.conftest import URGENT_LINE, Twilio, configure, new_sid

pytestmark = pytest.mark.e2e


@pytest.fixture
def twilio(settings) -> Twilio:  # type: ignore[no-untyped-def]
    return configure(settings)


def test_agent_sees_the_voicemail_link_and_the_call_facts(screen, twilio, clock):
    boss = supervisor(name="Halvard Pruett")
    ContactFactory(name="June Halloway", phone="+1 555 010 0199")
    sid = new_sid()
    twilio.missed(sid, caller="+15550100199", line=URGENT_LINE)
    twilio.recording(sid, seconds=48)
    call = Call.objects.get(call_sid=sid)
    recording = call.recordings.get()

    screen.login(boss.email, PASSWORD)
    screen.goto(f"/agent/tickets/{call.ticket_id}/")
    expect(screen.page.get_by_role("heading", level=1)).to_contain_text(
        "Missed call on the urgent line from June Halloway"
    )
    link = screen.page.get_by_role("link", name="Listen to the recording")
    expect(link).to_have_attribute("href", recording.url)
    expect(screen.page.locator(".msg-internal")).to_contain_text("Not answered: call back.")
    expect(screen.page.locator(".badge.level-1")).to_be_visible()
    screen.check("ticket with a voicemail")
    screen.shoot("phone-voicemail-ticket")
