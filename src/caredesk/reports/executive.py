"""The executive's figures: the desk's key figures with the business's around them. Recurring
request types and escalations week by week, the incidents' times to acknowledge and resolve
per severity, the service contracts' revenue, churn and customer lifetime value, and the
repairs. A few queries each, on the rollups and on the (small) incident and contract tables,
never on the tickets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from caredesk.accounts.models import Organization
from caredesk.devices.models import Contract
from caredesk.incidents.models import Incident, IncidentState, Severity, SeverityTarget
from caredesk.reports import pure, repairs
from caredesk.reports.selectors import (
    Dashboard,
    Filters,
    Kpi,
    Weekly,
    dashboard,
    kpi_of,
    midnight,
    targets,
    weekly,
)

YEAR = 365


@dataclass
class SeverityRow:
    severity: int
    label: str
    resolved: int
    within: int  # resolved within the severity's target
    target_minutes: int | None
    mtta: float | None  # minutes
    mttr: float | None

    @property
    def within_share(self) -> float | None:
        return pure.share(self.within, self.resolved)


@dataclass
class Money:
    """Service contracts over the 12 months to the period's end."""

    start: date
    end: date
    revenue: Decimal  # recognised day by day over each contract's term, refunds deducted
    customers: int  # organizations with a contract covering a day of the 12 months
    # revenue per customer a year: the revenue over the years customers were under contract
    churn: float | None  # per cent of contracts held at the start that were lost
    per_customer: Decimal | None = None
    lifetime_value: Decimal | None = None
    lifetime_years: float | None = None


@dataclass
class Executive:
    filters: Filters
    board: Dashboard
    kpis: list[Kpi]
    request_types: Weekly
    escalations: Weekly
    incidents: list[SeverityRow]
    money: Money
    repairs: repairs.Repairs
    notes: list[str] = field(default_factory=list)


def _minutes(spans: list[timedelta]) -> float | None:
    if not spans:
        return None
    return sum(s.total_seconds() for s in spans) / len(spans) / 60


def resolve_targets() -> dict[int, int]:
    """Each severity's target time to resolve, in minutes (one query)."""
    return {t.severity: t.resolve_minutes for t in SeverityTarget.objects.all()}


def incidents(
    start: datetime, end: datetime, goals: dict[int, int] | None = None
) -> list[SeverityRow]:
    """Incidents resolved in [start, end), per severity (two queries: the incidents' times,
    the targets, unless given). The whole service's: an incident is not a team's or an
    organization's."""
    goals = resolve_targets() if goals is None else goals
    rows: dict[int, dict[str, list[timedelta]]] = {
        s: {"spans": [], "acks": []} for s in Severity.values
    }
    times = Incident.objects.filter(
        state=IncidentState.RESOLVED, resolved_at__gte=start, resolved_at__lt=end
    ).values_list("severity", "started_at", "acknowledged_at", "resolved_at")
    for severity, started, acknowledged, resolved in times:
        if resolved is None:  # a resolved incident has its time; never counted without one
            continue
        rows[severity]["spans"].append(resolved - started)
        if acknowledged is not None:
            rows[severity]["acks"].append(acknowledged - started)
    out = []
    for severity, label in Severity.choices:
        spans = rows[severity]["spans"]
        goal = goals.get(severity)
        out.append(
            SeverityRow(
                severity=severity,
                label=str(label),
                resolved=len(spans),
                within=sum(1 for s in spans if goal is not None and s <= timedelta(minutes=goal)),
                target_minutes=goal,
                mtta=_minutes(rows[severity]["acks"]),
                mttr=_minutes(spans),
            )
        )
    return out


def _term(starts_on: date, ends_on: date, cancelled_on: date | None) -> tuple[date, date]:
    """The days a contract ran: to its end, or to its cancellation."""
    return starts_on, min(ends_on, cancelled_on) if cancelled_on else ends_on


def _recognised(amount: Decimal, term: tuple[date, date], start: date, end: date) -> Decimal:
    """What a contract earned between `start` and `end` (inclusive): `amount` (its total less
    any refund) spread evenly over the days it ran."""
    first, last = term
    ran = (last - first).days + 1
    overlap = (min(last, end) - max(first, start)).days + 1
    if ran <= 0 or overlap <= 0:
        return Decimal(0)
    return amount * overlap / ran


def _days_covered(terms: list[tuple[date, date]], start: date, end: date) -> int:
    """The days between `start` and `end` that at least one of `terms` covers."""
    days = 0
    reached = start - timedelta(days=1)  # the last day counted so far
    for began, ended in sorted(terms):
        first, last = max(began, reached + timedelta(days=1)), min(ended, end)
        if last >= first:
            days += (last - first).days + 1
            reached = last
    return days


