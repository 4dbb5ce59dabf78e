"""The shipped policies at work on real tickets: every change they make is an ordinary ticket
event naming the rule, agents see guidance and blocks, and escalation follows the protocol."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.accounts.models import Contact, ContactKind, Organization, Team, User
from caredesk.core.models import Notification, OutboxItem
from caredesk.demo import demo_load
from caredesk.integrations.models import TrackerIssue
from caredesk.rules.services import rules_time_check, rules_wake
from caredesk.sla.services import sla_tick
from caredesk.tickets.models import (
    EventKind,
    Message,
    MessageKind,
    RequestType,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.services import (
    Body,
    EscalationBlocked,
    NewTicket,
    ticket_escalate,
    ticket_open,
    ticket_update,
)

pytestmark = pytest.mark.django_db
TUESDAY_10_AM_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.fixture
def desk(clock):
    """The demo's configuration (teams, request types, calendars, shipped policies), no tickets."""
    clock.set(TUESDAY_10_AM_NEW_YORK)
    demo_load(tickets=0)
    clock.set(TUESDAY_10_AM_NEW_YORK)
    return {
        "agent": User.objects.get(email="amara.osei@caredesk.example"),
        "owner": User.objects.get(email="tomas.varga@caredesk.example"),
        "liaison": User.objects.get(email="dr.ines.castell@caredesk.example"),
        "member": Contact.objects.filter(organization__isnull=False, user__isnull=True).first(),
    }


def open_ticket(requester, category=None, **kw):
    rtype = RequestType.objects.get(slug=category) if category else None
    return ticket_open(
        data=NewTicket(
            requester=requester,
            subject=kw.pop("subject", "Help please"),
            body=Body(text=kw.pop("body", "Details inside.")),
            category=rtype,
            team=rtype.default_team if rtype else None,
            **kw,
        ),
        actor=requester,
    )


def fresh(ticket) -> Ticket:
    return Ticket.objects.select_related("team", "assignee", "category").get(pk=ticket.pk)


def by_rule(ticket, rule: str):
    return [
        e
        for e in TicketEvent.objects.filter(ticket=ticket)
        if (e.data or {}).get("rule", "").endswith(rule)
    ]


def test_a_cancellation_stays_in_tier_1_with_guidance_and_a_block(desk):
    ticket = fresh(open_ticket(desk["member"], "cancellation"))
    assert ticket.team.slug == "tier-1"
    assert "process the cancellation directly in Admin" in ticket.guidance
    assert "never escalated" in ticket.escalation_block
    # each change is an event naming the rule that made it
    changed = {e.field for e in by_rule(ticket, "Cancellations")}
    assert {"escalation_block", "guidance"} <= changed
    applied = TicketEvent.objects.get(ticket=ticket, kind=EventKind.RULE_APPLIED)
    assert (
        applied.data["policy"] == "Member services routing"
        and applied.data["name"] == "Cancellations"
    )


def test_a_blocked_escalation_needs_a_written_override_which_is_recorded(desk):
    ticket = open_ticket(desk["member"], "cancellation")
    tier2 = Team.objects.get(slug="tier-2")
    with pytest.raises(EscalationBlocked) as refused:
        ticket_escalate(ticket=ticket, team=tier2, actor=desk["agent"], reason="Member insists")
    assert "never escalated" in refused.value.detail
    assert fresh(ticket).team.slug == "tier-1"
    ticket_escalate(
        ticket=ticket,
        team=tier2,
        actor=desk["agent"],
        reason="Member insists",
        action_taken="Explained the process twice",
        next_steps="Tier 2 calls back",
        override_reason="Legal hold on the account; Admin cannot cancel it",
    )
    moved = fresh(ticket)
    assert (moved.team.slug, moved.tier, moved.escalation_block) == ("tier-2", 2, "")
    escalated = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert escalated.actor_user == desk["agent"]
    assert escalated.data["override_reason"].startswith("Legal hold")
    assert "never escalated" in escalated.data["blocked_by"]
    assert escalated.data["action_taken"] == "Explained the process twice"


def test_a_standard_order_escalates_itself_once_all_four_conditions_hold(desk, clock):
    ticket = open_ticket(desk["member"], "device-order", form_data={"not_ordered_yet": "yes"})
    assert fresh(ticket).tier == 1 and fresh(ticket).escalation_block
    answers = {
        "order_template_completed": "yes",
        "first_session_completed": "yes",
        "clinical_requirements_met": "yes",
    }
    ticket_update(ticket=ticket, changes={"form": answers}, actor=desk["agent"])
    moved = fresh(ticket)
    assert (moved.team.slug, moved.tier) == ("tier-2", 2)
    escalated = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert escalated.actor_user is None  # the protocol did it, not a person
    assert escalated.data["rule"].endswith("Standard order, all four conditions")


def test_a_safety_report_goes_to_engineering_at_level_1_and_pages_the_liaison(
    desk, django_capture_on_commit_callbacks
):
    ticket = open_ticket(
        desk["member"], "device-error", body="The pad burned the patient's arm during treatment.",
        structured={"device_serial": "PT-100200"}, form_data={"purchase": "2025-03-01", "symptom": "heat"},
    )  # fmt: skip
    moved = fresh(ticket)
    assert (moved.priority, moved.team.slug, moved.tier) == (1, "engineering", 3)
    assert "safety" in {t.name for t in moved.tags.all()}
    page = Notification.objects.get(user=desk["liaison"], urgent=True, text__contains="on-call")
    assert page.ticket_id == ticket.pk
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PAGED).exists()
    mails = [
        i.payload
        for i in OutboxItem.objects.filter(kind="email")
        if desk["liaison"].email in i.payload["to"]
    ]
    assert mails and all("burned" not in m["body"] and "burned" not in m["subject"] for m in mails)


