"""The safety screen on real tickets: customer texts raise a ticket's safety, the device
protocol reacts, and agents mark, clear and review it with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.accounts.models import Contact, User
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.demo import demo_load
from caredesk.rules.services import rules_time_check
from caredesk.tickets.models import EventKind, MessageKind, RequestType, Ticket, TicketEvent
from caredesk.tickets.services import Body, NewTicket, message_add, ticket_open
from caredesk.tickets.services.safety import safety_decide

pytestmark = pytest.mark.django_db
TUESDAY_10_AM_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
BURN = "The heating pad burned my mother's back, there are blisters. Model WarmRest 3."


@pytest.fixture
def desk(clock):
    """The demo's configuration with the shipped protocols, and no tickets."""
    clock.set(TUESDAY_10_AM_NEW_YORK)
    demo_load(tickets=0)
    clock.set(TUESDAY_10_AM_NEW_YORK)
    return {
        "agent": User.objects.get(email="amara.osei@caredesk.example"),
        "liaison": User.objects.get(email="dr.ines.castell@caredesk.example"),
        "member": Contact.objects.filter(organization__isnull=False, user__isnull=True).first(),
    }


def report(requester, body, subject="Device problem"):
    return ticket_open(
        data=NewTicket(
            requester=requester,
            subject=subject,
            body=Body(text=body),
            category=RequestType.objects.get(slug="device-error"),
            structured={"device_serial": "PT-4411"},
            form_data={"purchase": "2025-03-01", "symptom": "heat"},
        ),
        actor=None,
    )


def events_of(ticket, kind):
    return list(TicketEvent.objects.filter(ticket=ticket, kind=kind).order_by("id"))


def test_a_harm_report_is_a_safety_event_coded_and_escalated_to_tier_3_at_level_1(desk):
    ticket = Ticket.objects.get(pk=report(desk["member"], BURN).pk)
    assert ticket.safety == "event"
    assert "E2401" in ticket.safety_codes
    assert (ticket.priority, ticket.tier, ticket.team.slug) == (1, 3, "engineering")
    (flagged,) = events_of(ticket, EventKind.SAFETY_FLAGGED)
    assert flagged.data["outcome"] == "event"
    assert "burn" in flagged.data["kinds"]
    assert "blisters" not in str(flagged.data) and "WarmRest" not in str(flagged.data)
    assert events_of(ticket, EventKind.PAGED)


def test_screen_burn_in_and_hypotheticals_leave_a_ticket_alone(desk):
    for text in ("The tablet shows burn-in of the clinic logo.", "Could the pad burn if left on?"):
        ticket = Ticket.objects.get(pk=report(desk["member"], text).pk)
        assert (ticket.safety, ticket.priority) == ("", 3)
        assert not events_of(ticket, EventKind.SAFETY_FLAGGED)


def test_a_later_customer_message_raises_possible_to_event_but_an_agent_note_is_not_screened(desk):
    ticket = report(desk["member"], "The charger smelled odd last night, like warm plastic.")
    assert Ticket.objects.get(pk=ticket.pk).safety == "possible"
    message_add(
        ticket=ticket,
        kind=MessageKind.INTERNAL,
        body=Body(text="Asked whether anyone was burned."),
        actor=desk["agent"],
    )
    assert Ticket.objects.get(pk=ticket.pk).safety == "possible"
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="Update: it caught fire this morning, we put it out."),
        actor=desk["member"],
    )
    raised = Ticket.objects.get(pk=ticket.pk)
    assert raised.safety == "event"
    assert raised.priority == 1
    assert [e.data["safety"] for e in events_of(ticket, EventKind.SAFETY_FLAGGED)] == [
        "possible",
        "event",
    ]


def test_a_finding_never_lowers_the_safety_of_a_ticket(desk):
    ticket = report(desk["member"], BURN)
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="Also the charger smelled odd."),
        actor=desk["member"],
    )
    assert Ticket.objects.get(pk=ticket.pk).safety == "event"


def test_an_agent_clears_with_a_reason_and_a_later_finding_still_raises(desk):
    ticket = report(desk["member"], "The charger smelled odd last night, like warm plastic.")
    with pytest.raises(ValidationFailed) as short:
        safety_decide(ticket=ticket, action="clear", actor=desk["agent"], reason="no")
    assert "reason" in short.value.errors
    cleared = safety_decide(
        ticket=ticket,
        action="clear",
        actor=desk["agent"],
        reason="Called back: the smell was the new carpet.",
    )
    assert (cleared.safety, cleared.safety_codes) == ("", [])
    (event,) = events_of(ticket, EventKind.SAFETY_CLEARED)
    assert event.actor_user == desk["agent"]
    assert event.data["reason"] == "Called back: the smell was the new carpet."
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="It started smoking an hour ago."),
        actor=desk["member"],
    )
    assert Ticket.objects.get(pk=ticket.pk).safety == "event"


def test_an_agent_marks_a_safety_event_and_the_protocol_escalates(desk):
    ticket = report(desk["member"], "How do I change the filter?")
    marked = safety_decide(
        ticket=ticket,
        action="mark",
        outcome="event",
        actor=desk["agent"],
        reason="On the phone she said the unit shocked her.",
    )
    assert marked.safety == "event"
    moved = Ticket.objects.get(pk=ticket.pk)
    assert (moved.priority, moved.tier) == (1, 3)
    assert events_of(ticket, EventKind.SAFETY_MARKED)[0].data["reason"].startswith("On the phone")


def test_only_people_who_work_tickets_may_decide_safety(desk):
    ticket = report(desk["member"], "How do I change the filter?")
    with pytest.raises(PermissionDenied):
        safety_decide(
            ticket=ticket, action="mark", outcome="event", actor=desk["member"], reason="x" * 20
        )
    with pytest.raises(ValidationFailed) as bad:
        safety_decide(
            ticket=ticket, action="mark", outcome="maybe", actor=desk["agent"], reason="x" * 20
        )
    assert "outcome" in bad.value.errors


def test_possible_safety_unreviewed_for_15_minutes_pages_the_liaison_once(desk, clock):
    ticket = report(desk["member"], "The charger smelled odd last night, like warm plastic.")
    assert not events_of(ticket, EventKind.PAGED)
    clock.advance(minutes=10)
    rules_time_check()
    assert not events_of(ticket, EventKind.PAGED)
    clock.advance(minutes=6)
    rules_time_check()
    rules_time_check()
    (page,) = events_of(ticket, EventKind.PAGED)
    assert desk["liaison"].pk in page.data["to"]


def test_a_review_within_15_minutes_means_nobody_is_paged(desk, clock):
    ticket = report(desk["member"], "The charger smelled odd last night, like warm plastic.")
    clock.advance(minutes=5)
    reviewed = safety_decide(ticket=ticket, action="review", actor=desk["liaison"], reason="")
    assert reviewed.safety == "possible" and reviewed.safety_reviewed_at is not None
    clock.advance(minutes=20)
    rules_time_check()
    assert not events_of(ticket, EventKind.PAGED)
    assert events_of(ticket, EventKind.SAFETY_REVIEWED)
