"""Reads of the QA records: queues, reviews, disputes, rubrics, calibration and reports.

The reports read what the sampler (`AgentWeek`, `SampleItem`) and the reviews keep, never the
ticket table, in a constant number of queries whatever the number of agents and weeks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from caredesk.accounts.models import Team, User
from caredesk.qa import pure
from caredesk.qa.models import (
    AgentWeek,
    CalibrationSession,
    Criterion,
    Dispute,
    Review,
    Rubric,
    SampleItem,
    Score,
    Section,
)
from caredesk.tickets.models import Message, Ticket

PAGE = 100


def queue_for(user: User) -> QuerySet[SampleItem]:
    """The interactions waiting for `user`'s review (oldest week first)."""
    return (
        SampleItem.objects.filter(reviewer=user, reviewed=False)
        .select_related("ticket", "agent")
        .order_by("week", "id")[:PAGE]
    )


def reviews_of(agent: User) -> QuerySet[Review]:
    """The reviews of `agent`'s work (calibration scores are not theirs to see)."""
    return (
        Review.objects.filter(agent=agent, session__isnull=True)
        .select_related("ticket", "rubric", "dispute")
        .order_by("-submitted_at", "-id")[:PAGE]
    )


def disputes_open() -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(outcome="")
        .select_related("review__ticket", "review__agent", "review__reviewer", "raised_by")
        .order_by("created_at", "id")[:PAGE]
    )


def disputes_resolved() -> QuerySet[Dispute]:
    return (
        Dispute.objects.exclude(outcome="")
        .select_related("review__ticket", "review__agent", "resolved_by")
        .order_by("-resolved_at", "-id")[:20]
    )


def sections_of(rubric: Rubric) -> list[Section]:
    """The rubric's sections with their criteria (two queries)."""
    return list(
        Section.objects.filter(rubric=rubric).prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id"))
        )
    )


def conversation(ticket: Ticket) -> QuerySet[Message]:
    """The ticket's messages as the ticket page shows them (read-only here)."""
    return (
        Message.objects.filter(ticket=ticket)
        .select_related("author_user", "author_contact")
        .order_by("created_at", "id")
    )


def marks_of(review: Review) -> dict[int, str]:
    return dict(Score.objects.filter(review=review).values_list("criterion_id", "mark"))


@dataclass
class CalibrationView:
    session: CalibrationSession
    reviews: list[Review]
    rows: list[dict[str, Any]]  # per criterion: label, marks by reviewer, spread
    total: pure.Spread | None


def calibration_view(session: CalibrationSession) -> CalibrationView:
    """Each reviewer's marks side by side with the spread per criterion and of the totals."""
    reviews = list(Review.objects.filter(session=session).select_related("reviewer").order_by("id"))
    scores: dict[tuple[int, int], str] = {
        (s.review_id, s.criterion_id): s.mark for s in Score.objects.filter(review__session=session)
    }
    rows = []
    for section in sections_of(session.rubric):
        for c in section.criteria.all():
            marks = [scores.get((r.pk, c.pk), "") for r in reviews]
            values = [pure.MARK_VALUE[m] * 100 for m in marks if m in pure.MARK_VALUE]
            rows.append(
                {
                    "section": section.title,
                    "criterion": c,
                    "marks": marks,
                    "spread": pure.spread(values),
                }
            )
    total = pure.spread([r.score for r in reviews])
    return CalibrationView(session=session, reviews=reviews, rows=rows, total=total)


def calibrations() -> QuerySet[CalibrationSession]:
    return (
        CalibrationSession.objects.select_related("ticket", "agent", "lead")
        .annotate(scored=Count("reviews", distinct=True))
        .prefetch_related("reviewers")
        .order_by("-id")[:50]
    )


# -- reports ------------------------------------------------------------------------------------


@dataclass
class Cell:
    interactions: int = 0
    sampled: int = 0
    reviewed: int = 0
    score: Decimal | None = None
    adherence: Decimal | None = None


@dataclass
class Line:
    name: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def scores(self) -> list[Decimal | None]:
        return [c.score for c in self.cells]

    @property
    def bars(self) -> list[dict[str, float]]:
        return pure.bars(self.scores)


def weeks_back(last: str, count: int) -> list[str]:
    weeks = [last]
    for _ in range(count - 1):
        weeks.append(pure.previous_week(weeks[-1]))
    return list(reversed(weeks))


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v)).quantize(Decimal("0.1"))


def report(weeks: list[str]) -> tuple[list[Line], list[Line]]:
    """Per agent and per team, each week: interactions, sampled, reviewed, mean score and
    mean script adherence (four queries)."""
    counts = AgentWeek.objects.filter(week__in=weeks).values_list(
        "agent_id", "week", "interactions", "sampled"
    )
    reviewed = (
        Review.objects.filter(week__in=weeks, session__isnull=True)
        .values("agent_id", "week")
        .annotate(n=Count("id"), score=Avg("score"), adherence=Avg("adherence"))
    )
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    for agent_id, week, interactions, sampled in counts:
        cells[agent_id][week] = Cell(interactions=interactions, sampled=sampled)
    for row in reviewed:
        cell = cells[row["agent_id"]].setdefault(row["week"], Cell())
        cell.reviewed = row["n"]
        cell.score, cell.adherence = _dec(row["score"]), _dec(row["adherence"])
    people = {u.pk: u for u in User.objects.filter(pk__in=list(cells)).order_by("name")}
    memberships = Team.members.through.objects.filter(user_id__in=list(cells)).values_list(
        "user_id", "team__name"
    )
    agents = [
        Line(name=u.name, cells=[cells[u.pk].get(w, Cell()) for w in weeks])
        for u in people.values()
    ]
    teams: dict[str, list[int]] = defaultdict(list)
    for user_id, team in memberships:
        teams[team].append(user_id)
    return agents, [_team_line(name, ids, cells, weeks) for name, ids in sorted(teams.items())]


def _team_line(
    name: str, ids: list[int], cells: dict[int, dict[str, Cell]], weeks: list[str]
) -> Line:
    line = Line(name=name)
    for w in weeks:
        parts = [cells[i][w] for i in ids if w in cells[i]]
        cell = Cell(
            interactions=sum(p.interactions for p in parts),
            sampled=sum(p.sampled for p in parts),
            reviewed=sum(p.reviewed for p in parts),
        )
        scored = [(p.score, p.reviewed) for p in parts if p.score is not None]
        if scored:
            cell.score = _dec(sum(s * n for s, n in scored) / sum(n for _s, n in scored))
        adh = [(p.adherence, p.reviewed) for p in parts if p.adherence is not None]
        if adh:
            cell.adherence = _dec(sum(a * n for a, n in adh) / sum(n for _a, n in adh))
        line.cells.append(cell)
    return line


def pending_count(user: User) -> int:
    return SampleItem.objects.filter(Q(reviewer=user) & Q(reviewed=False)).count()
