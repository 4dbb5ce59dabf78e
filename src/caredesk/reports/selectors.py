"""What the dashboards show: sums of the rollups over a period and its filters, never a read
of the ticket table. A dashboard costs the same few queries whatever the period or the desk's
size: the period and the previous one in one aggregate, the days in one, the backlog in one,
a breakdown in one, and the names shown in one per kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from caredesk.accounts.models import Organization, Team, User
from caredesk.devices.models import Contract, ContractStatus
from caredesk.feedback import pure as feedback_pure
from caredesk.feedback.models import Kind as SurveyKind
from caredesk.feedback.models import State as SurveyState
from caredesk.feedback.models import Survey
from caredesk.knowledge.models import ArticleDay
from caredesk.oncall.models import Page
from caredesk.phone.models import Call
from caredesk.reports import fold, pure
from caredesk.reports.models import Contribution, DimRollup, KpiTarget, Rollup
from caredesk.tickets.models import Channel, Priority, RequestType, Ticket
from caredesk.tickets.selectors import tickets_visible

BY = {
    "team": "Team",
    "agent": "Agent",
    "channel": "Channel",
    "category": "Request type",
    "organization": "Organization",
    "level": "Level",
}
SUMMED = fold.METRICS
# the counted figures a dashboard and a report list with the previous period's
VOLUME = [
    ("created", "Opened"),
    ("solved", "Solved"),
    ("reopened", "Reopened"),
    ("fcr", "Solved at first contact"),
    ("escalations", "Escalations"),
    ("breaches", "SLA breaches"),
    ("safety_flagged", "Safety findings"),
]
VOLUME_DAYS = 30  # the backlog is measured against the volume of the 30 days before its day


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    team: int | None = None
    agent: int | None = None
    channel: str | None = None
    category: int | None = None
    organization: int | None = None
    level: int | None = None
    plan: str | None = None  # the organizations on this support plan now

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before."""
        return replace(
            self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1)
        )

    def q(self) -> Q:
        """The filters other than the period."""
        given = {d: getattr(self, d) for d in fold.DIMENSIONS if getattr(self, d) is not None}
        if self.plan is not None:
            given["organization__in"] = _on_plan(self.plan)
        return Q(**given)

    def as_query(self) -> dict[str, Any]:
        """The filters as the dashboards' query string names them."""
        out: dict[str, Any] = {
            "period": "custom",
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }
        out.update({d: getattr(self, d) for d in fold.DIMENSIONS if getattr(self, d) is not None})
        if self.plan is not None:
            out["plan"] = self.plan
        return out


def _on_plan(plan: str) -> QuerySet[Any]:
    """The organizations on a support plan (a subquery)."""
    return Organization.objects.filter(plan=plan).values("pk")


@dataclass
class Kpi:
    key: str
    label: str
    value: float | None
    before: float | None
    target: pure.Target | None = None
    band: pure.Band = pure.Band.NONE
    metric: str = ""  # the figure whose tickets open from it
    unit: str = ""
    link: str = ""  # where its tickets are listed (set by the screen)

    @property
    def change(self) -> float | None:
        return pure.change(self.value, self.before)

    @property
    def band_label(self) -> str:
        return pure.BAND_LABELS[self.band]


@dataclass
class Dashboard:
    filters: Filters
    totals: dict[str, int]
    before: dict[str, int]
    kpis: list[Kpi]
    days: list[dict[str, Any]]
    backlog_start: int
    backlog_end: int
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    top_organizations: list[dict[str, Any]] = field(default_factory=list)
    top_articles: list[dict[str, Any]] = field(default_factory=list)


def targets() -> dict[str, pure.Target]:
    """The reference documents' targets with the administrators' changes (one query)."""
    out = dict(pure.TARGETS_BY_KPI)
    for row in KpiTarget.objects.all():
        if row.kpi in out:
            out[row.kpi] = replace(out[row.kpi], met=row.met, at_risk=row.at_risk)
    return out


def _given(filters: Filters) -> dict[str, Any]:
    return {d: getattr(filters, d) for d in fold.DIMENSIONS if getattr(filters, d) is not None}


def _rollups(filters: Filters) -> QuerySet[Any]:
    """The rows summing to the filters' figures: the whole desk's or one dimension's rows (a
    few a day), or, with two filters or more, the rows of every combination that match."""
    given = _given(filters)
    if filters.plan is not None:
        return Rollup.objects.filter(filters.q())
    if not given:
        return DimRollup.objects.filter(dim="all", value="")
    if len(given) == 1:
        ((dim, value),) = given.items()
        return DimRollup.objects.filter(dim=dim, value=str(value))
    return Rollup.objects.filter(**given)


