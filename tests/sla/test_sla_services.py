"""SLA clocks kept by the ticket services, and the periodic tick that fires warnings and breaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caredesk.compliance.models import AuditEntry
from caredesk.sla.models import Calendar, Metric, SlaClock, SlaPolicy, SlaTarget
from caredesk.sla.services import _tick_one, sla_recompute_open, sla_tick
from caredesk.tickets.models import EventKind, MessageKind, Ticket
from caredesk.tickets.services import Body, message_add, ticket_update
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.django_db

# The clock fixture starts at 2026-11-02 14:00 UTC: Monday 09:00 in New York.
MONDAY_9_NY = datetime(2026, 11, 2, 14, tzinfo=UTC)


def clock_of(ticket: Ticket, metric: str) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, metric=metric)


def test_standard_level3_ticket_gets_business_hour_due_instants(clock):
    ticket = make_ticket(priority=3)
    fr, res = clock_of(ticket, Metric.FIRST_RESPONSE), clock_of(ticket, Metric.RESOLUTION)
    assert fr.policy.name == "Standard: business hours"
    assert fr.due_at == MONDAY_9_NY + timedelta(hours=4)  # 13:00 New York
    # 120 business hours at 12 h a day = 10 working days, skipping Veterans Day (Wed 11 Nov):
    assert res.due_at == datetime(2026, 11, 17, 14, tzinfo=UTC)  # Tuesday 17 Nov, 09:00 New York
    ticket.refresh_from_db()
    assert ticket.sla_due_at == fr.due_at
    assert not SlaClock.objects.filter(ticket=ticket, metric=Metric.NEXT_RESPONSE).exists()


def test_premium_runs_around_the_clock_and_basic_waits_48_business_hours(clock):
    clock.set(datetime(2026, 11, 6, 23, tzinfo=UTC))  # Friday 18:00 New York
    premium = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=2
    )
    basic = make_ticket(ContactFactory(organization=OrganizationFactory(plan="basic")), priority=2)
    assert clock_of(premium, Metric.FIRST_RESPONSE).due_at == clock.current + timedelta(hours=2)
    # Basic: 2 h on Friday, then 12 h a working day (Veterans Day off): 46 h -> Friday 13, 18:00
    assert clock_of(basic, Metric.FIRST_RESPONSE).due_at == datetime(2026, 11, 13, 23, tzinfo=UTC)


@pytest.mark.parametrize("plan", ["basic", "standard", "premium", None])
def test_critical_never_waits_for_monday_on_any_plan(clock, plan):
    clock.set(datetime(2026, 11, 7, 1, 5, tzinfo=UTC))  # Friday 20:05 New York, after hours
    org = OrganizationFactory(plan=plan) if plan else None
    ticket = make_ticket(ContactFactory(organization=org), priority=1)
    fr, res = clock_of(ticket, Metric.FIRST_RESPONSE), clock_of(ticket, Metric.RESOLUTION)
    assert fr.calendar.always_open and res.calendar.always_open
    assert fr.due_at == clock.current + timedelta(hours=1), "21:05 on Friday, not Monday 09:00"
    assert res.due_at == clock.current + timedelta(hours=24)


def test_a_ticket_raised_to_critical_after_hours_counts_the_rest_around_the_clock(clock):
    clock.set(datetime(2026, 11, 7, 0, 50, tzinfo=UTC))  # Friday 19:50 New York
    ticket = make_ticket(priority=3)
    clock.advance(minutes=20)  # 10 business minutes used; business hours closed at 20:00
    ticket_update(ticket=ticket, changes={"priority": 1}, actor=AgentFactory())
    fr = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert fr.calendar.always_open and fr.elapsed_seconds == 600
    assert fr.due_at == clock.current + timedelta(minutes=50), "the used 10 minutes are kept"


def test_first_public_agent_reply_stops_first_response_not_a_note(clock):
    agent = AgentFactory()
    ticket = make_ticket()
    clock.advance(minutes=30)
    message_add(ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text="looking"), actor=agent)
    assert clock_of(ticket, Metric.FIRST_RESPONSE).stopped_at is None
    clock.advance(minutes=30)
    message_add(ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="Hello"), actor=agent)
    fr = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert fr.stopped_at == clock.current and fr.next_check_at is None and fr.breached_at is None
    assert fr.elapsed_seconds == 3600


def test_pending_pauses_resolution_and_reopen_resumes_with_time_used(clock):
    agent = AgentFactory()
    requester = ContactFactory()
    ticket = make_ticket(requester, priority=3)
    clock.advance(hours=2)
    message_add(
        ticket=ticket,
        kind="public",
        body=Body(text="Try this"),
        actor=agent,
        status_after="pending",
    )
    res = clock_of(ticket, Metric.RESOLUTION)
    assert res.running_since is None and res.due_at is None and res.elapsed_seconds == 7200
    clock.advance(days=3)  # the customer takes three days
    message_add(ticket=ticket, kind="public", body=Body(text="Did not work"), actor=requester)
    res = clock_of(ticket, Metric.RESOLUTION)
    assert res.running_since == clock.current
    # 118 business hours left from Thursday 5 Nov 11:00 New York, Veterans Day skipped:
    assert res.due_at == datetime(2026, 11, 20, 14, tzinfo=UTC)  # Friday 20 Nov, 09:00 New York


def test_solve_stops_and_reopen_resumes_resolution(clock):
    agent = AgentFactory()
    requester = ContactFactory()
    ticket = make_ticket(requester, priority=3)
    clock.advance(hours=1)
    ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)
    res = clock_of(ticket, Metric.RESOLUTION)
    assert res.stopped_at == clock.current and res.elapsed_seconds == 3600
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at is None
    clock.advance(hours=1)
    message_add(ticket=ticket, kind="public", body=Body(text="Back again"), actor=requester)
    res = clock_of(ticket, Metric.RESOLUTION)
    assert res.stopped_at is None and res.elapsed_seconds == 3600
    # 119 business hours left from Monday 11:00 New York (Veterans Day off): Tuesday 17, 10:00
    assert res.due_at == datetime(2026, 11, 17, 15, tzinfo=UTC)


def test_level_change_retargets_with_business_time_already_used(clock):
    agent = AgentFactory()
    ticket = make_ticket(priority=3)
    clock.advance(minutes=30)
    ticket_update(ticket=ticket, changes={"priority": 1}, actor=agent)
    fr = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert fr.target_seconds == 3600
    assert fr.due_at == MONDAY_9_NY + timedelta(hours=1), "30 minutes used, 30 left"
    res = clock_of(ticket, Metric.RESOLUTION)
    assert res.target_seconds == 24 * 3600


def test_next_response_restarts_on_each_unanswered_customer_message(clock):
    agent = AgentFactory()
    requester = ContactFactory()
    ticket = make_ticket(requester, priority=2)
    message_add(ticket=ticket, kind="public", body=Body(text="Hi"), actor=agent)
    assert not SlaClock.objects.filter(ticket=ticket, metric=Metric.NEXT_RESPONSE).exists()
    clock.advance(minutes=10)
    message_add(ticket=ticket, kind="public", body=Body(text="Still broken"), actor=requester)
    nr = clock_of(ticket, Metric.NEXT_RESPONSE)
    first_start = clock.current
    assert nr.running_since == first_start and nr.due_at == first_start + timedelta(hours=2)
    clock.advance(minutes=10)
    message_add(ticket=ticket, kind="public", body=Body(text="Hello?"), actor=requester)
    assert clock_of(ticket, Metric.NEXT_RESPONSE).running_since == first_start, (
        "the oldest unanswered message counts"
    )
    clock.advance(minutes=10)
    message_add(ticket=ticket, kind="public", body=Body(text="On it"), actor=agent)
    assert clock_of(ticket, Metric.NEXT_RESPONSE).stopped_at == clock.current
    clock.advance(minutes=10)
    message_add(
        ticket=ticket, kind="public", body=Body(text="Thanks, one more thing"), actor=requester
    )
    nr = clock_of(ticket, Metric.NEXT_RESPONSE)
    assert nr.running_since == clock.current and nr.stopped_at is None and nr.elapsed_seconds == 0


def _events(ticket: Ticket, kind: str) -> list:
    return list(ticket.events.filter(kind=kind).order_by("id"))


def test_tick_fires_each_warning_and_the_breach_exactly_once(clock):
    ticket = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=1
    )
    assert sla_tick() == 0
    clock.advance(minutes=45)
    assert sla_tick() == 1  # 75 % of the first response; resolution (24 h) is far off
    assert sla_tick() == 0
    warnings = _events(ticket, EventKind.SLA_WARNING)
    assert {(e.data["metric"], e.data["fraction"]) for e in warnings} == {("first_response", 0.75)}
    clock.advance(minutes=10)
    sla_tick()
    clock.advance(minutes=6)
    sla_tick()
    breaches = _events(ticket, EventKind.SLA_BREACHED)
    assert [e.data["metric"] for e in breaches] == ["first_response"]
    assert clock_of(ticket, Metric.FIRST_RESPONSE).breached_at == MONDAY_9_NY + timedelta(hours=1)
    assert sla_tick() == 0 and len(_events(ticket, EventKind.SLA_BREACHED)) == 1


def test_a_restarted_worker_catches_up_on_everything_it_missed(clock):
    ticket = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=1
    )
    clock.advance(days=2)  # the worker was down for two days
    sla_tick()
    fr = [
        (e.kind, e.data.get("fraction"))
        for e in ticket.events.filter(data__metric="first_response").order_by("id")
    ]
    assert fr == [
        (EventKind.SLA_WARNING, 0.75),
        (EventKind.SLA_WARNING, 0.9),
        (EventKind.SLA_BREACHED, None),
    ]
    res = [
        (e.kind, e.data.get("fraction"))
        for e in ticket.events.filter(data__metric="resolution").order_by("id")
    ]
    assert res == [
        (EventKind.SLA_WARNING, 0.75),
        (EventKind.SLA_WARNING, 0.9),
        (EventKind.SLA_BREACHED, None),
    ]


def test_a_second_worker_on_the_same_clock_writes_nothing(clock):
    ticket = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=1
    )
    clock.advance(hours=2)
    fr = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert _tick_one(fr.pk, clock.current) == 3
    assert _tick_one(fr.pk, clock.current) == 0


def test_paused_clocks_never_breach(clock):
    agent = AgentFactory()
    ticket = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=1
    )
    message_add(
        ticket=ticket,
        kind="public",
        body=Body(text="Need info"),
        actor=agent,
        status_after="on_hold",
    )
    clock.advance(days=5)
    sla_tick()
    assert not _events(ticket, EventKind.SLA_BREACHED)


def test_policies_apply_in_admin_order_and_a_change_recomputes_open_tickets(clock):
    org = OrganizationFactory(plan="standard")
    ticket = make_ticket(ContactFactory(organization=org), priority=3)
    vip = SlaPolicy.objects.create(name="Larchmont contract", position=1)
    vip.organizations.add(org)
    always = Calendar.objects.get(name="24/7")
    for metric, minutes in (("first_response", 15), ("resolution", 600)):
        SlaTarget.objects.create(
            policy=vip, priority=3, metric=metric, minutes=minutes, calendar=always
        )
    assert sla_recompute_open() >= 1
    fr = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert fr.policy == vip and fr.due_at == MONDAY_9_NY + timedelta(minutes=15)
    assert not SlaClock.objects.filter(ticket=ticket, metric=Metric.NEXT_RESPONSE).exists()


def test_queue_can_sort_by_next_due(clock):
    late = make_ticket(priority=4)
    soon = make_ticket(priority=1)
    order = list(
        Ticket.objects.filter(sla_due_at__isnull=False)
        .order_by("sla_due_at")
        .values_list("pk", flat=True)
    )
    assert order == [soon.pk, late.pk]


def test_breaching_soon_queue_lists_due_within_two_hours_most_urgent_first(clock):
    from caredesk.tickets.selectors import TicketFilters, ticket_page

    boss = supervisor()
    premium = OrganizationFactory(plan="premium")
    later = make_ticket(ContactFactory(organization=premium), priority=2)  # first response in 2 h
    sooner = make_ticket(ContactFactory(organization=premium), priority=1)  # in 1 h
    make_ticket(priority=4)  # 48 business hours away
    page = ticket_page(user=boss, filters=TicketFilters(queue="breaching"))
    assert [t.pk for t in page.items] == [sooner.pk, later.pk]
    every = ticket_page(user=boss, filters=TicketFilters(queue="open", sort="due"), limit=1)
    assert [t.pk for t in every.items] == [sooner.pk] and every.next_cursor
    second = ticket_page(
        user=boss,
        filters=TicketFilters(queue="open", sort="due"),
        cursor=every.next_cursor,
        limit=1,
    )
    assert [t.pk for t in second.items] == [later.pk]


def test_a_late_reply_before_the_sweep_still_records_one_breach(clock):
    agent = AgentFactory()
    ticket = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=1
    )
    clock.advance(minutes=70)  # no sweep ran
    message_add(ticket=ticket, kind="public", body=Body(text="Sorry for the wait"), actor=agent)
    fr = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert fr.breached_at == MONDAY_9_NY + timedelta(hours=1)
    sla_tick()
    assert [e.data["metric"] for e in _events(ticket, EventKind.SLA_BREACHED)] == ["first_response"]


def test_achievement_per_level_counts_decided_clocks(clock):
    from caredesk.sla.selectors import achievement

    agent = AgentFactory()
    premium = OrganizationFactory(plan="premium")
    fast = make_ticket(ContactFactory(organization=premium), priority=1)
    slow = make_ticket(ContactFactory(organization=premium), priority=1)
    make_ticket(
        ContactFactory(organization=premium), priority=1
    )  # still running, not late: undecided
    clock.advance(minutes=20)
    message_add(ticket=fast, kind="public", body=Body(text="Quick"), actor=agent)
    clock.advance(minutes=60)
    message_add(ticket=slow, kind="public", body=Body(text="Slow"), actor=agent)
    rows = {
        (a.priority, a.metric): a
        for a in achievement(MONDAY_9_NY - timedelta(days=1), MONDAY_9_NY + timedelta(days=1))
    }
    fr = rows[(1, "first_response")]
    assert (fr.total, fr.met, fr.percent) == (2, 1, 50.0)


def test_explain_tells_the_whole_story(clock):
    from caredesk.sla.explain import explain

    agent = AgentFactory(name="Ottilie Marsh")
    ticket = make_ticket(priority=3, subject="Hub will not pair")
    clock.advance(hours=1)
    message_add(
        ticket=ticket,
        kind="public",
        body=Body(text="Try again"),
        actor=agent,
        status_after="pending",
    )
    clock.advance(hours=5)
    ticket.refresh_from_db()
    text = explain(ticket)
    for expected in (
        ticket.ref,
        "Policy: Standard: business hours",
        "America/New_York: Mon 08:00-20:00",
        "public holidays of US",
        "First response: target 4 h 0 m",
        "MET with 3 h 0 m to spare",
        "paused   now",
        "status new -> pending by Ottilie Marsh  (resolution clock paused)",
        "Level 3, status pending",
        "Mon 2026-11-02 09:00 EST",
    ):
        assert expected in text, expected


def test_warnings_and_breaches_are_events_but_not_audited_changes(clock):
    """A clock passing its instant is no one's change to the ticket: the sweep writes events
    through the ticket services' event writer, and the access audit records nothing for it."""
    ticket = make_ticket(
        ContactFactory(organization=OrganizationFactory(plan="premium")), priority=1
    )
    audited = AuditEntry.objects.count()
    clock.advance(hours=2)
    assert sla_tick() == 3  # two warnings and the breach of the first response
    kinds = list(ticket.events.order_by("id").values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.SLA_WARNING, EventKind.SLA_WARNING, EventKind.SLA_BREACHED]
    assert AuditEntry.objects.count() == audited


