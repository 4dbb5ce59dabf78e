"""Training endpoints: one's own training, shadowing logs and their sign-off, exam attempts
(questions without their answers; graded on submit), certifications (a lead grants them for a
reason) and the replies held for approval. Staff holding the training permissions only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import StringConstraints

from caredesk.accounts.capabilities import ticket_workers
from caredesk.accounts.models import User
from caredesk.accounts.scopes import TRAINING
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Id, IsoDate, Strict
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.training import selectors, services
from caredesk.training.models import (
    Certification,
    ExamAttempt,
    HeldReply,
    Question,
    ShadowLog,
    Skill,
)

router = Router(tags=["training"])
LooseDate = IsoDate  # a date is sent as ISO 8601 text


class CertificationOut(Schema):
    id: int
    agent_id: int
    agent: str
    skill_id: int
    skill: str
    via: str
    granted_at: datetime
    expires_at: datetime
    recertify_by: datetime | None
    recertify_reason: str
    current: bool


class ShadowIn(Strict):
    skill_id: Id
    ticket_ref: Annotated[str, StringConstraints(max_length=40)]
    occurred_on: LooseDate
    shadowed_id: Id
    notes: Annotated[str, StringConstraints(max_length=5000)] = ""


class ShadowOut(Schema):
    id: int
    skill_id: int
    ticket_ref: str
    occurred_on: date
    shadowed_id: int
    signed_off_by_id: int | None
    signed_off_at: datetime | None


class QuestionOut(Schema):
    id: int
    text: str
    kind: str
    choices: list[str]


class AttemptOut(Schema):
    id: int
    skill_id: int
    number: int
    questions: list[QuestionOut]
    submitted_at: datetime | None
    score: int | None
    passed: bool | None


class AnswersIn(Strict):
    answers: dict[str, list[int]]


class GrantIn(Strict):
    agent_id: Id
    skill_id: Id
    reason: Annotated[str, StringConstraints(max_length=500)]


class ReturnIn(Strict):
    note: Annotated[str, StringConstraints(max_length=5000)]


class HeldOut(Schema):
    id: int
    ticket_id: int
    author_id: int
    state: str
    reason: str
    note: str


class MineOut(Schema):
    certifications: list[CertificationOut]
    shadowing_signed_off: dict[str, int]
    shadowing_required: int


def _user(request: HttpRequest, perm: str = "training.view_skill") -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this training operation.")
    return user


def _cert_out(c: Certification) -> dict[str, Any]:
    return {
        "id": c.pk,
        "agent_id": c.agent_id,
        "agent": c.agent.name,
        "skill_id": c.skill_id,
        "skill": c.skill.name,
        "via": c.via,
        "granted_at": c.granted_at,
        "expires_at": c.expires_at,
        "recertify_by": c.recertify_by,
        "recertify_reason": c.recertify_reason,
        "current": c.is_current,
    }


def _shadow_out(log: ShadowLog) -> dict[str, Any]:
    return {
        "id": log.pk,
        "skill_id": log.skill_id,
        "ticket_ref": log.ticket_ref,
        "occurred_on": log.occurred_on,
        "shadowed_id": log.shadowed_id,
        "signed_off_by_id": log.signed_off_by_id,
        "signed_off_at": log.signed_off_at,
    }


def _attempt_out(a: ExamAttempt) -> dict[str, Any]:
    found = Question.objects.in_bulk(a.question_ids)
    questions = [found[q] for q in a.question_ids if q in found]
    return {
        "id": a.pk,
        "skill_id": a.skill_id,
        "number": a.number,
        "questions": [
            {"id": q.pk, "text": q.text, "kind": q.kind, "choices": q.choices} for q in questions
        ],
        "submitted_at": a.submitted_at,
        "score": a.score,
        "passed": a.passed,
    }


def _held_out(h: HeldReply) -> dict[str, Any]:
    return {
        "id": h.pk,
        "ticket_id": h.ticket_id,
        "author_id": h.author_id,
        "state": h.state,
        "reason": h.reason,
        "note": h.note,
    }


def _field(model: Any, pk: int, field: str, queryset: Any = None) -> Any:
    found = (queryset if queryset is not None else model.objects).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed("Check the fields.", errors={field: ["No such item."]})
    return found


def _held(pk: int) -> HeldReply:
    found = HeldReply.objects.filter(pk=pk).select_related("ticket").first()
    if found is None:
        raise NotFound("No such held reply.")
    return found


@router.get(
    "/training/me",
    auth=needs_scope(TRAINING),
    response=MineOut,
    summary="My certifications and shadowing count",
    openapi_extra=documented(401, 403),
)
def training_mine(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {
        "certifications": [_cert_out(c) for c in selectors.certifications_of(user)],
        "shadowing_signed_off": {str(k): v for k, v in selectors.shadow_counts(user).items()},
        "shadowing_required": settings.CAREDESK_TRAINING_SHADOWING_REQUIRED,
    }


@router.get(
    "/training/certifications",
    auth=needs_scope(TRAINING),
    response=list[CertificationOut],
    summary="Everyone's certifications (training managers)",
    openapi_extra=documented(401, 403),
)
def certification_list(request: HttpRequest) -> list[dict[str, Any]]:
    _user(request, services.MANAGE)
    rows = Certification.objects.select_related("agent", "skill").order_by("skill", "agent")
    return [_cert_out(c) for c in rows[:1000]]


@router.post(
    "/training/certifications",
    auth=needs_scope(TRAINING),
    response={201: CertificationOut},
    summary="Grant a certification without the exam, for a reason",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def certification_grant(request: HttpRequest, payload: GrantIn) -> Status[dict[str, Any]]:
    user = _user(request, services.MANAGE)
    agent = _field(User, payload.agent_id, "agent_id", ticket_workers())
    skill = _field(Skill, payload.skill_id, "skill_id")
    cert = services.certification_grant(agent=agent, skill=skill, reason=payload.reason, actor=user)
    return Status(201, _cert_out(cert))


@router.post(
    "/training/shadow-logs",
    auth=needs_scope(TRAINING),
    response={201: ShadowOut},
    summary="Record a live interaction shadowed",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def shadow_create(request: HttpRequest, payload: ShadowIn) -> Status[dict[str, Any]]:
    user = _user(request)
    log = services.shadow_log_add(
        agent=user,
        skill=_field(Skill, payload.skill_id, "skill_id"),
        ticket_ref=payload.ticket_ref,
        occurred_on=payload.occurred_on,
        shadowed=_field(User, payload.shadowed_id, "shadowed_id", ticket_workers()),
        notes=payload.notes,
    )
    return Status(201, _shadow_out(log))


@router.post(
    "/training/shadow-logs/{log_id}/sign-off",
    auth=needs_scope(TRAINING),
    response=ShadowOut,
    summary="Sign off someone's shadowed interaction",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def shadow_sign_off(request: HttpRequest, log_id: Id) -> dict[str, Any]:
    user = _user(request)
    log = ShadowLog.objects.filter(pk=log_id).first()
    if log is None:
        raise NotFound("No such shadowed interaction.")
    return _shadow_out(services.shadow_sign_off(log=log, actor=user))


@router.post(
    "/training/exams/{skill_id}/attempts",
    auth=needs_scope(TRAINING),
    response={201: AttemptOut},
    summary="Start an exam attempt (its questions, never their answers)",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def attempt_start(request: HttpRequest, skill_id: Id) -> Status[dict[str, Any]]:
    user = _user(request)
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise NotFound("No such skill.")
    return Status(201, _attempt_out(services.exam_start(agent=user, skill=skill)))


@router.post(
    "/training/attempts/{attempt_id}/submit",
    auth=needs_scope(TRAINING),
    response=AttemptOut,
    summary="Submit an attempt's answers; graded on the server",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def attempt_submit(request: HttpRequest, attempt_id: Id, payload: AnswersIn) -> dict[str, Any]:
    user = _user(request)
    attempt = ExamAttempt.objects.filter(pk=attempt_id, agent=user).first()
    if attempt is None:
        raise NotFound("No such attempt.")
    done = services.exam_submit(attempt=attempt, answers=payload.answers, actor=user)
    return _attempt_out(done)


@router.post(
    "/training/held-replies/{held_id}/send",
    auth=needs_scope(TRAINING),
    response=HeldOut,
    summary="Approve a held reply: it goes to the requester",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def held_send(request: HttpRequest, held_id: Id) -> dict[str, Any]:
    user = _user(request)
    return _held_out(services.held_reply_send(held=_held(held_id), actor=user))


@router.post(
    "/training/held-replies/{held_id}/return",
    auth=needs_scope(TRAINING),
    response=HeldOut,
    summary="Return a held reply to its author with a note",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def held_return(request: HttpRequest, held_id: Id, payload: ReturnIn) -> dict[str, Any]:
    user = _user(request)
    held = services.held_reply_return(held=_held(held_id), actor=user, note=payload.note)
    return _held_out(held)
