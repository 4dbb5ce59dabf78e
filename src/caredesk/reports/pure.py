"""The KPI formulas and their target bands: pure arithmetic over counters, no Django.

Every formula takes the additive counters the rollups hold and returns a ratio (0-100, in per
cent) or a mean, or None when there is nothing to measure (no solved ticket, no answer): a
dashboard shows "no data" rather than a zero that would read as a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` in per cent; None when `whole` is zero."""
    if whole <= 0:
        return None
    return 100.0 * part / whole


def mean(total: float, count: int) -> float | None:
    return None if count <= 0 else total / count


def fcr(first_contact: int, solved: int) -> float | None:
    """First-contact resolution: solves at the first solve with at most one public agent reply
    and never reopened, of all first solves."""
    return share(first_contact, solved)


def backlog_share(open_at_end: int, created_in_month: int) -> float | None:
    """Open tickets at the period's end against the volume of the month before it."""
    return share(open_at_end, created_in_month)


def csat(satisfied: int, answered: int) -> float | None:
    """Answers of 4 or 5 out of 5, of all answers."""
    return share(satisfied, answered)


def nps(promoters: int, passives: int, detractors: int) -> float | None:
    """Promoters (9-10) minus detractors (0-6), in points of the answers."""
    answered = promoters + passives + detractors
    if answered <= 0:
        return None
    return 100.0 * (promoters - detractors) / answered


def churn(lost: int, at_start: int) -> float | None:
    """Subscribers lost over a period, of those at its start."""
    return share(lost, at_start)


def lifetime_value(
    revenue_per_customer_year: float | None, churn_percent: float | None
) -> float | None:
    """A customer's lifetime value: their yearly revenue over the yearly churn rate (the
    expected years a customer stays is one over the share lost each year). None without
    revenue, or without churn to measure a lifetime by."""
    if revenue_per_customer_year is None or churn_percent is None or churn_percent <= 0:
        return None
    return revenue_per_customer_year * 100.0 / churn_percent


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def change(now: float | None, before: float | None) -> float | None:
    """Relative change from the previous period, in per cent (None without a base)."""
    if now is None or before is None or before == 0:
        return None
    return 100.0 * (now - before) / abs(before)


class Band(StrEnum):
    MET = "met"
    AT_RISK = "at_risk"
    MISSED = "missed"
    NONE = "none"  # nothing measured


BAND_LABELS = {
    Band.MET: "Met",
    Band.AT_RISK: "At risk",
    Band.MISSED: "Missed",
    Band.NONE: "No data",
}


@dataclass(frozen=True)
class Target:
    """Higher is better (`at_least`) or lower is better; a range target (AHT) has both ends.

    `met` is the target; `at_risk` the value beyond which the target is missed. For a
    higher-is-better KPI: value >= met is met, value >= at_risk is at risk, below is missed.
    For a range (`upper` set): inside [met, upper] is met, within `margin` of it at risk."""

    kpi: str
    label: str
    unit: str  # "%", "points", "min", "h"
    met: float
    at_risk: float
    higher_is_better: bool = True
    upper: float | None = None
    margin: float = 0.0
    absolute: bool = False  # a change either way: the band reads its size, not its sign
    source: str = ""

    def band(self, value: float | None) -> Band:  # noqa: PLR0911 - one return per band reads best
        if value is None:
            return Band.NONE
        if self.absolute:
            value = abs(value)
        if self.upper is not None:
            if self.met <= value <= self.upper:
                return Band.MET
            if self.met - self.margin <= value <= self.upper + self.margin:
                return Band.AT_RISK
            return Band.MISSED
        if self.higher_is_better:
            if value >= self.met:
                return Band.MET
            return Band.AT_RISK if value >= self.at_risk else Band.MISSED
        if value <= self.met:
            return Band.MET
        return Band.AT_RISK if value <= self.at_risk else Band.MISSED

    def describe(self) -> str:
        """The target in words, for the dashboards and reports."""
        unit = "" if self.unit == "points" else f" {self.unit}".replace(" %", " %")
        if self.upper is not None:
            return f"{_num(self.met)}-{_num(self.upper)}{unit}"
        if self.absolute:
            return f"within ±{_num(self.met)}{unit}"
        sign = ">=" if self.higher_is_better else "<="
        return f"{sign} {_num(self.met)}{unit}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# The targets the reference documents manage by (telehealth hub and device maker's desk). The
