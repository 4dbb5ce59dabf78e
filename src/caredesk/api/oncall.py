"""On-call endpoints: schedules (who is on call now and next), overrides, pages and their
acknowledgement. Staff holding the on-call permissions of their role only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from caredesk.accounts.models import User
from caredesk.accounts.scopes import ONCALL
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import IsoDatetime
from caredesk.core import clock
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.oncall import selectors, services
from caredesk.oncall.models import Override, Page, Schedule

router = Router(tags=["oncall"])


class PersonOut(Schema):
    id: int
    name: str


class ScheduleOut(Schema):
    id: int
    name: str
    team: str
    timezone: str


class NowOut(Schema):
    schedule: ScheduleOut
    at: datetime
    on_call: PersonOut | None
    next: PersonOut | None
    next_from: datetime | None


class OverrideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user_id: int
    start: IsoDatetime
    end: IsoDatetime
    reason: Annotated[str, StringConstraints(max_length=300)] = ""


class OverrideOut(Schema):
    id: int
    schedule_id: int
    user: PersonOut
    start: datetime
    end: datetime
    reason: str


class PageOut(Schema):
    id: int
    code: str
    team: str
    ticket_id: int | None
    text: str
    state: str
    created_at: datetime
    first_sent_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: PersonOut | None
    acknowledged_via: str
    seconds_to_send: float | None
    seconds_to_ack: float | None


class PageQuery(Schema):
    state: Literal["triggered", "acknowledged", "resolved", "exhausted"] | None = None


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require(request: HttpRequest, perm: str) -> User:
    user = _user(request)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this on-call operation.")
    return user


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.name} if user else None


def _schedule_out(s: Schedule) -> dict[str, Any]:
    return {"id": s.pk, "name": s.name, "team": s.team.name, "timezone": s.timezone}


def _schedule(pk: int) -> Schedule:
    schedule = selectors.schedule_list().filter(pk=pk).first()
    if schedule is None:
        raise NotFound("No such schedule.")
    return schedule


def _page_out(p: Page) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "team": p.team.name,
        "ticket_id": p.ticket_id,
        "text": p.text,
        "state": p.state,
        "created_at": p.created_at,
        "first_sent_at": p.first_sent_at,
        "acknowledged_at": p.acknowledged_at,
        "acknowledged_by": _person(p.acknowledged_by),
        "acknowledged_via": p.acknowledged_via,
        "seconds_to_send": p.seconds_to_send,
        "seconds_to_ack": p.seconds_to_ack,
    }


@router.get(
    "/oncall/schedules",
    auth=needs_scope(ONCALL),
    response=list[ScheduleOut],
    summary="List on-call schedules",
    openapi_extra=documented(401, 403),
)
def schedule_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request, "oncall.view_schedule")
    return [_schedule_out(s) for s in selectors.schedule_list()]


@router.get(
    "/oncall/schedules/{int:schedule_id}/now",
    auth=needs_scope(ONCALL),
    response=NowOut,
    summary="Who is on call now, who is next and from when",
    openapi_extra=documented(401, 403, 404, 422),
)
def schedule_now(request: HttpRequest, schedule_id: int) -> dict[str, Any]:
    _require(request, "oncall.view_schedule")
    schedule = _schedule(schedule_id)
    found = selectors.on_call(schedule)
    return {
        "schedule": _schedule_out(schedule),
        "at": clock.now(),
        "on_call": _person(found.now),
        "next": _person(found.next),
        "next_from": found.next_from,
    }


@router.post(
    "/oncall/schedules/{int:schedule_id}/overrides",
    auth=needs_scope(ONCALL),
    response={201: OverrideOut},
    summary="Put someone on call for a while (an override)",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def override_create(
    request: HttpRequest, schedule_id: int, payload: OverrideIn
) -> Status[dict[str, Any]]:
    actor = _require(request, "oncall.add_override")
    schedule = _schedule(schedule_id)
    user = User.objects.filter(pk=payload.user_id).first()
    if user is None:
        raise ValidationFailed("Unknown person.", errors={"user_id": ["Not found."]})
    for name in ("start", "end"):
        if getattr(payload, name).tzinfo is None:
            raise ValidationFailed(
                "Give times with their offset.", errors={name: ["Add a UTC offset or Z."]}
            )
    o = services.override_add(
        schedule=schedule,
        user=user,
        start=payload.start,
        end=payload.end,
        reason=payload.reason,
        actor=actor,
    )
    out = {"id": o.pk, "schedule_id": schedule.pk, "user": _person(user)}
    return Status(201, {**out, "start": o.start, "end": o.end, "reason": o.reason})


@router.delete(
    "/oncall/overrides/{int:override_id}",
    auth=needs_scope(ONCALL),
    response={204: None},
    summary="Remove an override",
    openapi_extra=documented(401, 403, 404, 422),
)
def override_remove(request: HttpRequest, override_id: int) -> Status[None]:
    actor = _require(request, "oncall.delete_override")
    override = Override.objects.filter(pk=override_id).first()
    if override is None:
        raise NotFound("No such override.")
    services.override_delete(override=override, actor=actor)
    return Status(204, None)


@router.get(
    "/oncall/pages",
    auth=needs_scope(ONCALL),
    response=list[PageOut],
    summary="Recent pages, newest first, with time to first SMS or call and to acknowledge",
    openapi_extra=documented(401, 403, 422),
)
def page_list(request: HttpRequest, filters: Query[PageQuery]) -> list[dict[str, Any]]:
    _require(request, "oncall.view_page")
    return [_page_out(p) for p in selectors.page_list(state=filters.state or "")]


@router.post(
    "/oncall/pages/{int:page_id}/ack",
    auth=needs_scope(ONCALL),
    response=PageOut,
    summary="Acknowledge a page (stops its escalation)",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def page_ack(request: HttpRequest, page_id: int) -> dict[str, Any]:
    user = _user(request)
    page = Page.objects.filter(pk=page_id).first()
    if page is None or not (user.has_perm("oncall.view_page") or _was_paged(page, user)):
        raise NotFound("No such page.")
    if not services.may_acknowledge(page, user):
        raise PermissionDenied("Only the people paged and on-call staff acknowledge pages.")
    page = services.page_acknowledge(page=page, user=user, via="api")
    return _page_out(Page.objects.select_related("team", "acknowledged_by").get(pk=page.pk))


def _was_paged(page: Page, user: User) -> bool:
    return page.notifications.filter(user=user).exists()
