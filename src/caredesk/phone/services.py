"""Telephone calls into tickets.

Twilio reports each call's progress (status callbacks) and its recordings (recording
callbacks). Each report is one transaction on the call's row, locked, so a report sent twice
changes nothing and reports that overtake each other never move a call back. A voicemail (or
any recording) opens a phone ticket for the caller or joins the call's ticket or the caller's
open phone ticket; an unanswered call on the urgent line opens a level 1 ticket to call back.
Tickets and messages are written only through the ticket services.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from caredesk.accounts.models import Contact, ContactKind
from caredesk.core import clock
from caredesk.core.errors import DomainError
from caredesk.core.twilio import e164
from caredesk.phone.models import (
    ENDED,
    STAGE,
    Call,
    CallRecording,
    CallStatus,
    ContactPhone,
)
from caredesk.tickets.models import Channel, MessageKind, Priority, Status, Ticket
from caredesk.tickets.services import Body, NewTicket, message_add, ticket_open, ticket_update

STATUS_FIELDS = ("CallSid", "AccountSid", "From", "To", "CallStatus")
RECORDING_FIELDS = ("CallSid", "AccountSid", "RecordingSid", "RecordingUrl")
RECORDING_STATUSES = ("in-progress", "completed", "absent", "failed")
RECORDING_READY = ("", "completed")  # the <Record> action callback sends no status
MAX_SECONDS = 10_000_000
_SID = re.compile(r"[A-Za-z0-9]{2,64}")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
UNKNOWN_CALLER = "Unknown caller"


class BadEvent(DomainError):
    """A call event that cannot be read; the message names the fields."""

    status = 400
    title = "Bad request"


@dataclass(frozen=True)
class RecordingData:
    sid: str
    url: str
    duration: int | None
    status: str


@dataclass(frozen=True)
class CallEvent:
    call_sid: str
    account_sid: str
    from_raw: str
    to_raw: str
    direction: str
    status: str  # empty in a recording callback
    duration: int | None
    timestamp: datetime | None  # when Twilio says it happened (used only for late reports)
    recording: RecordingData | None
    parent_sid: str = ""  # a dialed leg's caller call (ParentCallSid)


# --- reading a callback -------------------------------------------------------------------


def _seconds(value: str, name: str, errors: dict[str, list[str]]) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"-?\d{1,9}", value):
        errors[name] = ["Expected a whole number of seconds."]
        return None
    seconds = int(value)
    if seconds > MAX_SECONDS:
        errors[name] = ["Expected a whole number of seconds."]
        return None
    return seconds if seconds >= 0 else None  # Twilio sends -1 for "not known"


def _link_valid(url: str) -> bool:
    if len(url) > 500 or _UNPRINTABLE.search(url) or " " in url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _timestamp(value: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    return when if when is not None and when.tzinfo is not None else None


def read_event(params: Mapping[str, str]) -> CallEvent:
    """A status or recording callback's fields, checked; BadEvent names what is wrong."""

    def get(name: str) -> str:
        return str(params.get(name, "")).strip()

    is_recording = bool(get("RecordingSid") or get("RecordingUrl"))
    missing = [f for f in (RECORDING_FIELDS if is_recording else STATUS_FIELDS) if not get(f)]
    if missing:
        raise BadEvent(
            f"Missing fields: {', '.join(missing)}. A call status callback sends "
            f"{', '.join(STATUS_FIELDS)}; a recording callback sends "
            f"{', '.join(RECORDING_FIELDS)}.",
            errors={f: ["This field is required."] for f in missing},
        )
    errors: dict[str, list[str]] = {}
    for name in ("CallSid", "AccountSid", "RecordingSid", "ParentCallSid"):
        if get(name) and not _SID.fullmatch(get(name)):
            errors[name] = ["Expected Twilio's identifier: up to 64 letters and digits."]
    for name, limit in (("From", 64), ("To", 64), ("Direction", 32)):
        if len(get(name)) > limit or _UNPRINTABLE.search(get(name)):
            errors[name] = [f"Expected up to {limit} printable characters."]
    # a recording callback reports the recording; the call's progress comes from status callbacks
    status = "" if is_recording else get("CallStatus")
    if status and status not in CallStatus.values:
        errors["CallStatus"] = [f"Unknown call status; expected one of {', '.join(STAGE)}."]
    duration = _seconds(get("CallDuration"), "CallDuration", errors)
    recording = None
    if is_recording:
        if not _link_valid(get("RecordingUrl")):
            errors["RecordingUrl"] = ["Expected an http(s) link of up to 500 characters."]
        if get("RecordingStatus") and get("RecordingStatus") not in RECORDING_STATUSES:
            errors["RecordingStatus"] = [f"Expected one of {', '.join(RECORDING_STATUSES)}."]
        recording = RecordingData(
            sid=get("RecordingSid"),
            url=get("RecordingUrl"),
            duration=_seconds(get("RecordingDuration"), "RecordingDuration", errors),
            status=get("RecordingStatus"),
        )
    if errors:
        detail = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items())
        raise BadEvent(f"Some fields are not valid. {detail}", errors=errors)
    return CallEvent(
        call_sid=get("CallSid"),
        account_sid=get("AccountSid"),
        from_raw=get("From"),
        to_raw=get("To"),
        direction=get("Direction"),
        status=status,
        duration=duration,
        timestamp=_timestamp(get("Timestamp")),
        recording=recording,
        parent_sid=get("ParentCallSid") if get("ParentCallSid") != get("CallSid") else "",
    )


