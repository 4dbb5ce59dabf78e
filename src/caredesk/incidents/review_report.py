"""The reviews report: the share of root-cause reviews completed within their 7 business days,
per month due and severity; time to acknowledge and to resolve per severity over a period,
against the severity targets; and the stakeholders' satisfaction.

The arithmetic is pure (`on_time_rows`, `response_rows`) over rows read in a fixed number of
queries, whatever the period's length."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Q

from caredesk.incidents.models import Incident, Review, SeverityTarget, StakeholderRating

# --- on time --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnTimeRow:
    month: date  # the first day of the month the reviews were due in
    severity: int
    on_time: int  # completed by their due instant
    late: int  # completed after it, or still open past it
    pending: int  # open and not yet due (not counted in the share)

    @property
    def settled(self) -> int:
        return self.on_time + self.late

    @property
    def share(self) -> float | None:
        """Percent completed on time among the settled ones (None: none settled)."""
        return 100 * self.on_time / self.settled if self.settled else None


ReviewFacts = tuple[int, datetime, datetime | None]  # severity, due_at, completed_at


def on_time_rows(reviews: Iterable[ReviewFacts], now: datetime) -> list[OnTimeRow]:
    """One row per (month due, severity), in order."""
    counts: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for severity, due_at, completed_at in reviews:
        key = (due_at.date().replace(day=1), severity)
        if completed_at is not None:
            counts[key][0 if completed_at <= due_at else 1] += 1
        elif due_at < now:
            counts[key][1] += 1
        else:
            counts[key][2] += 1
    return [OnTimeRow(month, sev, *counts[(month, sev)]) for month, sev in sorted(counts)]


def on_time_total(rows: Iterable[OnTimeRow]) -> OnTimeRow | None:
    rows = list(rows)
    if not rows:
        return None
    return OnTimeRow(
        rows[0].month, 0, sum(r.on_time for r in rows), sum(r.late for r in rows),
        sum(r.pending for r in rows),
    )  # fmt: skip


# --- time to acknowledge and to resolve -------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    severity: int
    incidents: int
    acknowledged: int
    resolved: int
    mtta: timedelta | None  # mean over the acknowledged ones
    mttr: timedelta | None  # mean over the resolved ones
    acknowledge_target: timedelta | None
    resolve_target: timedelta | None
    acknowledged_in_time: int
    resolved_in_time: int


IncidentFacts = tuple[int, datetime, datetime | None, datetime | None]  # sev, start, ack, res
Targets = dict[int, tuple[int, int]]  # severity: (acknowledge minutes, resolve minutes)


@dataclass
class _Sums:
    incidents: int = 0
    acknowledged: int = 0
    resolved: int = 0
    waited: timedelta = timedelta(0)
    took: timedelta = timedelta(0)
    acknowledged_in_time: int = 0
    resolved_in_time: int = 0


def response_rows(incidents: Iterable[IncidentFacts], targets: Targets) -> list[ResponseRow]:
    """One row per severity 1-4 (severities without incidents included, with zeros)."""
    sums = {s: _Sums() for s in (1, 2, 3, 4)}
    for severity, started, acked, resolved in incidents:
        row = sums.setdefault(severity, _Sums())
        target = targets.get(severity)
        row.incidents += 1
        if acked is not None:
            row.acknowledged += 1
            row.waited += acked - started
            if target is not None and acked - started <= timedelta(minutes=target[0]):
                row.acknowledged_in_time += 1
        if resolved is not None:
            row.resolved += 1
            row.took += resolved - started
            if target is not None and resolved - started <= timedelta(minutes=target[1]):
                row.resolved_in_time += 1
    out = []
    for severity in sorted(sums):
        row, target = sums[severity], targets.get(severity)
        out.append(
            ResponseRow(
                severity=severity,
                incidents=row.incidents,
                acknowledged=row.acknowledged,
                resolved=row.resolved,
                mtta=row.waited / row.acknowledged if row.acknowledged else None,
                mttr=row.took / row.resolved if row.resolved else None,
                acknowledge_target=timedelta(minutes=target[0]) if target else None,
                resolve_target=timedelta(minutes=target[1]) if target else None,
                acknowledged_in_time=row.acknowledged_in_time,
                resolved_in_time=row.resolved_in_time,
            )
        )
    return out


# --- satisfaction -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionRow:
    severity: int
    asked: int
    answered: int
    average: float | None


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    start: datetime
    end: datetime
    on_time: list[OnTimeRow]
    on_time_total: OnTimeRow | None
    response: list[ResponseRow]
    satisfaction: list[SatisfactionRow]


def targets() -> Targets:
    return {
        t.severity: (t.acknowledge_minutes, t.resolve_minutes) for t in SeverityTarget.objects.all()
    }


def report(*, start: datetime, end: datetime, now: datetime) -> Report:
    """Reviews due in [start, end) and incidents started in it (four queries)."""
    reviews = Review.objects.filter(due_at__gte=start, due_at__lt=end).values_list(
        "incident__severity", "due_at", "completed_at"
    )
    rows = on_time_rows(reviews, now)
    incidents = Incident.objects.filter(started_at__gte=start, started_at__lt=end).values_list(
        "severity", "started_at", "acknowledged_at", "resolved_at"
    )
    ratings = (
        StakeholderRating.objects.filter(
            incident__started_at__gte=start, incident__started_at__lt=end
        )
        .values("incident__severity")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(score__isnull=False)),
            average=Avg("score"),
        )
        .order_by("incident__severity")
    )
    return Report(
        start=start,
        end=end,
        on_time=rows,
        on_time_total=on_time_total(rows),
        response=response_rows(incidents, targets()),
        satisfaction=[
            SatisfactionRow(r["incident__severity"], r["asked"], r["answered"], r["average"])
            for r in ratings
        ],
    )