def _grouped(filters: Filters, by: str) -> tuple[QuerySet[Any], str]:
    """The rows to break the filters' figures down by `by`, and the column holding its value."""
    given = _given(filters)
    if filters.plan is not None:
        return Rollup.objects.filter(filters.q()), by
    if not given or set(given) == {by}:
        rows = DimRollup.objects.filter(dim=by)
        if given:
            rows = rows.filter(value=str(given[by]))
        return rows, "value"
    return Rollup.objects.filter(**given), by


def _key(by: str, value: Any) -> Any:
    """A dimension's value as the filters name it (text in the per-dimension rows)."""
    if by == "channel":
        return str(value or "")
    return int(value or 0)


def _sums(filters: Filters) -> tuple[dict[str, int], dict[str, int], tuple[int, int]]:
    """The period's counters, the previous period's, and the tickets created in the 30 days to
    the period's end and to the day before its start, in one query."""
    before = filters.previous()
    volume_from = filters.end - timedelta(days=VOLUME_DAYS - 1)
    volume_before_from = filters.start - timedelta(days=VOLUME_DAYS)
    now_q = Q(day__gte=filters.start, day__lte=filters.end)
    before_q = Q(day__gte=before.start, day__lte=before.end)
    aggregates: dict[str, Any] = {}
    for m in SUMMED:
        aggregates[f"n_{m}"] = Sum(m, filter=now_q, default=0)
        aggregates[f"b_{m}"] = Sum(m, filter=before_q, default=0)
    aggregates["volume"] = Sum("created", filter=Q(day__gte=volume_from), default=0)
    aggregates["volume_before"] = Sum(
        "created", filter=Q(day__gte=volume_before_from, day__lt=filters.start), default=0
    )
    row = (
        _rollups(filters)
        .filter(day__gte=min(before.start, volume_from, volume_before_from), day__lte=filters.end)
        .aggregate(**aggregates)
    )
    now = {m: int(row[f"n_{m}"]) for m in SUMMED}
    prev = {m: int(row[f"b_{m}"]) for m in SUMMED}
    return now, prev, (int(row["volume"]), int(row["volume_before"]))


def _backlog(filters: Filters) -> tuple[int, int]:
    """Open tickets at the end of the day before the period and at its end (one query)."""
    row = (
        _rollups(filters)
        .filter(day__lte=filters.end)
        .aggregate(
            at_start=Sum("open_delta", filter=Q(day__lt=filters.start), default=0),
            at_end=Sum("open_delta", default=0),
        )
    )
    return int(row["at_start"]), int(row["at_end"])


def kpi_of(
    goals: dict[str, pure.Target],
    key: str,
    value: float | None,
    before: float | None,
    metric: str = "",
) -> Kpi:
    target = goals.get(key)
    return Kpi(
        key=key,
        label=target.label if target else key,
        value=value,
        before=before,
        target=target,
        band=target.band(value) if target else pure.Band.NONE,
        metric=metric,
        unit=target.unit if target else "",
    )


def _kpis(
    *,
    now: dict[str, int],
    prev: dict[str, int],
    backlog: tuple[int, int],
    volume: tuple[int, int],
    csat: tuple[float | None, float | None],
    others: list[tuple[str, float | None, float | None]],
) -> list[Kpi]:
    goals = targets()

    def kpi(key: str, value: float | None, before: float | None, metric: str = "") -> Kpi:
        return kpi_of(goals, key, value, before, metric)

    def hours(counts: dict[str, int], seconds: str, count: str) -> float | None:
        value = pure.mean(counts[seconds], counts[count])
        return None if value is None else value / 3600

    at_start, at_end = backlog
    return [
        kpi("fcr", pure.fcr(now["fcr"], now["solved"]), pure.fcr(prev["fcr"], prev["solved"]),
            "fcr"),
        kpi("frt", hours(now, "first_response_seconds", "first_responses"),
            hours(prev, "first_response_seconds", "first_responses"), "first_responses"),
        kpi("within_sla", pure.share(now["solved_in_sla"], now["solved"]),
            pure.share(prev["solved_in_sla"], prev["solved"]), "solved_in_sla"),
        kpi("resolution", hours(now, "resolution_seconds", "solved"),
            hours(prev, "resolution_seconds", "solved"), "solved"),
        kpi("backlog", pure.backlog_share(at_end, volume[0]),
            pure.backlog_share(at_start, volume[1])),
        kpi("csat", *csat),
        *(kpi(key, value, before) for key, value, before in others),
    ]  # fmt: skip