def test_a_second_report_for_the_same_device_within_30_days_goes_to_tier_2(desk, clock):
    details = {
        "structured": {"device_serial": "PT-555"},
        "form_data": {"purchase": "2025-01-01", "symptom": "E-214"},
    }
    first = open_ticket(desk["member"], "device-error", **details)
    assert fresh(first).tier == 1
    clock.advance(days=12)
    again = open_ticket(desk["member"], "device-error", **details)
    assert (fresh(again).team.slug, fresh(again).tier) == ("tier-2", 2)
    assert "repeat-failure" in {t.name for t in fresh(again).tags.all()}
    clock.advance(days=40)
    later = open_ticket(desk["member"], "device-error", **details)
    assert fresh(later).tier == 1


def test_unresolved_device_cases_move_to_tier_2_after_24_hours(desk, clock):
    ticket = open_ticket(
        desk["member"],
        "device-error",
        structured={"device_serial": "PT-9"},
        form_data={"purchase": "x", "symptom": "y"},
    )
    ticket_update(ticket=ticket, changes={"status": "open"}, actor=desk["agent"])
    clock.advance(hours=23)
    rules_time_check()
    assert fresh(ticket).tier == 1
    clock.advance(hours=2)
    rules_time_check()
    assert (fresh(ticket).team.slug, fresh(ticket).tier) == ("tier-2", 2)
    rules_time_check()  # runs again: nothing more happens
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).count() == 1


def test_email_after_the_developer_cut_off_queues_until_the_next_opening(
    desk, clock, django_capture_on_commit_callbacks
):
    org = Organization.objects.filter(account_manager__isnull=False).first()
    sender = Contact.objects.filter(organization=org, kind=ContactKind.CLINICIAN).first()
    clock.set(datetime(2026, 11, 24, 21, 30, tzinfo=UTC))  # 4:30 PM in New York
    ticket = open_ticket(sender, None, subject="Report export fails", channel="email")
    queued = fresh(ticket)
    assert queued.category.slug == "technical-issue" and queued.assignee == desk["owner"]
    assert queued.wake_at == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # 8:00 AM in New York
    note = Message.objects.filter(ticket=ticket, kind=MessageKind.INTERNAL).first()
    assert note.body_text.startswith(f"@{org.account_manager.name}")
    assert Notification.objects.filter(user=org.account_manager, ticket=ticket).exists()
    assert TrackerIssue.objects.get(ticket=ticket).project == "ENG"
    clock.set(datetime(2026, 11, 25, 12, 59, tzinfo=UTC))
    assert rules_wake() == 0
    clock.set(datetime(2026, 11, 25, 13, 0, tzinfo=UTC))
    assert rules_wake() == 1
    assert fresh(ticket).wake_at is None
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.WOKE).exists()
    assert Notification.objects.filter(
        ticket=ticket, text__contains="ready for developer support"
    ).exists()


def test_a_macro_reply_from_the_desk_reaches_the_requester_but_is_not_a_first_response(
    desk, django_capture_on_commit_callbacks
):
    ticket = open_ticket(desk["member"], None, subject="Unable to connect to my visit")
    reply = Message.objects.filter(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        author_user__isnull=True,
        author_contact__isnull=True,
    ).get()
    assert (
        "clear the browser cache" in reply.body_text.lower()
        and desk["member"].name.split()[0] in reply.body_text
    )
    moved = fresh(ticket)
    assert moved.first_response_at is None and moved.status == "new"
    assert any(
        desk["member"].email in i.payload["to"] for i in OutboxItem.objects.filter(kind="email")
    )


def test_a_rule_naming_a_team_that_was_removed_never_blocks_the_ticket(desk):
    Team.objects.filter(slug="coach-support").delete()
    ticket = open_ticket(desk["member"], "positive-feedback")
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    failed = [
        e
        for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.RULE_APPLIED)
        if e.data.get("error")
    ]
    assert failed and "coach-support" in failed[0].data["error"]


def test_sla_breaches_reach_rules_listening_for_them(desk, clock):
    from caredesk.rules.policies import policy_save

    policy_save(
        data={
            "name": "Breach alarm",
            "rules": [
                {"name": "tell the lead", "on": ["sla.breached"], "when": {},
                 "actions": [{"type": "notify", "to": ["rosa.lindqvist@caredesk.example"], "text": "{ref} breached"}]}
            ],
        },
        actor=None,
    )  # fmt: skip
    ticket = open_ticket(desk["member"], "account-access", priority=1)
    clock.advance(days=3)
    sla_tick()
    assert Notification.objects.filter(ticket=ticket, text=f"{ticket.ref} breached").exists()


def test_agents_changing_fields_does_not_rerun_one_time_actions(desk):
    ticket = open_ticket(desk["member"], "positive-feedback")
    ticket_update(ticket=ticket, changes={"priority": 2}, actor=desk["agent"])
    ticket_update(ticket=ticket, changes={"tags": ["kudos"]}, actor=desk["agent"])
    notes = Message.objects.filter(
        ticket=ticket, kind=MessageKind.INTERNAL, body_text="Pass to provider leads."
    )
    assert notes.count() == 1