def money(filters: Filters, churn: float | None) -> Money:
    """Revenue, customers and lifetime value of the 12 months to the period's end (one query
    on the contracts overlapping them): the desk's, one organization's, or a plan's. Revenue
    per customer a year is the revenue over the years customers were under contract, so a
    customer who joined in the middle of the 12 months counts for the part they were there."""
    end = filters.end
    start = end - timedelta(days=YEAR - 1)
    contracts = Contract.objects.filter(starts_on__lte=end, ends_on__gte=start).filter(
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gte=start)
    )
    if filters.organization is not None:
        contracts = contracts.filter(organization_id=filters.organization)
    if filters.plan is not None:
        contracts = contracts.filter(
            organization__in=Organization.objects.filter(plan=filters.plan).values("pk")
        )
    revenue = Decimal(0)
    terms: dict[int, list[tuple[date, date]]] = {}
    for org, starts_on, ends_on, cancelled_on, total, refund in contracts.values_list(
        "organization_id", "starts_on", "ends_on", "cancelled_on", "total", "refund"
    ):
        term = _term(starts_on, ends_on, cancelled_on)
        revenue += _recognised(total - (refund or Decimal(0)), term, start, end)
        terms.setdefault(org, []).append(term)
    revenue = revenue.quantize(Decimal("0.01"))
    out = Money(start=start, end=end, revenue=revenue, customers=len(terms), churn=churn)
    customer_days = sum(_days_covered(t, start, end) for t in terms.values())
    if customer_days:
        out.per_customer = (revenue * YEAR / customer_days).quantize(Decimal("0.01"))
        value = pure.lifetime_value(float(out.per_customer), churn)
        if value is not None and churn:
            out.lifetime_value = Decimal(value).quantize(Decimal("0.01"))
            out.lifetime_years = 100.0 / churn
    return out


def _volume_trend(board: Dashboard) -> tuple[float | None, float | None]:
    """Tickets opened against the period before (the earlier period's own change unknown)."""
    return pure.change(board.totals["created"], board.before["created"]), None


def _no_lifetime(filters: Filters, churn: float | None) -> str:
    """Why there are customers but no lifetime: churn measured and nil, not measured under a
    plan's filter, or no contract held at the start of the 12 months to be lost."""
    if churn is not None:
        return "No contract was lost in the 12 months: a lifetime cannot be measured yet."
    if filters.plan is not None:
        return "Churn is not measured for a support plan's organizations: no lifetime is shown."
    return (
        "Every contract started within the 12 months, so there was no contract to lose: "
        "a lifetime cannot be measured yet."
    )


def executive(filters: Filters, *, by: str | None = None) -> Executive:
    """The executive's page: the desk's (or a plan's, or one organization's) figures, with a
    breakdown `by` a dimension if asked (the reports mailed)."""
    board = dashboard(filters, by=by, top=True)
    goals_by_kpi = targets()  # the KPI targets, read once for the repairs and the trend
    fixes = repairs.repairs(filters, goals=goals_by_kpi)
    start, end = midnight(filters.start), midnight(filters.end, 1)
    resolve = resolve_targets()  # read once for both periods and the key figure
    severities = incidents(start, end, resolve)
    before = filters.previous()
    severities_before = incidents(midnight(before.start), start, resolve)
    churn = next((k.value for k in board.kpis if k.key == "churn"), None)
    cash = money(filters, churn)
    goals = {k.key: k for k in board.kpis}
    sev1 = resolve.get(Severity.SEV1)
    mttr_target = (
        pure.Target(
            "incident_mttr",
            "Time to resolve a Sev 1 incident",
            "min",
            sev1,
            sev1 * 1.5,
            higher_is_better=False,
            source="the incidents' Sev 1 target",
        )  # fmt: skip
        if sev1 is not None
        else None
    )
    mttr = Kpi(
        key="incident_mttr",
        label="Time to resolve a Sev 1 incident",
        value=severities[0].mttr,
        before=severities_before[0].mttr,
        target=mttr_target,
        band=mttr_target.band(severities[0].mttr) if mttr_target else pure.Band.NONE,
        unit="min",
    )
    trend = kpi_of(goals_by_kpi, "volume_trend", *_volume_trend(board))
    kpis = [
        *(goals[k] for k in ("fcr", "frt", "within_sla", "csat", "nps", "churn") if k in goals),
        trend,
        mttr,
        *(k for k in fixes.kpis if k.key == "return_to_service"),
        *(goals[k] for k in ("backlog", "mtta") if k in goals),
    ]
    notes = []
    if cash.customers and cash.lifetime_value is None:
        notes.append(_no_lifetime(filters, churn))
    return Executive(
        filters=filters,
        board=board,
        kpis=kpis,
        request_types=weekly(filters, by="category", metric="created"),
        escalations=weekly(filters, by="level", metric="escalations", top=4),
        incidents=severities,
        money=cash,
        repairs=fixes,
        notes=notes,
    )
