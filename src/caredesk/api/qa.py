"""Quality endpoints: a reviewer's queue and review submission, the reviews of one's own work
(leads: anyone's) and the weekly report. Every operation asks the caller's role too."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from caredesk.accounts.models import User
from caredesk.accounts.scopes import QUALITY
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.core import clock
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.qa import pure, selectors, services
from caredesk.qa.models import Review, SampleItem

router = Router(tags=["quality"])
MarkIn = Literal["met", "partly", "missed", "na"]


class SampleOut(Schema):
    id: int
    week: str
    ticket_id: int
    agent_id: int
    reason: str


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    marks: dict[int, MarkIn]
    comment: Annotated[str, StringConstraints(max_length=4000)] = ""


class ReviewOut(Schema):
    id: int
    ticket_id: int
    agent_id: int | None
    week: str
    rubric_version: int
    score: Decimal
    auto_failed: bool
    adherence: Decimal | None
    comment: str
    status: str
    submitted_at: datetime


class ReviewQuery(Schema):
    agent_id: int | None = None


class ReportQuery(Schema):
    week: Annotated[str, StringConstraints(pattern=r"^\d{4}-W\d{2}$")] | None = None
    weeks: int = 8


class CellOut(Schema):
    week: str
    interactions: int
    sampled: int
    reviewed: int
    score: Decimal | None
    adherence: Decimal | None


class LineOut(Schema):
    name: str
    weeks: list[CellOut]


class ReportOut(Schema):
    agents: list[LineOut]
    teams: list[LineOut]


def _require(request: HttpRequest, perm: str) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this quality operation.")
    return user


def _review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "ticket_id": r.ticket_id,
        "agent_id": r.agent_id,
        "week": r.week,
        "rubric_version": r.rubric.version,
        "score": r.score,
        "auto_failed": r.auto_failed,
        "adherence": r.adherence,
        "comment": r.comment,
        "status": r.status,
        "submitted_at": r.submitted_at,
    }


@router.get(
    "/qa/queue",
    auth=needs_scope(QUALITY),
    response=list[SampleOut],
    summary="The sampled interactions waiting for my review",
    openapi_extra=documented(401, 403),
)
def queue(request: HttpRequest) -> list[dict[str, Any]]:
    user = _require(request, services.REVIEW_PERM)
    return [
        {
            "id": i.pk,
            "week": i.week,
            "ticket_id": i.ticket_id,
            "agent_id": i.agent_id,
            "reason": i.reason,
        }
        for i in selectors.queue_for(user)
    ]


@router.post(
    "/qa/samples/{int:sample_id}/review",
    auth=needs_scope(QUALITY),
    response={201: ReviewOut},
    summary="Score a sampled interaction with the published rubric",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def review_submit(
    request: HttpRequest, sample_id: int, payload: ReviewIn
) -> Status[dict[str, Any]]:
    user = _require(request, services.REVIEW_PERM)
    item = SampleItem.objects.filter(pk=sample_id).first()
    if item is None or not services.may_review(item, user):
        raise NotFound("No such sampled interaction in your queue.")
    review = services.review_submit(
        item=item, reviewer=user, marks=dict(payload.marks), comment=payload.comment
    )
    return Status(201, _review_out(review))


@router.get(
    "/qa/reviews",
    auth=needs_scope(QUALITY),
    response=list[ReviewOut],
    summary="Reviews of my work (leads: of the agent named)",
    openapi_extra=documented(401, 403, 422),
)
def review_list(request: HttpRequest, q: Query[ReviewQuery]) -> list[dict[str, Any]]:
    user = _require(request, "qa.receive_review")
    agent = user
    if q.agent_id is not None and q.agent_id != user.pk:
        _require(request, services.LEAD_PERM)
        found = User.objects.filter(pk=q.agent_id).first()
        if found is None:
            raise ValidationFailed("Unknown agent.", errors={"agent_id": ["Not found."]})
        agent = found
    return [_review_out(r) for r in selectors.reviews_of(agent)]


@router.get(
    "/qa/reports",
    auth=needs_scope(QUALITY),
    response=ReportOut,
    summary="Rubric score, script adherence and sample coverage per agent and team, by week",
    openapi_extra=documented(401, 403, 422),
)
def report(request: HttpRequest, q: Query[ReportQuery]) -> dict[str, Any]:
    _require(request, "qa.view_qa_report")
    if not 1 <= q.weeks <= 52:
        raise ValidationFailed("Ask for 1 to 52 weeks.", errors={"weeks": ["Between 1 and 52."]})
    try:
        weeks = selectors.weeks_back(q.week or pure.week_of(clock.now()), q.weeks)
    except ValueError as exc:
        raise ValidationFailed(str(exc), errors={"week": [str(exc)]}) from exc
    agents, teams = selectors.report(weeks)

    def lines(found: list[selectors.Line]) -> list[dict[str, Any]]:
        return [
            {
                "name": line.name,
                "weeks": [{"week": w, **vars(c)} for w, c in zip(weeks, line.cells, strict=True)],
            }
            for line in found
        ]

    return {"agents": lines(agents), "teams": lines(teams)}