def _csat(filters: Filters) -> tuple[float | None, float | None]:
    """CSAT of the satisfaction surveys sent in the period and in the one before (one query on
    the surveys, which carry the team, agent, channel, request type and organization they were
    sent for; a level filter leaves CSAT unmeasured)."""
    if filters.level is not None:
        return None, None
    now_q, before_q, both = _periods(filters, "sent_at")
    given = {f"{d}_id" if d != "channel" else d: v for d, v in _given(filters).items()}
    if filters.plan is not None:
        given["organization_id__in"] = _on_plan(filters.plan)
    answered = Q(score__isnull=False)
    happy = Q(score__gte=feedback_pure.SATISFIED_FROM)
    row = Survey.objects.filter(both, kind=SurveyKind.CSAT, **given).aggregate(
        n_answered=Count("id", filter=now_q & answered),
        n_happy=Count("id", filter=now_q & happy),
        b_answered=Count("id", filter=before_q & answered),
        b_happy=Count("id", filter=before_q & happy),
    )
    return (
        pure.csat(row["n_happy"], row["n_answered"]),
        pure.csat(row["b_happy"], row["b_answered"]),
    )


def _periods(filters: Filters, column: str) -> tuple[Q, Q, Q]:
    """Conditions on `column` for the period, the one before, and both."""
    before = filters.previous()
    now_q = Q(
        **{f"{column}__gte": midnight(filters.start), f"{column}__lt": midnight(filters.end, 1)}
    )
    before_q = Q(
        **{f"{column}__gte": midnight(before.start), f"{column}__lt": midnight(filters.start)}
    )
    return now_q, before_q, now_q | before_q


def _minutes(span: Any) -> float | None:
    if span is None:
        return None
    seconds = span.total_seconds() if isinstance(span, timedelta) else float(span)
    return seconds / 60


def _calls_and_pages(filters: Filters) -> list[tuple[str, float | None, float | None]]:
    """Average handle time of answered calls (the whole desk's: a call knows no team or agent)
    and time to acknowledge a page (the desk's, or one team's), for the period and the one
    before; none when other filters are set (one query each)."""
    given = _given(filters)
    out: list[tuple[str, float | None, float | None]] = []
    if filters.plan is not None:
        return out
    if not given:
        now_q, before_q, both = _periods(filters, "created_at")
        handled = Q(handle_seconds__isnull=False)
        row = Call.objects.filter(both, handled).aggregate(
            now=Avg("handle_seconds", filter=now_q), before=Avg("handle_seconds", filter=before_q)
        )
        out.append(("aht", _minutes(row["now"]), _minutes(row["before"])))
    if set(given) <= {"team"}:
        now_q, before_q, both = _periods(filters, "created_at")
        pages = Page.objects.filter(both, acknowledged_at__isnull=False)
        if given:
            pages = pages.filter(team_id=given["team"])
        wait = F("acknowledged_at") - F("created_at")
        row = pages.aggregate(now=Avg(wait, filter=now_q), before=Avg(wait, filter=before_q))
        out.append(("mtta", _minutes(row["now"]), _minutes(row["before"])))
    return out


def _nps_and_churn(filters: Filters) -> list[tuple[str, float | None, float | None]]:
    """NPS of the quarter holding the period's end (and the quarter before), and plan churn over
    the 12 months to the period's end (and the 12 before): the desk's or one organization's,
    one query each; none under other filters."""
    given = _given(filters)
    if filters.plan is not None or not set(given) <= {"organization"}:
        return []
    org = given.get("organization")
    quarter = feedback_pure.quarter_of(midnight(filters.end))
    earlier = feedback_pure.quarter_of(feedback_pure.quarter_start(quarter) - timedelta(days=1))
    surveys = Survey.objects.filter(
        kind=SurveyKind.NPS, state=SurveyState.SENT, quarter__in=[quarter, earlier]
    )
    if org is not None:
        surveys = surveys.filter(organization_id=org)
    counted: dict[str, Any] = {}
    for name, q in (("n", quarter), ("b", earlier)):
        counted[f"{name}_pro"] = Count(
            "id", filter=Q(quarter=q, score__gte=feedback_pure.PROMOTER_FROM)
        )
        counted[f"{name}_det"] = Count(
            "id", filter=Q(quarter=q, score__lte=feedback_pure.DETRACTOR_TO)
        )
        counted[f"{name}_all"] = Count("id", filter=Q(quarter=q, score__isnull=False))
    row = surveys.aggregate(**counted)

    def nps(name: str) -> float | None:
        passives = row[f"{name}_all"] - row[f"{name}_pro"] - row[f"{name}_det"]
        return pure.nps(row[f"{name}_pro"], passives, row[f"{name}_det"])

    contracts = (
        Contract.objects.all() if org is None else Contract.objects.filter(organization_id=org)
    )
    churn: dict[str, Any] = {}
    for name, last in (("n", filters.end), ("b", filters.end - timedelta(days=365))):
        first = last - timedelta(days=364)
        held = Q(starts_on__lte=first, ends_on__gte=first) & (
            Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=first)
        )
        lost = held & (
            Q(status=ContractStatus.LAPSED, ends_on__lt=last)
            | Q(status=ContractStatus.CANCELLED, cancelled_on__lte=last)
        )
        churn[f"{name}_held"] = Count("id", filter=held)
        churn[f"{name}_lost"] = Count("id", filter=lost)
    kept = contracts.aggregate(**churn)
    return [
        ("nps", nps("n"), nps("b")),
        (
            "churn",
            pure.churn(kept["n_lost"], kept["n_held"]),
            pure.churn(kept["b_lost"], kept["b_held"]),
        ),
    ]


