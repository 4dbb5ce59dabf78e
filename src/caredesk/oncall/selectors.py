"""Reads: schedules as the pure module sees them, who is on call, pages and their steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from caredesk.accounts.models import Team, User
from caredesk.core import clock
from caredesk.oncall import pure
from caredesk.oncall.models import (
    EscalationPolicy,
    EscalationStep,
    Layer,
    LayerMember,
    Override,
    Page,
    PageState,
    Schedule,
    TargetKind,
)

WEEK = timedelta(days=7)
IMPLICIT_WAIT_MINUTES = 5  # a team with a schedule but no policy: its on-call person, repeated


def schedule_list() -> QuerySet[Schedule]:
    return Schedule.objects.select_related("team").order_by("team__name", "name")


def schedule_spec(schedule: Schedule, *, since: datetime | None = None) -> pure.Schedule:
    """The schedule with its layers and the overrides not over before `since`."""
    since = since or clock.now()
    layers = Layer.objects.filter(schedule=schedule).prefetch_related(
        Prefetch("members", queryset=LayerMember.objects.order_by("position"))
    )
    overrides = Override.objects.filter(schedule=schedule, end__gt=since).order_by("created_at")
    return pure.Schedule(
        timezone=schedule.timezone,
        layers=tuple(
            pure.Layer(
                level=layer.level,
                kind=layer.kind,
                handoff=layer.handoff_time,
                start=layer.start_date,
                participants=tuple(m.user_id for m in layer.members.all()),
                hours=layer.shift_hours,
                restrict_from=layer.restrict_from,
                restrict_to=layer.restrict_to,
            )
            for layer in layers
        ),
        overrides=tuple(
            pure.Override(user=o.user_id, start=o.start, end=o.end, order=n)
            for n, o in enumerate(overrides)
        ),
    )


@dataclass(frozen=True)
class OnCall:
    schedule: Schedule
    now: User | None
    next: User | None
    next_from: datetime | None
    week: list[tuple[User | None, datetime, datetime | None]]


def _users(ids: set[int]) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=ids)}


def on_call(schedule: Schedule, *, at: datetime | None = None, week: bool = False) -> OnCall:
    """Who is on call at `at` (now), who is next and from when, and optionally the week."""
    at = at or clock.now()
    spec = schedule_spec(schedule, since=at)
    who = pure.on_call_at(spec, at)
    following = pure.next_handoff(spec, at)
    shifts = list(pure.shifts(spec, at, at + WEEK)) if week else []
    ids = {i for i in [who, following.user if following else None] if i is not None}
    ids |= {s.user for s in shifts if s.user is not None}
    people = _users(ids)
    return OnCall(
        schedule=schedule,
        now=people.get(who) if who else None,
        next=people.get(following.user) if following and following.user else None,
        next_from=following.start if following else None,
        week=[(people.get(s.user) if s.user else None, s.start, s.end) for s in shifts],
    )


def on_call_user(schedule: Schedule, at: datetime) -> User | None:
    who = pure.on_call_at(schedule_spec(schedule, since=at), at)
    return User.objects.filter(pk=who, is_active=True).first() if who else None


def default_policy(team: Team) -> EscalationPolicy | None:
    return EscalationPolicy.objects.filter(team=team, is_default=True).first()


def team_schedule(team: Team) -> Schedule | None:
    return Schedule.objects.filter(team=team).order_by("id").first()


@dataclass(frozen=True)
class Step:
    target: str
    wait_minutes: int
    schedule_id: int | None = None
    person_id: int | None = None


def steps_of(page: Page) -> tuple[list[Step], int]:
    """The page's steps and how many rounds it runs: its policy's, or without one the team's
    schedule's on-call person, for one round."""
    if page.policy_id is not None:
        steps = EscalationStep.objects.filter(policy_id=page.policy_id).order_by("position")
        repeat = EscalationPolicy.objects.filter(pk=page.policy_id).values_list("repeat", flat=True)
        return (
            [Step(s.target, s.wait_minutes, s.schedule_id, s.person_id) for s in steps],
            max(repeat.first() or 1, 1),
        )
    schedule = team_schedule(page.team)
    if schedule is None:
        return [], 1
    return [Step(TargetKind.SCHEDULE, IMPLICIT_WAIT_MINUTES, schedule_id=schedule.pk)], 1


def step_people(page: Page, step: Step, at: datetime) -> list[User]:
    """Whom a step pages at `at` (active people only)."""
    user: User | None = None
    if step.target == TargetKind.SCHEDULE and step.schedule_id:
        schedule = Schedule.objects.filter(pk=step.schedule_id).first()
        user = on_call_user(schedule, at) if schedule else None
    elif step.target == TargetKind.TEAM_LEAD:
        team = Team.objects.select_related("lead").get(pk=page.team_id)
        user = team.lead
    elif step.target == TargetKind.PERSON and step.person_id:
        user = User.objects.filter(pk=step.person_id).first()
    return [user] if user is not None and user.is_active else []


def page_list(*, state: str = "", limit: int = 100) -> QuerySet[Page]:
    pages = Page.objects.select_related("team", "ticket", "acknowledged_by")
    if state:
        pages = pages.filter(state=state)
    return pages.order_by("-id")[:limit]


def pages_open_for(ticket: Any) -> QuerySet[Page]:
    """The ticket's pages nobody has acknowledged yet (shown on the ticket with a button)."""
    return Page.objects.filter(
        ticket=ticket, state__in=(PageState.TRIGGERED, PageState.EXHAUSTED)
    ).select_related("team")


def pages_waiting_for(user: User, *, limit: int = 5) -> list[Page]:
    """Pages sent to `user` that nobody has acknowledged yet, newest first (the desk's alert)."""
    return list(
        Page.objects.filter(state=PageState.TRIGGERED, notifications__user=user)
        .select_related("team", "ticket")
        .distinct()
        .order_by("-id")[:limit]
    )


def page_mtta(pages: list[Page]) -> dict[str, Any]:
    """Mean time to first SMS or call sent and to acknowledge, in seconds, over `pages`."""
    sent = [p.seconds_to_send for p in pages if p.seconds_to_send is not None]
    acked = [p.seconds_to_ack for p in pages if p.seconds_to_ack is not None]
    return {
        "mean_seconds_to_send": round(sum(sent) / len(sent), 1) if sent else None,
        "mean_seconds_to_ack": round(sum(acked) / len(acked), 1) if acked else None,
    }