# at-risk edge is ours: close enough to the target that a lead should look before it is missed.
DEFAULT_TARGETS: tuple[Target, ...] = (
    Target("fcr", "First-contact resolution", "%", 75, 70, source="75-90 %; devices >= 70 %"),
    Target("frt", "Average first response", "h", 1, 2, higher_is_better=False, source="FRT <= 1 h"),
    Target("within_sla", "Solved within SLA", "%", 95, 90, source="our default"),
    Target(
        "backlog", "Backlog of monthly volume", "%", 2, 3, higher_is_better=False, source="< 2 %"
    ),
    Target("csat", "Satisfaction (CSAT)", "%", 87, 85, source="CSAT >= 87 %"),
    Target("nps", "Net Promoter Score", "points", 30, 20, source="NPS >= 30"),
    Target("aht", "Average handle time (phone)", "min", 4, 8, upper=8, margin=1, source="4-8 min"),
    Target(
        "mtta",
        "Time to acknowledge a page",
        "min",
        5,
        10,
        higher_is_better=False,
        source="MTTA < 5 min",
    ),
    Target(
        "resolution", "Average resolution", "h", 72, 96, higher_is_better=False, source="48-72 h"
    ),
    Target("churn", "Plan churn (yearly)", "%", 8, 10, higher_is_better=False, source="< 8 %"),
    Target(
        "diagnosis",
        "Average time to diagnose",
        "h",
        48,
        72,
        higher_is_better=False,
        source="diagnose within 48 h",
    ),
    Target(
        "repair",
        "Average repair time",
        "d",
        7,
        14,
        higher_is_better=False,
        source="7-14 days; MTTR <= 7 days",
    ),
    Target("return_to_service", "Returned to service", "%", 90, 80, source="our default"),
    Target(
        "volume_trend",
        "Volume against the period before",
        "%",
        10,
        15,
        higher_is_better=False,
        absolute=True,
        source="monthly ticket volume trend <= +/-10 %",
    ),
)

TARGETS_BY_KPI = {t.kpi: t for t in DEFAULT_TARGETS}


# -- scheduled reports' periods ----------------------------------------------------------------


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_before(cadence: str, today: date) -> tuple[date, date]:
    """The last whole week (Monday to Sunday), month or quarter before `today`."""
    if cadence == "weekly":
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if cadence == "monthly":
        first = _month_start(today)
        return _add_months(first, -1), first - timedelta(days=1)
    if cadence == "quarterly":
        first = _quarter_start(today)
        return _add_months(first, -3), first - timedelta(days=1)
    raise ValueError(cadence)


def next_run_day(cadence: str, after: date) -> date:
    """The first day after `after` on which the cadence sends: a Monday, the 1st of a month, the
    1st of a quarter."""
    if cadence == "weekly":
        return after + timedelta(days=7 - after.weekday())
    if cadence == "monthly":
        return _add_months(_month_start(after), 1)
    if cadence == "quarterly":
        return _add_months(_quarter_start(after), 3)
    raise ValueError(cadence)


def pareto(counts: list[tuple[str, int]]) -> list[tuple[str, int, float, float]]:
    """(label, count, share %, cumulative share %), largest first: the few failure modes that
    make most of the returns come first."""
    ordered = sorted(((label, n) for label, n in counts if n > 0), key=lambda c: (-c[1], c[0]))
    total = sum(n for _l, n in ordered)
    out = []
    running = 0
    for label, n in ordered:
        running += n
        out.append((label, n, 100.0 * n / total, 100.0 * running / total))
    return out