def midnight(day: date, plus_days: int = 0) -> datetime:
    """The start of `day` (plus some days) in the desk's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=plus_days), time()))


def dashboard(filters: Filters, *, by: str | None = None, top: bool = False) -> Dashboard:
    """The figures of one dashboard: totals with the previous period's, KPIs with their bands,
    the days, the backlog, and optionally a breakdown and the top organizations by volume."""
    now, prev, volume = _sums(filters)
    backlog = _backlog(filters)
    board = Dashboard(
        filters=filters,
        totals=now,
        before=prev,
        kpis=_kpis(
            now=now,
            prev=prev,
            backlog=backlog,
            volume=volume,
            csat=_csat(filters),
            others=[*_calls_and_pages(filters), *_nps_and_churn(filters)],
        ),
        days=_days(filters, backlog[0]),
        backlog_start=backlog[0],
        backlog_end=backlog[1],
    )
    if by in BY:
        board.breakdown = breakdown(filters, by)
    if top:
        board.top_organizations = top_organizations(filters)
        if not _given(filters) and filters.plan is None:
            board.top_articles = top_articles(filters)
    return board


def _days(filters: Filters, open_at_start: int) -> list[dict[str, Any]]:
    """Every day of the period (days without a row count zeros) with the backlog at its end."""
    rows: dict[date, dict[str, Any]] = {
        r["day"]: dict(r)
        for r in _rollups(filters)
        .filter(day__gte=filters.start, day__lte=filters.end)
        .values("day")
        .annotate(
            **{m: Sum(m) for m in ("created", "solved", "escalations", "open_delta", "reopened")}
        )
    }
    out = []
    backlog = open_at_start
    day = filters.start
    while day <= filters.end:
        r = rows.get(day, {})
        backlog += r.get("open_delta", 0) or 0
        out.append({
            "day": day,
            "created": r.get("created", 0) or 0,
            "solved": r.get("solved", 0) or 0,
            "escalations": r.get("escalations", 0) or 0,
            "reopened": r.get("reopened", 0) or 0,
            "backlog": backlog,
        })  # fmt: skip
        day += timedelta(days=1)
    return out


@dataclass
class Weekly:
    """A figure per week for the few largest values of a dimension (the rest summed as
    "Others"): the recurring request types, say, week after week."""

    weeks: list[date]  # each week's Monday; the first and last weeks may be partial
    series: list[tuple[str, list[int]]]  # (label, one count per week), largest first


def weekly(
    filters: Filters, *, by: str = "category", metric: str = "created", top: int = 5
) -> Weekly:
    """`metric` per week and value of `by` over the period (one query on the rollups, and one
    for the names)."""
    source, column = _grouped(filters, by)
    rows = (
        source.filter(day__gte=filters.start, day__lte=filters.end)
        .values(column, "day")
        .annotate(n=Sum(metric))
        .filter(n__gt=0)
        .order_by()
    )
    first = pure.week_of(filters.start)
    weeks = [first + timedelta(days=7 * i) for i in range((filters.end - first).days // 7 + 1)]
    counts: dict[Any, list[int]] = {}
    for r in rows:
        per_week = counts.setdefault(_key(by, r[column]), [0] * len(weeks))
        per_week[(r["day"] - first).days // 7] += int(r["n"])
    names = names_of(by, counts)  # ties are ordered by name
    ranked = sorted(counts, key=lambda k: (-sum(counts[k]), names.get(k, ""), str(k)))
    series = [
        (names.get(k, "None") if k not in (0, "") else "None", counts[k]) for k in ranked[:top]
    ]
    if len(ranked) > top:
        rest = [sum(counts[k][i] for k in ranked[top:]) for i in range(len(weeks))]
        series.append(("Others", rest))
    return Weekly(weeks=weeks, series=series)


def breakdown(filters: Filters, by: str) -> list[dict[str, Any]]:
    """The period's figures per team, agent, channel, request type, organization or level."""
    source, column = _grouped(filters, by)
    rows = list(
        source.filter(day__gte=filters.start, day__lte=filters.end)
        .values(column)
        .annotate(**{m: Sum(m) for m in SUMMED})
        .order_by(column)
    )
    for r in rows:
        r["key"] = _key(by, r[column])
    names = names_of(by, [r["key"] for r in rows])
    out = []
    for r in rows:
        if not any(r[m] for m in SUMMED if m != "open_delta"):
            continue
        out.append({
            "key": r["key"],
            "label": names.get(r["key"], "None") if r["key"] not in (0, "") else "None",
            **{m: r[m] for m in SUMMED},
            "fcr_rate": pure.fcr(r["fcr"], r["solved"]),
            "within_sla": pure.share(r["solved_in_sla"], r["solved"]),
            "frt_hours": _h(pure.mean(r["first_response_seconds"], r["first_responses"])),
        })  # fmt: skip
    out.sort(key=lambda r: (-r["created"], str(r["label"])))
    return out


