"""The acknowledgement a requester receives when a ticket opens.

It gives the reference, when to expect the first response (the ticket's own SLA clock, in the
calendar's time zone), and, for a device problem, asks for what triage needs and the request
lacks: the serial number, the purchase date and the symptom. It is marked as an automatic
reply, and no address receives more than a few an hour, so two auto-responders cannot loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat

from caredesk.core.phi import is_phi_json
from caredesk.core.ratelimit import hit
from caredesk.sla.models import Metric, SlaClock
from caredesk.sla.requester import Standing, dues_of, when_text
from caredesk.sla.selectors import snapshot
from caredesk.tickets.models import Message, MessageKind, Priority, RequestField, Ticket
from caredesk.tickets.services.opening import Opened
from caredesk.tickets.services.requester_mail import mail_requester

# a short description says little about the symptom; ask for more below this many words
SYMPTOM_MIN_WORDS = 12
_SERIAL = re.compile(r"\b(serial|s/n|sn)\b[\s#:no.]*[A-Z0-9][A-Z0-9-]{4,}", re.IGNORECASE)
_PURCHASE = re.compile(r"\b(purchased|bought|purchase date|ordered)\b", re.IGNORECASE)
PER_ADDRESS_PER_HOUR = 5


@dataclass(frozen=True)
class Questions:
    serial: bool
    purchase: bool
    symptom: bool

    def asks(self) -> list[str]:
        return [
            ask
            for wanted, ask in (
                (self.serial, "the serial number (on the label under the device)"),
                (self.purchase, "the purchase date"),
                (
                    self.symptom,
                    "what the device does: error codes, lights or sounds, and when it started",
                ),
            )
            if wanted
        ]


DEVICE_TAGS = frozenset({"device", "device-fault", "device-error"})


def is_device_problem(ticket: Ticket, tags: list[str] | None = None) -> bool:
    """A device request: its form asks for a serial, or a serial or device tag is on it."""
    if ticket.device_serial:
        return True
    if ticket.category_id and any(
        f.maps_to == "device_serial"
        for f in RequestField.objects.filter(request_type_id=ticket.category_id)
    ):
        return True
    if tags is None:
        tags = list(ticket.tags.values_list("name", flat=True))
    return not DEVICE_TAGS.isdisjoint(tags)


def device_questions(ticket: Ticket, text: str, tags: list[str] | None = None) -> Questions:
    """What a device request still lacks; nothing for other requests."""
    if not is_device_problem(ticket, tags) or _desk_already_replied(ticket):
        return Questions(False, False, False)
    form = {k.lower(): v for k, v in (ticket.form_data or {}).items() if v}
    return Questions(
        serial=not ticket.device_serial and not _SERIAL.search(text),
        purchase=not any("purchase" in k for k in form) and not _PURCHASE.search(text),
        symptom=len(text.split()) < SYMPTOM_MIN_WORDS and not form.get("symptom"),
    )


def _desk_already_replied(ticket: Ticket) -> bool:
    """A protocol's intake macro may have asked already, in the same transaction."""
    return (
        Message.objects.filter(ticket=ticket, kind=MessageKind.PUBLIC, author_contact__isnull=True)
        .exclude(body_text="")
        .exists()
    )


def first_response_due(
    ticket: Ticket, clocks: list[SlaClock] | None = None
) -> tuple[datetime, str] | None:
    """When the first response is due and the time zone to say it in (the calendar's)."""
    if clocks is None:
        clocks = list(SlaClock.objects.filter(ticket=ticket, metric=Metric.FIRST_RESPONSE))
    clock = next((c for c in clocks if c.metric == Metric.FIRST_RESPONSE and c.due_at), None)
    if clock is None or clock.due_at is None:
        return None
    # only shown to the requester, so a snapshot checked a moment ago will do
    calendars = snapshot(for_display=True).calendars
    calendar = calendars.get(clock.calendar_id) if clock.calendar_id else None
    zone = calendar.timezone if calendar else settings.TIME_ZONE
    try:
        return clock.due_at.astimezone(ZoneInfo(zone)), zone
    except ZoneInfoNotFoundError:
        return clock.due_at, "UTC"


def _answers_for_mail(ticket: Ticket) -> list[tuple[str, str]]:
    """The form answers a receipt lists; health information is never put in mail (as the
    acknowledgement never quotes the request), only named."""
    out = []
    for label, value in (ticket.form_data or {}).items():
        if is_phi_json(value):
            out.append((str(label), "(health information: not sent by email; see it online)"))
        elif value not in (None, ""):
            out.append((str(label), str(value)))
    return out


def acknowledgement_text(
    ticket: Ticket,
    text: str,
    *,
    tags: list[str] | None = None,
    clocks: list[SlaClock] | None = None,
    answers: bool = False,
) -> str:
    """The acknowledgement's body; tags and clocks just written may be given to save reads.
    With `answers`, it is the portal's receipt and lists what the requester filled in."""
    due = first_response_due(ticket, clocks)
    if clocks is None:
        clocks = list(SlaClock.objects.filter(ticket=ticket))
    dues = dues_of(clocks).get(ticket.pk, {})
    first = dues.get(Metric.FIRST_RESPONSE)
    resolution = dues.get(Metric.RESOLUTION)
    context = {
        "ticket": ticket,
        # formatted here: the template's date filter would move it back to the server's zone
        "due": dateformat.format(due[0], "l j F, H:i") if due else "",
        "zone": due[1] if due else "",
        "due_passed": bool(first and first.standing == Standing.PASSED),
        "resolve_by": when_text(resolution)
        if resolution and resolution.due_at and resolution.standing == Standing.AHEAD
        else "",
        "urgent": ticket.priority == Priority.LEVEL1,
        "asks": device_questions(ticket, text, tags).asks(),
        "answers": _answers_for_mail(ticket) if answers else [],
        "phone": settings.CAREDESK_SUPPORT_PHONE,
        "base_url": settings.CAREDESK_BASE_URL,
        "site_name": settings.CAREDESK_SITE_NAME,
    }
    return render_to_string("mail/acknowledgement.txt", context)


def acknowledge(
    opened: Opened, text: str, *, receipt: bool = False, cc: list[str] | None = None
) -> bool:
    """Queue the acknowledgement of a ticket just opened (in its transaction); False when none
    is due. A `receipt` (the portal's) also lists the answers the requester gave. `cc`: the
    people the request was copied to (never the desk's own addresses: the caller leaves them
    out), who receive it too, each within the same hourly limit."""
    ticket = opened.ticket
    email = ticket.requester.email
    if not email or not settings.CAREDESK_ACKNOWLEDGE:
        return False
    if not hit("ack", email.lower(), limit=PER_ADDRESS_PER_HOUR, window=3600).allowed:
        return False
    copied = [
        a
        for a in dict.fromkeys(a.lower() for a in cc or [])
        if a != email.lower() and hit("ack", a, limit=PER_ADDRESS_PER_HOUR, window=3600).allowed
    ]
    mail_requester(
        ticket,
        subject=f"[{ticket.ref}] Received: {ticket.subject}",
        body=acknowledgement_text(
            ticket, text, tags=opened.tags, clocks=opened.clocks, answers=receipt
        ),
        auto="auto-replied",
        cc=copied,
    )
    return True
