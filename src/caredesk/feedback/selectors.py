"""Reads of the results: CSAT and response rate per dimension over a period, the comments, and
NPS per organization and by quarter. Each reads the survey rows alone (their dimensions were
copied when they were sent) in one grouped query, plus one query for the names it shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from caredesk.accounts.models import Organization, Team, User
from caredesk.feedback import pure
from caredesk.feedback.models import Kind, State, Survey
from caredesk.tickets.models import Channel, Mailbox, RequestType

# dimension -> (column on the survey, the model naming it; None: a choice)
DIMENSIONS: dict[str, tuple[str, Any]] = {
    "agent": ("agent_id", User),
    "team": ("team_id", Team),
    "category": ("category_id", RequestType),
    "channel": ("channel", None),
    "mailbox": ("mailbox_id", Mailbox),
    "organization": ("organization_id", Organization),
}
DIMENSION_LABELS = {
    "agent": "Agent",
    "team": "Team",
    "category": "Category",
    "channel": "Channel",
    "mailbox": "Mailbox (brand)",
    "organization": "Organization",
}


@dataclass(frozen=True)
class Row:
    key: Any
    label: str
    sent: int
    answered: int
    satisfied: int

    @property
    def csat(self) -> float | None:
        return pure.percent(self.satisfied, self.answered)

    @property
    def response_rate(self) -> float | None:
        return pure.percent(self.answered, self.sent)


@dataclass(frozen=True)
class NpsRow:
    key: Any
    label: str
    sent: int
    promoters: int
    passives: int
    detractors: int

    @property
    def answered(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        return pure.nps(self.promoters, self.passives, self.detractors)

    @property
    def response_rate(self) -> float | None:
        return pure.percent(self.answered, self.sent)


def period(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of `start` to the end of `end` (UTC days, end inclusive)."""
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _csat_sent(start: datetime, end: datetime, agent: User | None) -> QuerySet[Survey]:
    found = Survey.objects.filter(
        kind=Kind.CSAT, state=State.SENT, sent_at__gte=start, sent_at__lt=end
    )
    return found.filter(agent=agent) if agent is not None else found


def _names(dimension: str, keys: list[Any]) -> dict[Any, str]:
    column, model = DIMENSIONS[dimension]
    if model is None:
        return {k: str(Channel(k).label) if k in Channel.values else k or "None" for k in keys}
    ids = [k for k in keys if k is not None]
    field = "address" if model is Mailbox else "name"
    named = dict(model.objects.filter(pk__in=ids).values_list("pk", field)) if ids else {}
    return {k: named.get(k, "None") for k in keys}


def csat_results(
    *, dimension: str, start: datetime, end: datetime, agent: User | None = None
) -> tuple[list[Row], Row]:
    """Per value of `dimension` (surveys sent in [start, end)), and the total; `agent` limits
    to one agent's own."""
    column, _model = DIMENSIONS[dimension]
    counted = dict(
        sent=Count("id"),
        answered=Count("id", filter=Q(score__isnull=False)),
        satisfied=Count("id", filter=Q(score__gte=pure.SATISFIED_FROM)),
    )
    grouped = list(
        _csat_sent(start, end, agent).values(column).annotate(**counted).order_by(column)
    )
    names = _names(dimension, [g[column] for g in grouped])
    rows = [
        Row(g[column], names[g[column]], g["sent"], g["answered"], g["satisfied"]) for g in grouped
    ]
    rows.sort(key=lambda r: (r.label.lower(), str(r.key)))
    total = Row(
        None,
        "All",
        sum(r.sent for r in rows),
        sum(r.answered for r in rows),
        sum(r.satisfied for r in rows),
    )
    return rows, total


def comments(
    *, start: datetime, end: datetime, agent: User | None = None, poor_only: bool = False
) -> list[Survey]:
    """The newest 50 answers with a comment (satisfaction surveys sent in the period)."""
    found = _csat_sent(start, end, agent).exclude(comment="")
    if poor_only:
        found = found.filter(score__lt=pure.SATISFIED_FROM)
    return list(found.select_related("agent", "follow_up").order_by("-answered_at", "-pk")[:50])


def _nps_counted(found: QuerySet[Survey], column: str) -> list[dict[str, Any]]:
    return list(
        found.values(column).annotate(
            sent=Count("id"),
            promoters=Count("id", filter=Q(score__gte=pure.PROMOTER_FROM)),
            detractors=Count("id", filter=Q(score__lte=pure.DETRACTOR_TO)),
            passives=Count(
                "id", filter=Q(score__gt=pure.DETRACTOR_TO, score__lt=pure.PROMOTER_FROM)
            ),
        )
    )


def nps_by_organization(*, quarter: str) -> tuple[list[NpsRow], NpsRow]:
    grouped = _nps_counted(
        Survey.objects.filter(kind=Kind.NPS, state=State.SENT, quarter=quarter), "organization_id"
    )
    names = _names("organization", [g["organization_id"] for g in grouped])
    rows = [
        NpsRow(
            g["organization_id"],
            names[g["organization_id"]],
            g["sent"],
            g["promoters"],
            g["passives"],
            g["detractors"],
        )  # fmt: skip
        for g in grouped
    ]
    rows.sort(key=lambda r: r.label.lower())
    total = NpsRow(
        None,
        "All organizations",
        sum(r.sent for r in rows),
        sum(r.promoters for r in rows),
        sum(r.passives for r in rows),
        sum(r.detractors for r in rows),
    )
    return rows, total


def nps_trend(*, last: int = 8) -> list[NpsRow]:
    """NPS by quarter, the `last` quarters that had a survey, oldest first."""
    grouped = _nps_counted(Survey.objects.filter(kind=Kind.NPS, state=State.SENT), "quarter")
    grouped = sorted(grouped, key=lambda g: str(g["quarter"]), reverse=True)[:last]
    return [
        NpsRow(
            g["quarter"], g["quarter"], g["sent"], g["promoters"], g["passives"], g["detractors"]
        )
        for g in reversed(grouped)
    ]


def survey_get(pk: int) -> Survey | None:
    return Survey.objects.select_related("ticket", "follow_up").filter(pk=pk).first()
