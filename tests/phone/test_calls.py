"""Calls as the desk sees them: answer and handle times on the clock the tests move, voicemail
into tickets, the urgent line, requesters found by number, reports twice or out of order."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import Contact
from caredesk.phone.models import Call, CallRecording, ContactPhone
from caredesk.phone.services import contact_for_number
from caredesk.tickets.models import Channel, Message, MessageKind, Priority, Status, Ticket
from caredesk.tickets.services import ticket_update
from tests.factories import ContactFactory, login_verified, make_ticket, supervisor
from tests.phone.conftest import URGENT_LINE, new_sid

pytestmark = pytest.mark.django_db
CALLER = "+15550100199"


@pytest.fixture
def june(clock):
    return ContactFactory(name="June Halloway", phone="+1 (555) 010-0199")


def test_an_answered_call_has_its_answer_and_handle_times(twilio, clock, june):
    sid = new_sid()
    twilio.status(sid, "queued", caller=CALLER)
    clock.advance(seconds=12)
    twilio.status(sid, "in-progress", caller=CALLER)
    clock.advance(minutes=6, seconds=5)
    twilio.status(sid, "completed", caller=CALLER, CallDuration=365)
    call = Call.objects.get(call_sid=sid)
    assert call.status == "completed"
    assert (call.answer_seconds, call.answer_target_met) == (12, True)
    assert call.handle_seconds == 365 and call.duration_seconds == 365
    assert call.requester == june and not call.urgent
    assert call.ticket is None  # an answered call is handled on the phone: no ticket


def test_an_answer_after_the_target_is_marked_missed(twilio, clock, june, settings):
    sid = new_sid()
    twilio.status(sid, "ringing", caller=CALLER)
    clock.advance(seconds=31)
    twilio.status(sid, "in-progress", caller=CALLER)
    call = Call.objects.get(call_sid=sid)
    assert (call.answer_seconds, call.answer_target_met) == (31, False)
    settings.CAREDESK_PHONE_ANSWER_TARGET_SECONDS = 60
    sid = new_sid()
    twilio.status(sid, "ringing", caller=CALLER)
    clock.advance(seconds=31)
    twilio.status(sid, "in-progress", caller=CALLER)
    assert Call.objects.get(call_sid=sid).answer_target_met is True


def test_a_voicemail_opens_a_phone_ticket_with_the_recording_link(twilio, clock, june):
    sid = new_sid()
    twilio.missed(sid, caller=CALLER, wait=lambda: clock.advance(seconds=40))
    assert Call.objects.get(call_sid=sid).ticket is None  # a missed everyday call alone: none
    twilio.recording(sid, rec="RE" + "a" * 32, seconds=95)
    call = Call.objects.get(call_sid=sid)
    ticket = call.ticket
    assert ticket is not None
    assert (ticket.channel, ticket.priority, ticket.requester) == (
        Channel.PHONE,
        Priority.LEVEL3,
        june,
    )
    assert ticket.subject == "Voicemail from June Halloway (+15550100199)"
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["voicemail"]
    voicemail, facts = ticket.messages.order_by("id")
    assert voicemail.kind == MessageKind.PUBLIC and voicemail.author_contact == june
    link = f"https://api.twilio.com/2010-04-01/Accounts/{call.account_sid}/Recordings/RE{'a' * 32}"
    assert f'href="{link}"' in voicemail.body_html
    assert "Voicemail (1 min 35 s)" in voicemail.body_text
    assert facts.kind == MessageKind.INTERNAL
    assert "Not answered." in facts.body_text and sid in facts.body_text
    assert call.recording_url == link and call.noted


def test_a_second_voicemail_from_the_same_number_joins_the_open_ticket(twilio, clock, june):
    first, second = new_sid(), new_sid()
    twilio.missed(first, caller="+15550100199")
    twilio.recording(first)
    clock.advance(hours=2)
    twilio.missed(second, caller="+1 555 010 0199")
    twilio.recording(second, seconds=20)
    (ticket,) = Ticket.objects.all()
    assert Call.objects.get(call_sid=second).ticket == ticket
    kinds = list(ticket.messages.values_list("kind", flat=True))
    assert kinds == ["public", "internal", "public", "internal"]
    assert CallRecording.objects.filter(posted_at__isnull=False).count() == 2


def test_a_voicemail_after_the_ticket_is_closed_opens_a_new_one(twilio, clock, june):
    first = new_sid()
    twilio.missed(first, caller=CALLER)
    twilio.recording(first)
    old = Ticket.objects.get()
    ticket_update(ticket=old, changes={"status": Status.CLOSED}, actor=supervisor())
    second = new_sid()
    twilio.missed(second, caller=CALLER)
    twilio.recording(second)
    assert Ticket.objects.count() == 2
    assert Call.objects.get(call_sid=second).ticket != old


def test_a_recorded_conversation_is_a_note_for_agents(twilio, clock, june):
    sid = new_sid()
    twilio.status(sid, "ringing", caller=CALLER)
    twilio.status(sid, "in-progress", caller=CALLER)
    twilio.status(sid, "completed", caller=CALLER, CallDuration=60)
    twilio.recording(sid)
    ticket = Call.objects.get(call_sid=sid).ticket
    assert ticket.subject == "Phone call with June Halloway (+15550100199)"
    assert set(ticket.messages.values_list("kind", flat=True)) == {MessageKind.INTERNAL}
    assert ticket.messages.filter(body_html__contains="Recording of the call").exists()


def test_every_report_twice_changes_nothing(twilio, clock, june):
    sid, rec = new_sid(), new_sid("RE")
    twilio.status(sid, "ringing", caller=CALLER)
    twilio.status(sid, "ringing", caller=CALLER)
    clock.advance(seconds=20)
    twilio.status(sid, "completed", caller=CALLER, CallDuration=0)
    twilio.recording(sid, rec=rec)
    before = Call.objects.values().get(call_sid=sid)
    messages = Message.objects.count()
    clock.advance(minutes=5)  # Twilio retries later
    twilio.status(sid, "ringing", caller=CALLER)
    twilio.status(sid, "completed", caller=CALLER, CallDuration=0)
    twilio.recording(sid, rec=rec)
    twilio.recording(sid, rec=rec, RecordingStatus="in-progress")
    assert Call.objects.values().get(call_sid=sid) == before
    assert Message.objects.count() == messages
    assert Ticket.objects.count() == 1 and CallRecording.objects.count() == 1


def test_reports_out_of_order_never_move_a_call_back(twilio, clock, june):
    sid = new_sid()
    twilio.status(sid, "ringing", caller=CALLER)
    clock.advance(seconds=8)
    twilio.status(sid, "in-progress", caller=CALLER)
    clock.advance(seconds=100)
    twilio.status(sid, "completed", caller=CALLER, CallDuration=100)
    twilio.status(sid, "ringing", caller=CALLER)  # a late retry of an earlier report
    twilio.status(sid, "no-answer", caller=CALLER)  # a second end: the first one stands
    call = Call.objects.get(call_sid=sid)
    assert (call.status, call.answer_seconds, call.handle_seconds) == ("completed", 8, 100)


def test_a_late_answer_report_is_placed_by_its_timestamp(twilio, clock, june):
    sid = new_sid()
    twilio.status(sid, "ringing", caller=CALLER)  # 14:00:00
    clock.advance(seconds=90)
    twilio.status(sid, "completed", caller=CALLER, CallDuration=75)
    assert Call.objects.get(call_sid=sid).answered_at is None
    twilio.status(sid, "in-progress", caller=CALLER, Timestamp="Mon, 02 Nov 2026 14:00:15 +0000")
    call = Call.objects.get(call_sid=sid)
    assert (call.status, call.answer_seconds, call.handle_seconds) == ("completed", 15, 75)
    twilio.status(  # a timestamp outside the call proves nothing
        sid, "in-progress", caller=CALLER, Timestamp="Mon, 02 Nov 2026 15:00:00 +0000"
    )
    assert Call.objects.get(call_sid=sid).answer_seconds == 15


def test_a_missed_call_on_the_urgent_line_opens_a_level_one_ticket(twilio, clock, june):
    sid = new_sid()
    twilio.missed(sid, caller=CALLER, line=URGENT_LINE, wait=lambda: clock.advance(seconds=45))
    call = Call.objects.get(call_sid=sid)
    assert call.urgent
    ticket = call.ticket
    assert (ticket.priority, ticket.channel, ticket.requester) == (1, Channel.PHONE, june)
    assert ticket.subject == "Missed call on the urgent line from June Halloway (+15550100199)"
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["missed-call", "urgent-line"]
    (facts,) = ticket.messages.all()
    assert "(urgent line)" in facts.body_text and "Not answered: call back." in facts.body_text
    # the voicemail left on that call joins the same ticket
    twilio.recording(sid)
    assert Ticket.objects.count() == 1
    assert ticket.messages.filter(
        body_html__contains="Voicemail (42 s) on the urgent line"
    ).exists()


def test_an_answered_urgent_call_is_flagged_without_a_ticket(twilio, clock, june):
    sid = new_sid()
    twilio.status(sid, "ringing", caller=CALLER, line=URGENT_LINE)
    clock.advance(seconds=5)
    twilio.status(sid, "in-progress", caller=CALLER, line=URGENT_LINE)
    twilio.status(sid, "completed", caller=CALLER, line=URGENT_LINE, CallDuration=30)
    call = Call.objects.get(call_sid=sid)
    assert call.urgent and call.answer_target_met and call.ticket is None


def test_an_urgent_voicemail_raises_the_callers_open_ticket_to_level_one(twilio, clock, june):
    existing = make_ticket(june, channel=Channel.PHONE, subject="Device will not pair")
    assert existing.priority == Priority.LEVEL3
    sid = new_sid()
    twilio.status(sid, "ringing", caller=CALLER, line=URGENT_LINE)
    twilio.recording(sid)  # recorded before the call's end is reported
    existing.refresh_from_db()
    assert existing.priority == Priority.LEVEL1
    assert Call.objects.get(call_sid=sid).ticket == existing
    twilio.status(sid, "completed", caller=CALLER, line=URGENT_LINE, CallDuration=0)
    assert Ticket.objects.count() == 1
    assert existing.messages.filter(kind=MessageKind.INTERNAL, body_text__contains=sid).exists()


def test_tickets_of_other_channels_are_not_joined(twilio, clock, june):
    make_ticket(june, channel=Channel.EMAIL)
    sid = new_sid()
    twilio.missed(sid, caller=CALLER)
    twilio.recording(sid)
    assert Ticket.objects.filter(channel=Channel.PHONE).count() == 1


@pytest.mark.parametrize(
    "written", ["+1 (555) 010-0199", "+15550100199", "555-010-0199", "1 555 010 0199 ext. 4"]
)
def test_the_caller_is_found_however_the_number_was_written(twilio, clock, written):
    contact = ContactFactory(name="Omar Haddad", phone=written)
    for calling_as in ("+15550100199", "+1 555 010 0199"):
        sid = new_sid()
        twilio.status(sid, "ringing", caller=calling_as)
        assert Call.objects.get(call_sid=sid).requester == contact


def test_an_unknown_number_becomes_a_requester_named_by_it(twilio, clock):
    sid = new_sid()
    twilio.missed(sid, caller="+15550100177")
    assert Call.objects.get(call_sid=sid).requester is None  # no contact for a call alone
    twilio.recording(sid)
    contact = Contact.objects.get(phone="+15550100177")
    assert (contact.name, contact.email) == ("+15550100177", None)
    assert Ticket.objects.get().subject == "Voicemail from +15550100177"
    later = new_sid()
    twilio.status(later, "ringing", caller="+15550100177")
    assert Call.objects.get(call_sid=later).requester == contact


def test_withheld_numbers_are_never_grouped(twilio, clock):
    for _ in range(2):
        sid = new_sid()
        twilio.missed(sid, caller="+266696687")
        twilio.recording(sid)
    assert Ticket.objects.count() == 2
    assert set(Ticket.objects.values_list("subject", flat=True)) == {
        "Voicemail from an unknown caller"
    }
    assert not ContactPhone.objects.exists()


def test_a_recording_of_a_call_never_reported_still_reaches_a_ticket(twilio, clock):
    sid = new_sid()
    twilio.recording(sid)
    ticket = Call.objects.get(call_sid=sid).ticket
    assert ticket is not None and ticket.requester.name == "Unknown caller"


def test_contact_numbers_follow_the_contact(clock):
    contact = ContactFactory(phone="(555) 010-0111")
    assert contact_for_number("+15550100111") == contact
    contact.phone = "+44 20 7946 0958"
    contact.save()
    assert contact_for_number("+15550100111") is None
    assert contact_for_number("020 7946 0958") is None  # read in the default country (1)
    assert contact_for_number("+442079460958") == contact
    other = ContactFactory(phone="+44 20 7946 0958")  # the number stays with its first owner
    assert contact_for_number("+442079460958") == contact
    contact.phone = ""
    contact.save(update_fields=["phone"])
    assert contact_for_number("+442079460958") is None
    other.save()
    assert contact_for_number("+442079460958") == other


def test_the_desk_shows_the_call_on_its_ticket(twilio, clock, june, client):
    sid = new_sid()
    twilio.missed(sid, caller=CALLER, line=URGENT_LINE)
    twilio.recording(sid)
    ticket = Call.objects.get(call_sid=sid).ticket
    login_verified(client, supervisor())
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Missed call on the urgent line" in page
    assert "Not answered: call back." in page
    assert 'href="https://api.twilio.com/2010-04-01/Accounts/' in page
    assert 'rel="noopener noreferrer nofollow"' in page


def test_a_call_the_desk_places_finds_the_person_called(twilio, clock, june):
    sid = new_sid()
    twilio.status(sid, "queued", caller=URGENT_LINE, line=CALLER, Direction="outbound-api")
    call = Call.objects.get(call_sid=sid)
    assert call.requester == june and call.urgent  # placed from the urgent line
    twilio.status(sid, "no-answer", caller=URGENT_LINE, line=CALLER, Direction="outbound-api")
    assert Call.objects.get(call_sid=sid).ticket is None  # nobody missed the desk's own call
    dialed = new_sid()  # a <Dial>ed leg keeps the caller in From
    twilio.status(dialed, "ringing", caller=CALLER, line="+15550109999", Direction="outbound-dial")
    assert Call.objects.get(call_sid=dialed).requester == june


AGENT_PHONE = "+15550100777"


def leg(twilio, sid: str, parent: str, status: str) -> None:  # type: ignore[no-untyped-def]
    """A report about the leg the desk dialed to an agent's phone for the caller's call."""
    twilio.status(
        sid,
        status,
        caller=CALLER,
        line=AGENT_PHONE,
        Direction="outbound-dial",
        ParentCallSid=parent,
    )


def test_a_call_put_through_to_an_agent_is_answered_when_the_agent_answers(twilio, clock, june):
    parent, child = new_sid(), new_sid()
    twilio.status(parent, "ringing", caller=CALLER)
    clock.advance(seconds=1)
    twilio.status(parent, "in-progress", caller=CALLER)  # the greeting picks up
    clock.advance(seconds=2)
    leg(twilio, child, parent, "initiated")
    leg(twilio, child, parent, "ringing")
    clock.advance(seconds=20)
    leg(twilio, child, parent, "in-progress")  # an agent's phone answers
    clock.advance(minutes=4)
    leg(twilio, child, parent, "completed")
    clock.advance(seconds=1)
    twilio.status(parent, "completed", caller=CALLER, CallDuration=264)

    call = Call.objects.get(call_sid=parent)
    assert call.dialed and call.answer_seconds == 23 and call.answer_target_met is True
    assert call.handle_seconds == 241
    assert [c.call_sid for c in call.legs.all()] == [child]
    dialed = Call.objects.get(call_sid=child)
    assert dialed.parent == call and dialed.to_number == AGENT_PHONE and dialed.ticket is None
    assert Ticket.objects.count() == 0


def test_an_urgent_call_no_agent_answered_is_missed_though_the_greeting_picked_up(
    twilio, clock, june
):
    """The safety case: the greeting answering is not a person answering."""
    parent, first, second = new_sid(), new_sid(), new_sid()
    twilio.status(parent, "ringing", caller=CALLER, line=URGENT_LINE)
    twilio.status(parent, "in-progress", caller=CALLER, line=URGENT_LINE)
    for sid in (first, second):  # two agents' phones ring out
        leg(twilio, sid, parent, "ringing")
        clock.advance(seconds=20)
        leg(twilio, sid, parent, "no-answer")
    twilio.status(parent, "completed", caller=CALLER, line=URGENT_LINE, CallDuration=45)

    call = Call.objects.get(call_sid=parent)
    assert call.answered is None and call.answer_seconds is None
    ticket = call.ticket
    assert ticket is not None and ticket.priority == Priority.LEVEL1
    assert ticket.subject.startswith("Missed call on the urgent line")
    facts = ticket.messages.get().body_text
    assert "Not answered: call back (put through to agents' phones; none answered)." in facts


def test_legs_reported_first_twice_or_out_of_order_give_the_same_call(twilio, clock, june):
    parent, child = new_sid(), new_sid()
    leg(twilio, child, parent, "ringing")  # before anything about the caller's call
    call = Call.objects.get(call_sid=parent)
    assert call.dialed and call.status == ""
    clock.advance(seconds=9)
    leg(twilio, child, parent, "in-progress")
    leg(twilio, child, parent, "in-progress")
    leg(twilio, child, parent, "ringing")  # late: never moves the leg back
    twilio.status(parent, "in-progress", caller=CALLER)
    twilio.status(parent, "completed", caller=CALLER)
    call = Call.objects.get(call_sid=parent)
    assert call.leg_answered_at == Call.objects.get(call_sid=child).answered_at
    assert call.answered is not None and call.ticket is None
    assert Call.objects.count() == 2


def test_a_recording_reported_on_a_leg_is_the_callers_conversation(twilio, clock, june):
    parent, child = new_sid(), new_sid()
    twilio.status(parent, "ringing", caller=CALLER)
    leg(twilio, child, parent, "in-progress")
    twilio.recording(child, ParentCallSid=parent)
    call = Call.objects.get(call_sid=parent)
    assert call.recordings.count() == 1 and call.ticket is not None
    assert call.ticket.messages.filter(kind=MessageKind.INTERNAL).exists()  # not a voicemail


def test_a_bad_parent_sid_is_refused_with_its_field(twilio, clock):
    response = twilio.post(
        {
            "CallSid": new_sid(),
            "AccountSid": "AC" + "1" * 32,
            "From": CALLER,
            "To": AGENT_PHONE,
            "CallStatus": "ringing",
            "ParentCallSid": "not a sid!",
        }
    )
    assert response.status_code == 400
    assert "ParentCallSid: Expected Twilio's identifier" in response.content.decode()
    assert not Call.objects.exists()


def test_legs_reported_after_the_callers_call_ended_still_make_it_missed(twilio, clock, june):
    parent, child = new_sid(), new_sid()
    twilio.status(parent, "ringing", caller=CALLER, line=URGENT_LINE)
    twilio.status(parent, "in-progress", caller=CALLER, line=URGENT_LINE)
    twilio.status(parent, "completed", caller=CALLER, line=URGENT_LINE)
    assert Call.objects.get(call_sid=parent).ticket is None  # the greeting answered, it seemed
    leg(twilio, child, parent, "ringing")
    leg(twilio, child, parent, "no-answer")
    call = Call.objects.get(call_sid=parent)
    assert call.ticket is not None and call.ticket.priority == Priority.LEVEL1
    assert "none answered" in call.ticket.messages.get().body_text