def top_organizations(filters: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """The customers with the most tickets opened in the period (the quarterly advisory
    forum's top ten)."""
    source, column = _grouped(filters, "organization")
    rows = list(
        source.filter(day__gte=filters.start, day__lte=filters.end)
        .exclude(**{column: "0" if column == "value" else 0})
        .values(column)
        .annotate(created=Sum("created"), solved=Sum("solved"), escalations=Sum("escalations"))
        .filter(created__gt=0)
        .order_by("-created", column)[:limit]
    )
    for r in rows:
        r["organization"] = _key("organization", r.pop(column))
    names = names_of("organization", [r["organization"] for r in rows])
    return [{**r, "label": names.get(r["organization"], "Deleted")} for r in rows]


def top_articles(filters: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """The knowledge-base articles viewed most in the period, with the deflections they made
    (the articles' daily counters: one query; the whole desk's)."""
    rows = (
        ArticleDay.objects.filter(day__gte=filters.start, day__lte=filters.end)
        .values("article_id", "article__title")
        .annotate(views=Sum("views"), deflections=Sum("deflections"))
        .filter(views__gt=0)
        .order_by("-views", "article_id")[:limit]
    )
    return [
        {"id": r["article_id"], "title": r["article__title"], "views": r["views"],
         "deflections": r["deflections"]}
        for r in rows
    ]  # fmt: skip


def _h(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def names_of(by: str, keys: Iterable[Any]) -> dict[Any, str]:
    """What to call each key of a dimension (one query, none for channels and levels)."""
    ids = [k for k in keys if k not in (0, "", None)]
    if by == "channel":
        return dict(Channel.choices)
    if by == "level":
        return {int(v): str(label) for v, label in Priority.choices}
    model: Any = {
        "team": Team,
        "agent": User,
        "category": RequestType,
        "organization": Organization,
    }[by]
    if not ids:
        return {}
    return {o.pk: str(o) for o in model.objects.filter(pk__in=ids)}


# -- the tickets behind a figure ------------------------------------------------------------

PAGE = 50


@dataclass
class Behind:
    tickets: list[Ticket]
    hidden: int  # counted tickets the viewer may not see
    more: bool


def tickets_behind(*, user: User, filters: Filters, metric: str, page: int = 1) -> Behind:
    """The tickets a figure counted, newest first, as far as `user` may see them (three queries:
    the counted ids, the visible ones among them, and their rows)."""
    if metric not in fold.LISTED:
        raise ValueError(metric)
    start = (page - 1) * PAGE
    ids = list(
        Contribution.objects.filter(
            filters.q(), metric=metric, day__gte=filters.start, day__lte=filters.end
        )
        .order_by("-day", "-ticket_id")
        .values_list("ticket_id", flat=True)[start : start + PAGE + 1]
    )
    more = len(ids) > PAGE
    ids = ids[:PAGE]
    visible = tickets_visible(user).filter(pk__in=ids)
    rows = visible.select_related("team", "assignee", "organization", "requester").in_bulk()
    shown = [rows[i] for i in dict.fromkeys(ids) if i in rows]
    return Behind(tickets=shown, hidden=len(set(ids)) - len(shown), more=more)
