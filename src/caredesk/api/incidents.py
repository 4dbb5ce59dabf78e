"""Incident endpoints: list and read incidents, declare one, post updates (told to the linked
requesters with `notify`), link tickets and resolve. Staff whose role holds the incidents
permissions, with a token carrying the `incidents` scope."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from caredesk.accounts.models import Organization, Team, User
from caredesk.accounts.scopes import INCIDENTS
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Clean, Id, Strict
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.incidents import linking, services
from caredesk.incidents.models import (
    OPEN_STATES,
    Component,
    Incident,
    IncidentState,
    IncidentTicket,
)

router = Router(tags=["incidents"])
MAX_LIST = 100
MAX_LINK_API = 500

State = Literal["investigating", "identified", "monitoring"]
ComponentStateIn = Literal["degraded", "partial_outage", "major_outage", "maintenance"]
Text = Annotated[str, StringConstraints(max_length=5000)]


class PersonOut(Schema):
    id: int
    name: str


class UpdateOut(Schema):
    id: int
    at: datetime
    state: str
    body: str
    public: bool
    notify: bool
    sent_count: int
    sent_at: datetime | None
    author: PersonOut | None


class IncidentOut(Schema):
    number: int
    title: str
    severity: int
    state: str
    source: str
    symptom: str
    public: bool
    team: str | None
    commander: PersonOut | None
    communications: PersonOut | None
    started_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    seconds_to_acknowledge: float | None
    seconds_to_resolve: float | None
    linked_tickets: int


class IncidentDetailOut(IncidentOut):
    components: list[dict[str, str]]
    organizations: list[int]
    ticket_ids: list[int]
    updates: list[UpdateOut]


class IncidentQuery(Clean):
    state: Literal["open", "resolved"] | None = None


class AffectedIn(Strict):
    slug: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    state: ComponentStateIn = "major_outage"


class DeclareIn(Strict):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    severity: Annotated[int, Field(ge=1, le=4)]
    body: Text = ""
    symptom: Annotated[str, StringConstraints(max_length=200)] = ""
    public: bool = True
    components: Annotated[list[AffectedIn], Field(max_length=50)] = []
    organization_ids: Annotated[list[Id], Field(max_length=200)] = []
    team_id: Id | None = None
    commander_id: Id | None = None
    communications_id: Id | None = None


class UpdateIn(Strict):
    body: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    state: State | None = None
    public: bool = True
    notify: bool = False


class LinkIn(Strict):
    ticket_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_LINK_API)]
    keep_open: bool = False


class LinkResultOut(Schema):
    ticket_id: int
    outcome: str
    reason: str


class ResolveIn(Strict):
    body: Text = ""
    notify: bool = True
    keep_open_ticket_ids: Annotated[list[Id], Field(max_length=MAX_LINK_API)] = []


def _require(request: HttpRequest, perm: str) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this incident operation.")
    return user


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.name} if user else None


def _seconds(start: datetime, end: datetime | None) -> float | None:
    return round((end - start).total_seconds(), 1) if end else None


def _out(i: Incident, linked: int) -> dict[str, Any]:
    return {
        "number": i.number,
        "title": i.title,
        "severity": i.severity,
        "state": i.state,
        "source": i.source,
        "symptom": i.symptom,
        "public": i.public,
        "team": i.team.name if i.team else None,
        "commander": _person(i.commander),
        "communications": _person(i.communications),
        "started_at": i.started_at,
        "acknowledged_at": i.acknowledged_at,
        "resolved_at": i.resolved_at,
        "seconds_to_acknowledge": _seconds(i.started_at, i.acknowledged_at),
        "seconds_to_resolve": _seconds(i.started_at, i.resolved_at),
        "linked_tickets": linked,
    }


def _incident(number: int) -> Incident:
    found = (
        Incident.objects.select_related("team", "commander", "communications")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise NotFound("No such incident.")
    return found


def _detail(i: Incident) -> dict[str, Any]:
    ids = list(IncidentTicket.objects.filter(incident=i).values_list("ticket_id", flat=True))
    updates = i.updates.select_related("author").order_by("at", "id")
    return {
        **_out(i, len(ids)),
        "components": [
            {"slug": ic.component.slug, "state": ic.state}
            for ic in i.incidentcomponent_set.select_related("component")
        ],
        "organizations": list(i.organizations.values_list("pk", flat=True)),
        "ticket_ids": ids,
        "updates": [
            {
                "id": u.pk,
                "at": u.at,
                "state": u.state,
                "body": u.body,
                "public": u.public,
                "notify": u.notify,
                "sent_count": u.sent_count,
                "sent_at": u.sent_at,
                "author": _person(u.author),
            }  # fmt: skip
            for u in updates
        ],
    }


@router.get(
    "/incidents",
    auth=needs_scope(INCIDENTS),
    response=list[IncidentOut],
    summary="List incidents (open first, then the latest 100 resolved)",
    openapi_extra=documented(401, 403, 422),
)
def incident_list(request: HttpRequest, q: Query[IncidentQuery]) -> list[dict[str, Any]]:
    from django.db.models import Count

    _require(request, "incidents.view_incident")
    qs = Incident.objects.select_related("team", "commander", "communications").annotate(
        linked=Count("links")
    )
    if q.state == "open":
        qs = qs.filter(state__in=OPEN_STATES).order_by("severity", "started_at")
    elif q.state == "resolved":
        qs = qs.filter(state=IncidentState.RESOLVED).order_by("-resolved_at")
    else:
        qs = qs.order_by("resolved_at", "-started_at")  # open ones (no resolved_at) first
    return [_out(i, i.linked) for i in qs[:MAX_LIST]]


@router.get(
    "/incidents/{int:number}",
    auth=needs_scope(INCIDENTS),
    response=IncidentDetailOut,
    summary="Read an incident: its timeline, components, organizations and linked tickets",
    openapi_extra=documented(401, 403, 404, 422),
)
def incident_get(request: HttpRequest, number: int) -> dict[str, Any]:
    _require(request, "incidents.view_incident")
    return _detail(_incident(number))


def _by_id(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed("Unknown reference.", errors={field: ["Not found."]})
    return found


@router.post(
    "/incidents",
    auth=needs_scope(INCIDENTS),
    response={201: IncidentDetailOut},
    summary="Declare an incident (pages the team on call when its severity's target says so)",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def incident_create(request: HttpRequest, payload: DeclareIn) -> Status[dict[str, Any]]:
    actor = _require(request, "incidents.declare_incident")
    slugs = [c.slug for c in payload.components]
    found = {c.slug: c for c in Component.objects.filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ValidationFailed(
            "Unknown component.", errors={"components": [f"No component {missing[0]!r}."]}
        )
    orgs = list(Organization.objects.filter(pk__in=payload.organization_ids))
    if len(orgs) != len(set(payload.organization_ids)):
        raise ValidationFailed("Unknown organization.", errors={"organization_ids": ["Not found."]})
    incident = services.incident_declare(
        title=payload.title,
        severity=payload.severity,
        actor=actor,
        body=payload.body,
        components=[(found[c.slug], c.state) for c in payload.components],
        organizations=orgs,
        team=_by_id(Team, payload.team_id, "team_id"),
        symptom=linking.symptom_words(payload.symptom),
        public=payload.public,
        commander=_by_id(User, payload.commander_id, "commander_id"),
        communications=_by_id(User, payload.communications_id, "communications_id"),
    )
    return Status(201, _detail(_incident(incident.number)))


@router.post(
    "/incidents/{int:number}/updates",
    auth=needs_scope(INCIDENTS),
    response={201: UpdateOut},
    summary="Post an update; with notify, every linked requester gets it as a public reply",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def incident_update(request: HttpRequest, number: int, payload: UpdateIn) -> Status[dict[str, Any]]:
    actor = _require(request, "incidents.manage_incident")
    incident = _incident(number)
    if payload.notify and not payload.public:
        raise ValidationFailed(
            "Only a public update can be sent.",
            errors={"notify": ["Only a public update can be sent to the requesters."]},
        )
    u = services.incident_update_post(
        incident=incident, actor=actor, body=payload.body, state=payload.state,
        public=payload.public, notify=payload.notify,
    )  # fmt: skip
    u.refresh_from_db()
    return Status(
        201,
        {
            "id": u.pk,
            "at": u.at,
            "state": u.state,
            "body": u.body,
            "public": u.public,
            "notify": u.notify,
            "sent_count": u.sent_count,
            "sent_at": u.sent_at,
            "author": _person(actor),
        },  # fmt: skip
    )


@router.post(
    "/incidents/{int:number}/tickets",
    auth=needs_scope(INCIDENTS),
    response=list[LinkResultOut],
    summary="Link tickets to an open incident (one result per ticket)",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def incident_link(request: HttpRequest, number: int, payload: LinkIn) -> list[dict[str, Any]]:
    actor = _require(request, "incidents.manage_incident")
    results = linking.tickets_link(
        incident=_incident(number), ticket_ids=payload.ticket_ids, actor=actor,
        keep_open=payload.keep_open, limit=MAX_LINK_API,
    )  # fmt: skip
    return [{"ticket_id": r.ticket_id, "outcome": r.outcome, "reason": r.reason} for r in results]


@router.post(
    "/incidents/{int:number}/resolve",
    auth=needs_scope(INCIDENTS),
    response=IncidentDetailOut,
    summary="Resolve: linked tickets are told and solved unless kept open",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def incident_resolve(request: HttpRequest, number: int, payload: ResolveIn) -> dict[str, Any]:
    actor = _require(request, "incidents.manage_incident")
    incident = _incident(number)
    if incident.state == IncidentState.RESOLVED:
        from caredesk.core.errors import Conflict

        raise Conflict("The incident is already resolved.")
    if payload.keep_open_ticket_ids:
        linking.links_keep_open(incident=incident, keep=payload.keep_open_ticket_ids)
    services.incident_resolve(
        incident=incident, actor=actor, body=payload.body, notify=payload.notify
    )
    return _detail(_incident(number))
