"""Service-level endpoints: policies, calendars and achievement; writes need admin rights."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, StringConstraints

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import Organization, User
from caredesk.accounts.scopes import ADMIN, TICKETS_READ
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import IsoDatetime
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.sla import selectors as sla_selectors
from caredesk.sla import services as sla_services
from caredesk.sla.models import Calendar, SlaPolicy
from caredesk.tickets.models import RequestType

router = Router(tags=["sla"])

MetricName = Literal["first_response", "next_response", "resolution"]
HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class TargetIO(Strict):
    priority: Annotated[int, Field(ge=1, le=4)]
    metric: MetricName
    minutes: Annotated[int, Field(ge=1, le=60 * 24 * 365)]
    calendar: int


class PolicyOut(Schema):
    id: int
    name: str
    position: int
    active: bool
    description: str
    plans: list[str]
    channels: list[str]
    priorities: list[int]
    organizations: list[int]
    categories: list[int]
    pause_statuses: list[str]
    warn_at: list[float]
    clinical_calendar: int | None
    targets: list[TargetIO]


class PolicyIn(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    position: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    active: bool = True
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    plans: list[Literal["basic", "standard", "premium", "warranty"]] = []
    channels: list[Literal["portal", "email", "chat", "phone", "api", "video"]] = []
    priorities: list[Annotated[int, Field(ge=1, le=4)]] = []
    organizations: list[int] = []
    categories: list[int] = []
    pause_statuses: list[Literal["new", "open", "pending", "on_hold"]] = ["pending", "on_hold"]
    warn_at: list[Annotated[float, Field(gt=0, lt=1)]] = [0.75, 0.9]
    clinical_calendar: int | None = Field(
        default=None,
        description="Calendar for tickets the safety screen flags; omitted: the first 24/7 "
        "calendar; null: the targets' own calendars.",
    )
    targets: Annotated[list[TargetIO], Field(max_length=12)] = []


class PolicyPatch(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    position: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    active: bool | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    plans: list[Literal["basic", "standard", "premium", "warranty"]] | None = None
    channels: list[Literal["portal", "email", "chat", "phone", "api", "video"]] | None = None
    priorities: list[Annotated[int, Field(ge=1, le=4)]] | None = None
    organizations: list[int] | None = None
    categories: list[int] | None = None
    pause_statuses: list[Literal["new", "open", "pending", "on_hold"]] | None = None
    warn_at: list[Annotated[float, Field(gt=0, lt=1)]] | None = None
    clinical_calendar: int | None = None
    targets: Annotated[list[TargetIO], Field(max_length=12)] | None = None


class CalendarIO(Schema):
    id: int
    name: str
    timezone: str
    weekly_hours: dict[str, list[list[str]]]
    holidays: list[str]
    holiday_country: str
    holiday_subdivision: str
    always_open: bool


class CalendarIn(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"
    weekly_hours: dict[Literal["0", "1", "2", "3", "4", "5", "6"], list[tuple[HHMM, HHMM]]] = {}
    holidays: list[Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]] = []
    holiday_country: Annotated[str, StringConstraints(max_length=8)] = ""
    holiday_subdivision: Annotated[str, StringConstraints(max_length=16)] = ""
    always_open: bool = False


class AchievementQuery(Schema):
    start: IsoDatetime
    end: IsoDatetime


class AchievementOut(Schema):
    priority: int
    metric: str
    total: int
    met: int
    percent: float | None


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require(request: HttpRequest, perm: str | None) -> None:
    user = _user(request)
    if not (works_tickets(user) or user.has_perm("sla.view_slapolicy")):
        raise PermissionDenied("Only staff can see service-level settings.")
    if perm and not user.has_perm(perm):
        raise PermissionDenied("You may not change service-level settings.")


def _policy_out(p: SlaPolicy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "position": p.position,
        "active": p.active,
        "description": p.description,
        "plans": p.plans,
        "channels": p.channels,
        "priorities": p.priorities,
        "organizations": [o.pk for o in p.organizations.all()],
        "categories": [c.pk for c in p.categories.all()],
        "pause_statuses": p.pause_statuses,
        "warn_at": p.warn_at,
        "clinical_calendar": p.clinical_calendar_id,
        "targets": [
            {
                "priority": t.priority,
                "metric": t.metric,
                "minutes": t.minutes,
                "calendar": t.calendar_id,
            }
            for t in p.targets.all()
        ],
    }


def _calendar_out(c: Calendar) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "timezone": c.timezone,
        "weekly_hours": c.weekly_hours,
        "holidays": c.holidays,
        "holiday_country": c.holiday_country,
        "holiday_subdivision": c.holiday_subdivision,
        "always_open": c.always_open,
    }


def _policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.prefetch_related("organizations", "categories", "targets")


def _ids(model: Any, ids: list[int] | None, field: str) -> list[Any] | None:
    if ids is None:
        return None
    found = list(model.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationFailed(
            "A referenced record does not exist.", errors={field: ["Not found."]}
        )
    return found


def _targets(items: list[TargetIO] | None) -> list[sla_services.TargetSpec] | None:
    if items is None:
        return None
    calendars = {c.pk: c for c in Calendar.objects.filter(pk__in=[t.calendar for t in items])}
    out = []
    for i, t in enumerate(items):
        if t.calendar not in calendars:
            raise ValidationFailed(
                "Unknown calendar.", errors={f"targets.{i}.calendar": ["Not found."]}
            )
        out.append(sla_services.TargetSpec(t.priority, t.metric, t.minutes, calendars[t.calendar]))
    return out


def _apply(policy: SlaPolicy, data: dict[str, Any]) -> SlaPolicy:
    simple = (
        "name",
        "position",
        "active",
        "description",
        "plans",
        "channels",
        "priorities",
        "pause_statuses",
        "warn_at",
    )
    for key in simple:
        if key in data:
            setattr(policy, key, data[key])
    if SlaPolicy.objects.filter(name=policy.name).exclude(pk=policy.pk).exists():
        raise ValidationFailed("That name is taken.", errors={"name": ["Already in use."]})
    if "clinical_calendar" in data:
        wanted = data["clinical_calendar"]
        policy.clinical_calendar = None
        if wanted is not None:
            policy.clinical_calendar = Calendar.objects.filter(pk=wanted).first()
            if policy.clinical_calendar is None:
                raise ValidationFailed(
                    "Unknown calendar.", errors={"clinical_calendar": ["Not found."]}
                )
    return sla_services.policy_save(
        policy=policy,
        targets=_targets(
            [TargetIO(**t) for t in data["targets"]] if data.get("targets") is not None else None
        ),
        organizations=_ids(Organization, data.get("organizations"), "organizations"),
        categories=_ids(RequestType, data.get("categories"), "categories"),
    )


@router.get(
    "/sla/policies",
    auth=needs_scope(TICKETS_READ),
    response=list[PolicyOut],
    summary="List SLA policies in order",
    openapi_extra=documented(401, 403),
)
def policy_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request, None)
    return [_policy_out(p) for p in _policies().order_by("position", "id")]


@router.post(
    "/sla/policies",
    auth=needs_scope(ADMIN),
    response={201: PolicyOut},
    summary="Create an SLA policy",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def policy_create(request: HttpRequest, payload: PolicyIn) -> Status[dict[str, Any]]:
    _require(request, "sla.add_slapolicy")
    data = payload.model_dump()
    if "clinical_calendar" not in payload.model_fields_set:
        data["clinical_calendar"] = sla_services.around_the_clock_id()
    policy = _apply(SlaPolicy(), data)
    return Status(201, _policy_out(_policies().get(pk=policy.pk)))


def _policy(pk: int) -> SlaPolicy:
    policy = _policies().filter(pk=pk).first()
    if policy is None:
        raise NotFound("No such policy.")
    return policy


@router.get(
    "/sla/policies/{int:policy_id}",
    auth=needs_scope(TICKETS_READ),
    response=PolicyOut,
    summary="Get an SLA policy",
    openapi_extra=documented(401, 403, 404, 422),
)
def policy_get(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    _require(request, None)
    return _policy_out(_policy(policy_id))


@router.patch(
    "/sla/policies/{int:policy_id}",
    auth=needs_scope(ADMIN),
    response=PolicyOut,
    summary="Change an SLA policy",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def policy_update(request: HttpRequest, policy_id: int, payload: PolicyPatch) -> dict[str, Any]:
    _require(request, "sla.change_slapolicy")
    data = payload.model_dump(exclude_unset=True)
    for key, value in data.items():
        if value is None and key != "clinical_calendar":
            raise ValidationFailed("A value is required.", errors={key: ["Cannot be null."]})
    policy = _apply(_policy(policy_id), data)
    return _policy_out(_policies().get(pk=policy.pk))


@router.delete(
    "/sla/policies/{int:policy_id}",
    auth=needs_scope(ADMIN),
    response={204: None},
    summary="Delete an SLA policy",
    openapi_extra=documented(401, 403, 404, 422),
)
def policy_remove(request: HttpRequest, policy_id: int) -> Status[None]:
    _require(request, "sla.delete_slapolicy")
    sla_services.policy_delete(policy=_policy(policy_id))
    return Status(204, None)


@router.get(
    "/sla/calendars",
    auth=needs_scope(TICKETS_READ),
    response=list[CalendarIO],
    summary="List business calendars",
    openapi_extra=documented(401, 403),
)
def calendar_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request, None)
    return [_calendar_out(c) for c in Calendar.objects.order_by("name")]


@router.post(
    "/sla/calendars",
    auth=needs_scope(ADMIN),
    response={201: CalendarIO},
    summary="Create a business calendar",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def calendar_create(request: HttpRequest, payload: CalendarIn) -> Status[dict[str, Any]]:
    _require(request, "sla.add_calendar")
    if Calendar.objects.filter(name=payload.name).exists():
        raise ValidationFailed("That name is taken.", errors={"name": ["Already in use."]})
    data = payload.model_dump()
    data["weekly_hours"] = {d: [list(iv) for iv in ivs] for d, ivs in data["weekly_hours"].items()}
    calendar = sla_services.calendar_save(calendar=Calendar(**data))
    return Status(201, _calendar_out(calendar))


@router.get(
    "/sla/achievement",
    auth=needs_scope(TICKETS_READ),
    response=list[AchievementOut],
    summary="Share of SLA targets met",
    openapi_extra=documented(401, 403, 422),
)
def achievement(request: HttpRequest, query: Query[AchievementQuery]) -> list[dict[str, Any]]:
    _require(request, None)
    start, end = _utc(query.start, "start"), _utc(query.end, "end")
    return [
        {
            "priority": a.priority,
            "metric": a.metric,
            "total": a.total,
            "met": a.met,
            "percent": a.percent,
        }
        for a in sla_selectors.achievement(start, end)
    ]


def _utc(value: datetime, field: str) -> datetime:
    """The instant in UTC: PostgreSQL refuses offsets past 15:59, which Python accepts."""
    if value.tzinfo is None:
        raise ValidationFailed(
            "Give instants with a timezone.", errors={field: ["Add a UTC offset."]}
        )
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+05:00 is before year 1 in UTC
        raise ValidationFailed(
            "An instant is out of range.", errors={field: ["Out of range."]}
        ) from None