def test_flagged_tickets_count_around_the_clock_and_a_clear_returns_them_to_business_hours(clock):
    from caredesk.tickets.services import safety_decide

    clock.set(datetime(2026, 11, 7, 1, 5, tzinfo=UTC))  # Friday 20:05 New York, after hours
    requester = ContactFactory(organization=OrganizationFactory(plan="basic"))
    reported = make_ticket(requester, priority=3, body="The heating pad burned my arm, blisters.")
    reported.refresh_from_db()
    assert reported.safety in ("event", "possible"), "the screen flagged the report"
    assert clock_of(reported, Metric.RESOLUTION).calendar.always_open
    quiet = make_ticket(requester, priority=3, body="How do I change the filter?")
    assert not clock_of(quiet, Metric.RESOLUTION).calendar.always_open

    agent = AgentFactory()
    marked = safety_decide(
        ticket=quiet, action="mark", outcome="possible", actor=agent, reason="Caller sounded hurt."
    )
    res = clock_of(marked, Metric.RESOLUTION)
    assert res.calendar.always_open
    assert res.due_at == clock.current + timedelta(hours=120), "120 h around the clock"
    clock.advance(hours=2)
    safety_decide(ticket=marked, action="clear", actor=agent, reason="Spoke to her: no harm.")
    res = clock_of(marked, Metric.RESOLUTION)
    assert not res.calendar.always_open and res.elapsed_seconds == 7200
