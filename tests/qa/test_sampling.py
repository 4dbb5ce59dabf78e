"""The weekly sample on the database: every agent's 5 %, escalations and safety findings always
in, reproducible, never doubled, never reviewed by the agent themself."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.qa.models import AgentWeek, SampleItem, SampleReason
from caredesk.qa.pure import week_bounds
from caredesk.qa.services import sample_week
from caredesk.tickets.models import Channel, MessageKind
from caredesk.tickets.services import Body, message_add, safety_decide, ticket_escalate
from tests.factories import AgentFactory, TeamFactory, supervisor
from tests.qa.conftest import reviewers_panel, worked

pytestmark = pytest.mark.django_db
WEEK = "2026-W45"


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    week=st.sampled_from(["2026-W02", "2026-W30", "2026-W45", "2026-W53"]),
    volumes=st.lists(st.integers(min_value=0, max_value=24), min_size=2, max_size=5),
    escalate=st.integers(min_value=0, max_value=3),
)
def test_each_agent_gets_at_least_five_percent_with_every_escalation(
    clock, week, volumes, escalate
):
    with transaction.atomic():
        panel = reviewers_panel()
        team = TeamFactory()
        agents, flagged = [], set()
        for n, volume in enumerate(volumes):
            agent = AgentFactory(teams=[team])
            tickets = worked(clock, agent, week=week, count=volume, offset=n)
            for ticket in tickets[:escalate]:
                ticket_escalate(ticket=ticket, team=team, actor=agent, reason="clinical question")
                flagged.add(ticket.pk)
            agents.append((agent, {t.pk for t in tickets}))

        sample_week(week=week)

        for agent, tickets in agents:
            drawn = set(
                SampleItem.objects.filter(week=week, agent=agent).values_list("ticket", flat=True)
            )
            assert drawn <= tickets
            assert len(drawn) >= (max(1, math.ceil(len(tickets) * 0.05)) if tickets else 0)
            assert flagged & tickets <= drawn
            assert not SampleItem.objects.filter(agent=agent, reviewer=agent).exists()
        assert set(SampleItem.objects.filter(week=week).values_list("reviewer", flat=True)) <= {
            panel.quality.pk,
            panel.lead.pk,
        }
        transaction.set_rollback(True)


def test_escalations_and_safety_findings_are_always_drawn(clock):
    reviewers_panel()
    agent = AgentFactory()
    tickets = worked(clock, agent, week=WEEK, count=60)
    ticket_escalate(ticket=tickets[7], team=TeamFactory(), actor=agent, reason="chest pain")
    safety_decide(
        ticket=tickets[33], action="mark", outcome="event", actor=agent, reason="device burn"
    )
    sample_week(week=WEEK)
    items = {i.ticket_id: i.reason for i in SampleItem.objects.filter(agent=agent)}
    assert items[tickets[7].pk] == SampleReason.ESCALATION
    assert items[tickets[33].pk] == SampleReason.SAFETY
    assert len(items) == 3  # ceil(5 % of 60), the two flagged among them


def test_the_same_week_gives_the_same_sample_and_running_twice_never_doubles_it(clock):
    reviewers_panel()
    agents = [AgentFactory() for _ in range(3)]
    for n, agent in enumerate(agents):
        worked(clock, agent, week=WEEK, count=30 + n, offset=n)
    first = sample_week(week=WEEK)
    drawn = list(SampleItem.objects.order_by("id").values_list("agent", "ticket"))
    second = sample_week(week=WEEK)
    assert (first.sampled, second.sampled) == (6, 0)
    assert list(SampleItem.objects.order_by("id").values_list("agent", "ticket")) == drawn

    # the same data drawn afresh gives the same items
    SampleItem.objects.all().delete()
    sample_week(week=WEEK)
    assert sorted(SampleItem.objects.values_list("agent", "ticket")) == sorted(drawn)


def test_an_agent_who_reviews_is_never_given_their_own_work(clock):
    lead = supervisor()
    quality = AgentFactory(role=ROLE_QUALITY)
    worked(clock, lead, week=WEEK, count=40)
    worked(clock, quality, week=WEEK, count=40, offset=3)
    sample_week(week=WEEK)
    assert set(SampleItem.objects.filter(agent=lead).values_list("reviewer", flat=True)) == {
        quality.pk
    }
    assert set(SampleItem.objects.filter(agent=quality).values_list("reviewer", flat=True)) == {
        lead.pk
    }


def test_items_are_shared_by_load_among_the_reviewers(clock):
    a, b = AgentFactory(role=ROLE_QUALITY), AgentFactory(role=ROLE_QUALITY)
    agent = AgentFactory()
    worked(clock, agent, week=WEEK, count=80)
    sample_week(week=WEEK)
    counts = sorted(
        SampleItem.objects.filter(reviewer__in=[a, b]).values_list("reviewer", flat=True)
    )
    assert counts.count(a.pk) == counts.count(b.pk) == 2


def test_interactions_are_public_replies_or_call_notes_in_the_week_only(clock):
    reviewers_panel()
    agent = AgentFactory()
    chat = worked(clock, agent, week=WEEK, count=1)[0]
    start, end = week_bounds(WEEK)
    clock.set(start + timedelta(hours=5))
    note_only = worked(clock, AgentFactory(), week=WEEK, count=1)[0]
    message_add(ticket=note_only, kind=MessageKind.INTERNAL, body=Body(text="Seen."), actor=agent)
    call = worked(clock, AgentFactory(), week=WEEK, count=1, channel=Channel.PHONE)[0]
    message_add(ticket=call, kind=MessageKind.INTERNAL, body=Body(text="Call notes"), actor=agent)
    clock.set(end + timedelta(hours=1))
    later = worked(clock, AgentFactory(), week="2026-W46", count=1)[0]
    message_add(ticket=later, kind=MessageKind.PUBLIC, body=Body(text="Next week"), actor=agent)

    sample_week(week=WEEK)
    row = AgentWeek.objects.get(week=WEEK, agent=agent)
    assert row.interactions == 2  # the chat and the call, not the note nor next week's reply
    drawn = set(SampleItem.objects.filter(agent=agent).values_list("ticket", flat=True))
    assert drawn <= {chat.pk, call.pk} and len(drawn) == 1


def test_a_higher_share_from_the_settings_draws_more(clock, settings):
    settings.CAREDESK_QA_SAMPLE_SHARE = "0.10"
    reviewers_panel()
    agent = AgentFactory()
    worked(clock, agent, week=WEEK, count=30)
    sample_week(week=WEEK)
    assert SampleItem.objects.filter(agent=agent).count() == 3
    settings.CAREDESK_QA_SAMPLE_SHARE = "0.01"  # below the floor: 5 % still
    other = AgentFactory()
    worked(clock, other, week="2026-W46", count=30)
    sample_week(week="2026-W46")
    assert SampleItem.objects.filter(agent=other).count() == 2


def test_the_command_draws_a_week_and_refuses_a_bad_one(clock, capsys):
    from caredesk.cli import main

    reviewers_panel()
    worked(clock, AgentFactory(), week=WEEK, count=5)
    assert main(["qa", "sample", "--week", WEEK]) == 0
    assert "1 newly sampled" in capsys.readouterr().out
    assert main(["qa", "sample", "--week", "2026-49"]) == 2
    assert "ISO week" in capsys.readouterr().err