# --- numbers and requesters -----------------------------------------------------------------


def normalize(raw: str) -> str | None:
    """A number in E.164 form, read with the desk's default country code."""
    return e164(raw, settings.CAREDESK_PHONE_COUNTRY_CODE)


def urgent_numbers() -> frozenset[str]:
    return frozenset(
        normalize(n) or n.strip() for n in settings.CAREDESK_PHONE_URGENT_NUMBERS if n.strip()
    )


def contact_for_number(raw: str) -> Contact | None:
    """The requester whose number this is (written in any common way), or None."""
    number = normalize(raw)
    if number is None:
        return None
    found = (
        ContactPhone.objects.select_related("contact__organization").filter(number=number).first()
    )
    return found.contact if found is not None else None


def contact_phone_sync(contact: Contact) -> None:
    """Keep the contact's profile number findable (a number another contact has stays theirs)."""
    number = normalize(contact.phone) if contact.phone else None
    ContactPhone.objects.filter(contact=contact, from_profile=True).exclude(
        number=number or ""
    ).delete()
    if number:
        ContactPhone.objects.bulk_create(
            [ContactPhone(number=number, contact=contact, from_profile=True)],
            ignore_conflicts=True,
        )


def contact_saved(
    sender: Any, instance: Contact, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """post_save of Contact: follow its phone field."""
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and "phone" not in update_fields):
        return
    if created and not instance.phone:
        return
    contact_phone_sync(instance)


def _requester(call: Call) -> Contact:
    """The call's requester; a caller not known by number becomes a new requester named by
    the number (withheld numbers: an "Unknown caller" of their own)."""
    if call.requester is not None:
        return call.requester
    number = normalize(call.caller_number)
    contact = contact_for_number(number) if number else None
    if contact is None:
        contact = Contact.objects.create(
            name=number or UNKNOWN_CALLER, phone=number or "", kind=ContactKind.OTHER, email=None
        )
    call.requester = contact
    return contact


# --- the call's progress --------------------------------------------------------------------


def call_event(*, event: CallEvent) -> Call:
    """Apply one callback to its call (and to tickets); idempotent."""
    if event.parent_sid and event.recording is None:
        return _leg_event(event)
    with transaction.atomic():
        now = clock.now()
        # a recording made on a dialed leg is the caller's conversation: it belongs to the call
        call = _locked(event.parent_sid or event.call_sid, now)
        before = _state(call)
        _identify(call, event)
        if event.status:
            _advance(call, event, now)
        recording = None
        if event.recording is not None:
            recording = _keep_recording(call, event.recording, now)
        _tickets(call, recording, now)
        if _state(call) != before:
            call.updated_at = now
            call.save()
    return call


def _leg_event(event: CallEvent) -> Call:
    """A report about a dialed leg: kept as a call of its own, linked to the caller's call,
    whose answer it may be. Never a ticket of its own."""
    with transaction.atomic():
        now = clock.now()
        parent = _locked(event.parent_sid, now)  # the caller's call first, as its own reports do
        leg = _locked(event.call_sid, now)
        parent_before, leg_before = _state(parent), _state(leg)
        leg.parent = parent
        _identify(leg, event)
        if event.status:
            _advance(leg, event, now)
        parent.dialed = True
        if leg.answered_at is not None and (
            parent.leg_answered_at is None or leg.answered_at < parent.leg_answered_at
        ):
            parent.leg_answered_at = leg.answered_at
        _measure(parent)
        if STAGE.get(parent.status, 0) == ENDED:
            # reported after the caller's call ended: a call nobody answered is still missed
            _tickets(parent, None, now)
        for call, before in ((parent, parent_before), (leg, leg_before)):
            if _state(call) != before:
                call.updated_at = now
                call.save()
    return leg


