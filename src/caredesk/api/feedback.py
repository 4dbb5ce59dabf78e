"""Customer feedback results: CSAT and response rate per dimension over a period, NPS per
organization for a quarter and by quarter. People who see everyone's feedback get every row;
an agent gets their own answers only (grouped by agent, whatever was asked)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, StringConstraints, model_validator

from caredesk.accounts.models import User
from caredesk.accounts.scopes import TICKETS_READ
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import IsoDate
from caredesk.core import clock
from caredesk.core.errors import PermissionDenied
from caredesk.feedback import pure, selectors
from caredesk.feedback.selectors import NpsRow, Row

router = Router(tags=["feedback"])

Dimension = Literal["agent", "team", "category", "channel", "mailbox", "organization"]


class CsatQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    by: Dimension = "agent"
    start: IsoDate | None = None
    end: IsoDate | None = None

    @model_validator(mode="after")
    def _period(self) -> CsatQuery:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end comes before start")
        if self.start and self.end and (self.end - self.start).days > 731:
            raise ValueError("choose a period of two years at most")
        return self


class CsatRowOut(Schema):
    key: int | str | None
    label: str
    sent: int
    answered: int
    satisfied: int
    csat: float | None
    response_rate: float | None


class CsatOut(Schema):
    by: str
    start: date
    end: date
    rows: list[CsatRowOut]
    total: CsatRowOut


class NpsQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    quarter: Annotated[str, StringConstraints(pattern=r"^\d{4}-Q[1-4]$")] | None = None


class NpsRowOut(Schema):
    key: int | str | None
    label: str
    sent: int
    answered: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None


class NpsOut(Schema):
    quarter: str
    organizations: list[NpsRowOut]
    total: NpsRowOut
    trend: list[NpsRowOut]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm("feedback.view_survey"):
        raise PermissionDenied("Your role does not see customer feedback.")
    return user


def _row(r: Row) -> dict[str, Any]:
    return {
        "key": r.key,
        "label": r.label,
        "sent": r.sent,
        "answered": r.answered,
        "satisfied": r.satisfied,
        "csat": r.csat,
        "response_rate": r.response_rate,
    }


def _nps_row(r: NpsRow) -> dict[str, Any]:
    return {
        "key": r.key,
        "label": r.label,
        "sent": r.sent,
        "answered": r.answered,
        "promoters": r.promoters,
        "passives": r.passives,
        "detractors": r.detractors,
        "nps": r.score,
    }


@router.get(
    "/feedback/csat",
    auth=needs_scope(TICKETS_READ),
    response=CsatOut,
    summary="Satisfaction (CSAT) results per dimension over a period",
    openapi_extra=documented(401, 403, 422),
)
def csat_results(request: HttpRequest, query: Query[CsatQuery]) -> dict[str, Any]:
    user = _user(request)
    sees_all = user.has_perm("feedback.view_all_feedback")
    end = query.end or clock.now().date()
    start = query.start or end - timedelta(days=30)
    by = query.by if sees_all else "agent"
    since, until = selectors.period(start, end)
    agent = None if sees_all else user
    rows, total = selectors.csat_results(dimension=by, start=since, end=until, agent=agent)
    return {
        "by": by,
        "start": start,
        "end": end,
        "rows": [_row(r) for r in rows],
        "total": _row(total),
    }


@router.get(
    "/feedback/nps",
    auth=needs_scope(TICKETS_READ),
    response=NpsOut,
    summary="Recommendation (NPS) per organization for a quarter, and by quarter",
    openapi_extra=documented(401, 403, 422),
)
def nps_results(request: HttpRequest, query: Query[NpsQuery]) -> dict[str, Any]:
    user = _user(request)
    if not user.has_perm("feedback.view_all_feedback"):
        raise PermissionDenied("Your role sees its own satisfaction results only.")
    quarter = query.quarter or pure.quarter_of(clock.now())
    rows, total = selectors.nps_by_organization(quarter=quarter)
    return {
        "quarter": quarter,
        "organizations": [_nps_row(r) for r in rows],
        "total": _nps_row(total),
        "trend": [_nps_row(r) for r in selectors.nps_trend()],
    }