def _locked(call_sid: str, now: datetime) -> Call:
    """The call's row, locked until the transaction ends (created on its first report)."""
    call = Call.objects.select_for_update().filter(call_sid=call_sid).first()
    if call is not None:
        return call
    Call.objects.bulk_create(
        [Call(call_sid=call_sid, created_at=now, updated_at=now)], ignore_conflicts=True
    )
    return Call.objects.select_for_update().get(call_sid=call_sid)


def _state(call: Call) -> tuple[Any, ...]:
    return tuple(getattr(call, f.attname) for f in Call._meta.concrete_fields)


def _identify(call: Call, event: CallEvent) -> None:
    """Who called whom: taken from the first report that says it."""
    if not call.account_sid:
        call.account_sid = event.account_sid
    if not call.direction and event.direction:
        call.direction = event.direction
    if not (call.from_number or call.to_number) and (event.from_raw or event.to_raw):
        call.from_number = normalize(event.from_raw) or event.from_raw
        call.to_number = normalize(event.to_raw) or event.to_raw
        call.urgent = bool(call.line_number) and call.line_number in urgent_numbers()
        if call.requester_id is None and normalize(call.caller_number):
            call.requester = contact_for_number(call.caller_number)


def _advance(call: Call, event: CallEvent, now: datetime) -> None:
    """Move the call forward; a report of an earlier stage, or a second end, changes nothing
    (except that a late "answered" fills in the answer from Twilio's timestamp)."""
    stage, current = STAGE[event.status], STAGE.get(call.status, 0)
    if stage <= current:
        if stage == 2 and call.answered_at is None:
            _late_answer(call, event.timestamp)
        return
    call.status = event.status
    if stage == 1:
        call.queued_at = now
    elif stage == 2:
        call.answered_at = now
        _measure(call)
    else:
        call.ended_at = now
        call.duration_seconds = event.duration
        _measure(call)


def _late_answer(call: Call, when: datetime | None) -> None:
    low, high = call.queued_at, call.ended_at
    if when is None or (low and when < low) or (high and when > high):
        return
    call.answered_at = when
    _measure(call)


def _measure(call: Call) -> None:
    """Answer and handle times from the moment the caller reached a person (recomputed from the
    call's times, so a dialed leg reported later corrects the greeting's early answer)."""
    answered = call.answered
    call.answer_seconds = call.answer_target_met = call.handle_seconds = None
    if call.queued_at and answered:
        waited = max(0, round((answered - call.queued_at).total_seconds()))
        call.answer_seconds = waited
        call.answer_target_met = waited <= settings.CAREDESK_PHONE_ANSWER_TARGET_SECONDS
    if answered and call.ended_at:
        call.handle_seconds = max(0, round((call.ended_at - answered).total_seconds()))


def _keep_recording(call: Call, data: RecordingData, now: datetime) -> CallRecording | None:
    """The recording as reported; None when its sid belongs to another call."""
    recording = CallRecording.objects.filter(recording_sid=data.sid).first()
    if recording is None:
        recording, _created = CallRecording.objects.get_or_create(
            recording_sid=data.sid,
            defaults={
                "call": call,
                "url": data.url,
                "duration_seconds": data.duration,
                "status": data.status,
                "received_at": now,
            },
        )
    elif recording.call_id == call.pk and recording.status not in RECORDING_READY:
        # a recording reported while in progress, now finished (or failed)
        recording.url, recording.status = data.url, data.status
        recording.duration_seconds = data.duration
        recording.save(update_fields=["url", "status", "duration_seconds"])
    if recording.call_id != call.pk:
        return None
    if recording.status in RECORDING_READY:
        call.recording_url = recording.url
    return recording


# --- tickets ----------------------------------------------------------------------------------


def _tickets(call: Call, recording: CallRecording | None, now: datetime) -> None:
    """A finished recording goes on a ticket (once); an unanswered urgent call opens a
    callback ticket; once a call with a ticket has ended, its facts are noted there."""
    ended = STAGE.get(call.status, 0) == ENDED
    if (
        recording is not None
        and recording.posted_at is None
        and recording.status in RECORDING_READY
    ):
        _post_recording(call, recording, now)
    missed = ended and call.answered is None and not call.outbound
    if missed and call.urgent and call.ticket_id is None:
        _missed_urgent(call)
    if ended and not call.noted and call.ticket is not None:
        message_add(
            ticket=call.ticket,
            kind=MessageKind.INTERNAL,
            body=Body(text=call_facts(call)),
            actor=None,
        )
        call.noted = True


def _who(call: Call, contact: Contact) -> str:
    number = call.caller_number if normalize(call.caller_number) else ""
    if contact.name in (number, UNKNOWN_CALLER) or not contact.name:
        return number or "an unknown caller"
    return f"{contact.name} ({number})" if number else contact.name


def _ticket_for(call: Call, contact: Contact) -> Ticket | None:
    """The call's own ticket, else the caller's most recent open phone ticket."""
    if call.ticket is not None and call.ticket.status != Status.CLOSED:
        return call.ticket
    if contact.name == UNKNOWN_CALLER and not contact.phone:
        return None  # nothing says two withheld numbers are the same person
    return (
        Ticket.objects.filter(requester=contact, channel=Channel.PHONE, is_open=True)
        .order_by("-updated_at", "-id")
        .first()
    )


def _level_one(ticket: Ticket) -> Ticket:
    if ticket.priority != Priority.LEVEL1:
        return ticket_update(ticket=ticket, changes={"priority": Priority.LEVEL1}, actor=None)
    return ticket


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _post_recording(call: Call, recording: CallRecording, now: datetime) -> None:
    contact = _requester(call)
    voicemail = call.answered is None
    length = f" ({_duration(recording.duration_seconds)})" if recording.duration_seconds else ""
    where = " on the urgent line" if call.urgent else ""
    link = f'<a href="{escape(recording.url)}">Listen to the recording</a>'
    text = (
        f"<p>Voicemail{length}{where}: {link}</p>"
        if voicemail
        else f"<p>Recording of the call{length}{where}: {link}</p>"
    )
    # a voicemail is the caller speaking; a recorded conversation is for the agents only
    kind, author = (MessageKind.PUBLIC, contact) if voicemail else (MessageKind.INTERNAL, None)
    ticket = _ticket_for(call, contact)
    if ticket is None:
        tags = ("voicemail",) if voicemail else ("call-recording",)
        ticket = ticket_open(
            data=NewTicket(
                requester=contact,
                subject=f"{'Voicemail from' if voicemail else 'Phone call with'} "
                f"{_who(call, contact)}",
                body=Body(html=text) if voicemail else Body(),
                channel=Channel.PHONE,
                priority=Priority.LEVEL1 if call.urgent else Priority.LEVEL3,
                tags=(*tags, "urgent-line") if call.urgent else tags,
            ),
            actor=author,
        )
        if not voicemail:
            message_add(ticket=ticket, kind=kind, body=Body(html=text), actor=None)
    else:
        message_add(ticket=ticket, kind=kind, body=Body(html=text), actor=author)
        if call.urgent:
            ticket = _level_one(ticket)
    call.ticket = ticket
    recording.posted_at = now
    recording.save(update_fields=["posted_at"])


def _missed_urgent(call: Call) -> None:
    """Nobody answered the urgent line: a level 1 ticket (or the caller's open phone ticket,
    raised to level 1) so someone calls back."""
    contact = _requester(call)
    ticket = _ticket_for(call, contact)
    if ticket is None:
        ticket = ticket_open(
            data=NewTicket(
                requester=contact,
                subject=f"Missed call on the urgent line from {_who(call, contact)}",
                channel=Channel.PHONE,
                priority=Priority.LEVEL1,
                tags=("missed-call", "urgent-line"),
            ),
            actor=None,
        )
    else:
        ticket = _level_one(ticket)
    call.ticket = ticket


def call_facts(call: Call) -> str:
    """The call as agents read it on the ticket."""
    target = settings.CAREDESK_PHONE_ANSWER_TARGET_SECONDS
    line = " (urgent line)" if call.urgent else ""
    lines = [
        f"Phone call from {call.from_number or 'an unknown number'} to "
        f"{call.to_number or 'an unknown number'}{line}, {call.get_status_display().lower()}."
    ]
    by = " by an agent's phone" if call.dialed else ""
    if call.answered is None:
        nobody = " (put through to agents' phones; none answered)" if call.dialed else ""
        lines.append(("Not answered: call back" if call.urgent else "Not answered") + f"{nobody}.")
    elif call.answer_seconds is not None:
        verdict = "within" if call.answer_target_met else "over"
        lines.append(
            f"Answered{by} after {call.answer_seconds} s ({verdict} the {target} s target)."
        )
    else:
        lines.append("Answered (the wait is not known).")
    if call.handle_seconds is not None:
        lines.append(f"Handle time {_duration(call.handle_seconds)}.")
    lines.append(f"Twilio call {call.call_sid}.")
    return "\n".join(lines)
