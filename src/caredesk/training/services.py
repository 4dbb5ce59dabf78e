"""The only writer of training: enrolments and progress, shadowing logs and their sign-offs,
exam attempts, certifications, forced recertification and held replies."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from caredesk.accounts.models import User
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caredesk.core.notify import notify
from caredesk.tickets.models import Message, MessageKind, Ticket
from caredesk.tickets.selectors import tickets_visible
from caredesk.tickets.services import Body, message_add
from caredesk.training import pure, selectors
from caredesk.training.models import (
    Certification,
    Curriculum,
    Enrolment,
    ExamAttempt,
    HeldReply,
    Module,
    ModuleCompletion,
    Question,
    ShadowLog,
    Skill,
)

MANAGE = "training.manage_training"
SIGNOFF = "training.signoff_shadowing"


def _may_manage(user: User) -> bool:
    return user.has_perm(MANAGE)


# -- curricula -----------------------------------------------------------------------------


def enrolment_add(*, curriculum: Curriculum, agent: User, actor: User) -> Enrolment:
    """Assign a curriculum to an agent (again: nothing changes)."""
    if not _may_manage(actor):
        raise PermissionDenied("Only training managers assign curricula.")
    found, _new = Enrolment.objects.get_or_create(
        curriculum=curriculum,
        agent=agent,
        defaults={"assigned_by": actor, "assigned_at": clock.now()},
    )
    return found


def module_complete(*, module: Module, agent: User, actor: User) -> ModuleCompletion:
    """Record that `agent` finished `module` (themselves, or a training manager for them)."""
    if actor.pk != agent.pk and not _may_manage(actor):
        raise PermissionDenied("Only training managers record modules for someone else.")
    found, _new = ModuleCompletion.objects.get_or_create(
        module=module,
        agent=agent,
        defaults={"recorded_by": actor, "completed_at": clock.now()},
    )
    return found


def module_add(*, curriculum: Curriculum, data: Mapping[str, Any]) -> Module:
    """Add a module at the end of a curriculum."""
    order = curriculum.modules.count() + 1
    return Module.objects.create(curriculum=curriculum, order=order, **data)


def question_add(
    *, skill: Skill, text: str, kind: str, choices: list[str], correct: list[int]
) -> Question:
    """Add a question to a skill's bank (checked by the form: two choices, the right ones)."""
    return Question.objects.create(
        skill=skill, text=text, kind=kind, choices=choices, correct=correct
    )


# -- shadowing -------------------------------------------------------------------------------


def shadow_log_add(
    *,
    agent: User,
    skill: Skill,
    ticket_ref: str,
    occurred_on: date | None,
    shadowed: User | None,
    notes: str = "",
) -> ShadowLog:
    """Record a live interaction `agent` shadowed; it counts once it is signed off."""
    errors: dict[str, list[str]] = {}
    ref = ticket_ref.strip()
    if not ref or len(ref) > 40:
        errors["ticket_ref"] = ["Give the ticket's reference (40 characters at most)."]
    if occurred_on is None:
        errors["occurred_on"] = ["Give the date of the interaction."]
    elif occurred_on > clock.now().date():
        errors["occurred_on"] = ["The date cannot be in the future."]
    if shadowed is None or shadowed.pk == agent.pk:
        errors["shadowed"] = ["Choose the certified agent you shadowed."]
    elif not selectors.certified(shadowed, skill):
        errors["shadowed"] = [f"{shadowed.name} holds no current {skill.name} certification."]
    if len(notes) > 5000:
        errors["notes"] = ["Keep the notes to 5,000 characters or fewer."]
    if errors:
        raise ValidationFailed("The interaction was not recorded.", errors=errors)
    assert occurred_on is not None and shadowed is not None
    return ShadowLog.objects.create(
        agent=agent,
        skill=skill,
        ticket_ref=ref,
        occurred_on=occurred_on,
        shadowed=shadowed,
        notes=notes.strip(),
        created_at=clock.now(),
    )


def may_sign_off(user: User, skill: Skill) -> bool:
    """Leads, and agents given sign-off who are certified for the skill."""
    return _may_manage(user) or (user.has_perm(SIGNOFF) and selectors.certified(user, skill))


@transaction.atomic
def shadow_sign_off(*, log: ShadowLog, actor: User) -> ShadowLog:
    """A certified agent or a lead signs off someone else's shadowed interaction."""
    log = ShadowLog.objects.select_for_update().select_related("skill").get(pk=log.pk)
    if log.agent_id == actor.pk:
        raise PermissionDenied("Someone else signs off your shadowing.")
    if not may_sign_off(actor, log.skill):
        raise PermissionDenied(f"Only a lead or a certified {log.skill.name} agent signs off.")
    if log.signed_off_at is not None:
        raise Conflict("This interaction is already signed off.")
    log.signed_off_by, log.signed_off_at = actor, clock.now()
    log.save(update_fields=["signed_off_by", "signed_off_at"])
    return log


# -- exams -----------------------------------------------------------------------------------


def exam_refusal(agent: User, skill: Skill) -> str:
    """Why `agent` may not start the exam for `skill` now ('' if they may)."""
    return exam_refusals(agent, [skill])[skill.pk]


def exam_refusals(agent: User, skills: Sequence[Skill]) -> dict[int, str]:
    """`exam_refusal` for many skills in three queries: attempts, sign-offs, bank sizes."""
    ids = [s.pk for s in skills]
    attempts = list(ExamAttempt.objects.filter(agent=agent, skill_id__in=ids))
    signed = selectors.shadow_counts(agent)
    sizes = selectors.bank_sizes(ids)
    out = {}
    for skill in skills:
        mine = [a for a in attempts if a.skill_id == skill.pk]
        out[skill.pk] = pure.exam_refusal(
            now=clock.now(),
            signed_off=signed.get(skill.pk, 0),
            required=settings.CAREDESK_TRAINING_SHADOWING_REQUIRED,
            attempts=len(mine),
            limit=skill.attempts_limit,
            last_submitted=max((a.submitted_at for a in mine if a.submitted_at), default=None),
            cooldown_hours=skill.cooldown_hours,
            questions=sizes.get(skill.pk, 0),
        )
    return out


@transaction.atomic
def exam_start(*, agent: User, skill: Skill) -> ExamAttempt:
    """Open an attempt: its questions are drawn from the bank with the attempt's own seed."""
    User.objects.select_for_update().filter(pk=agent.pk).first()  # one start at a time
    open_one = ExamAttempt.objects.filter(agent=agent, skill=skill, submitted_at=None).first()
    if open_one is not None:
        return open_one
    reason = exam_refusal(agent, skill)
    if reason:
        raise Conflict(reason, errors={"skill": [reason]})
    seed = secrets.randbits(48)
    ids = list(selectors.bank(skill).values_list("pk", flat=True))
    return ExamAttempt.objects.create(
        agent=agent,
        skill=skill,
        number=ExamAttempt.objects.filter(agent=agent, skill=skill).count() + 1,
        seed=seed,
        question_ids=pure.draw(ids, skill.questions_per_exam, seed),
        started_at=clock.now(),
    )


def _answers(attempt: ExamAttempt, raw: Mapping[str, Sequence[Any]]) -> dict[str, list[int]]:
    """The answers as choice indexes per asked question; anything else is refused."""
    asked = {str(q) for q in attempt.question_ids}
    unknown = sorted(set(raw) - asked)
    if unknown:
        raise ValidationFailed(
            "The answers were not recorded.",
            errors={"answers": ["Answer only the questions of this attempt."]},
        )
    out: dict[str, list[int]] = {}
    for qid, chosen in raw.items():
        try:
            out[qid] = sorted({int(c) for c in chosen})
        except (TypeError, ValueError):
            raise ValidationFailed(
                "The answers were not recorded.",
                errors={"answers": ["Give each answer as the numbers of the choices."]},
            ) from None
    return out


@transaction.atomic
def exam_submit(
    *, attempt: ExamAttempt, answers: Mapping[str, Sequence[Any]], actor: User
) -> ExamAttempt:
    """Grade an attempt on the server; passing with the shadowing done certifies the agent."""
    attempt = ExamAttempt.objects.select_for_update().select_related("skill").get(pk=attempt.pk)
    if attempt.agent_id != actor.pk:
        raise PermissionDenied("This is someone else's attempt.")
    if attempt.submitted_at is not None:
        raise Conflict("This attempt is already submitted.")
    given = _answers(attempt, answers)
    questions = Question.objects.filter(pk__in=attempt.question_ids)
    keys = [pure.Key(q.pk, frozenset(int(c) for c in q.correct)) for q in questions]
    attempt.answers = given
    attempt.score = pure.grade(keys, given)
    attempt.passed = attempt.score >= attempt.skill.pass_mark
    attempt.submitted_at = clock.now()
    attempt.save(update_fields=["answers", "score", "passed", "submitted_at"])
    required = settings.CAREDESK_TRAINING_SHADOWING_REQUIRED
    if attempt.passed and selectors.signed_off_count(actor, attempt.skill) >= required:
        _certify(actor, attempt.skill, via=Certification.Via.EXAM, by=None, reason="")
    return attempt


# -- certifications --------------------------------------------------------------------------


def _certify(agent: User, skill: Skill, *, via: str, by: User | None, reason: str) -> Certification:
    now = clock.now()
    values = {
        "via": via,
        "granted_by": by,
        "reason": reason,
        "granted_at": now,
        "expires_at": pure.expires(now, settings.CAREDESK_TRAINING_VALID_MONTHS),
        "recertify_by": None,
        "recertify_reason": "",
        "warned_at": None,
    }
    cert, _new = Certification.objects.update_or_create(agent=agent, skill=skill, defaults=values)
    record(
        action=AuditAction.ACCOUNT_CHANGED,
        actor=by or agent,
        object_type="certification",
        object_id=cert.pk,
        fields=["certification", via],
        reason=reason or f"{skill.name}: {Certification.Via(via).label}",
    )
    return cert


@transaction.atomic
def certification_grant(*, agent: User, skill: Skill, reason: str, actor: User) -> Certification:
    """A lead certifies an agent without the exam, for a recorded reason (audited)."""
    if not _may_manage(actor):
        raise PermissionDenied("Only training managers grant certifications.")
    if not reason.strip():
        raise ValidationFailed(
            "The certification was not granted.",
            errors={"reason": ["Say why the certification is granted without the exam."]},
        )
    return _certify(agent, skill, via=Certification.Via.LEAD, by=actor, reason=reason.strip()[:500])


def firmware_changed(sku: str, version: str) -> None:
    """A new firmware version of `sku`: certifications of skills naming it must be renewed."""
    now = clock.now()
    grace = now + timedelta(days=settings.CAREDESK_TRAINING_FIRMWARE_GRACE_DAYS)
    naming = [s for s in Skill.objects.exclude(product_models=[]) if sku in s.product_models]
    for skill in naming:  # skills are few: read them all rather than a JSON lookup per database
        if skill.firmware_seen.get(sku) == version:
            continue
        skill.firmware_seen = {**skill.firmware_seen, sku: version}
        skill.save(update_fields=["firmware_seen"])
        forced = Certification.objects.filter(skill=skill, recertify_by=None, expires_at__gt=now)
        forced.update(recertify_by=grace, recertify_reason=f"Firmware {version} of {sku}"[:200])
        people = list(User.objects.filter(certifications__skill=skill, is_active=True))
        notify(
            users=people,
            text=f"Recertify for {skill.name} by {grace:%Y-%m-%d}: firmware {version} of {sku}.",
        )


def certifications_warn(*, batch: int = 200) -> int:
    """Tell agents (once) whose certification lapses within the warning window; the count."""
    now = clock.now()
    soon = now + timedelta(days=settings.CAREDESK_TRAINING_WARN_DAYS)
    due = list(
        Certification.objects.filter(warned_at=None, expires_at__gt=now, expires_at__lte=soon)
        .select_related("agent", "skill")
        .order_by("expires_at")[:batch]
    )
    for cert in due:
        notify(
            users=[cert.agent],
            text=f"Your {cert.skill.name} certification expires on {cert.expires_at:%Y-%m-%d}.",
        )
    Certification.objects.filter(pk__in=[c.pk for c in due]).update(warned_at=now)
    return len(due)


# -- gating and held replies ---------------------------------------------------------------


def gate_refusal(agent: Any, category_id: int | None) -> str:
    """Why `agent` may not be given a ticket of the category ('' if they may)."""
    skill = selectors.gates().get(category_id) if category_id else None
    if skill is None:
        return ""
    return selectors.certification_gap(agent, skill)


def reply_hold(ticket: Ticket, actor: Any) -> str:
    """Why `actor`'s public reply on `ticket` waits for a certified agent ('' if it does not)."""
    return gate_refusal(actor, ticket.category_id)


def reply_keep(ticket: Ticket, message: Message, reason: str) -> None:
    """Record a held reply (its message is stored as an internal note)."""
    author = message.author_user
    assert author is not None
    HeldReply.objects.create(
        ticket=ticket, message=message, author=author, reason=reason[:300], created_at=clock.now()
    )


def _decidable(held: HeldReply, actor: User) -> HeldReply:
    held = HeldReply.objects.select_for_update().select_related("ticket", "message").get(pk=held.pk)
    if not tickets_visible(actor).filter(pk=held.ticket_id).exists():
        raise NotFound("No such held reply.")
    if held.state != HeldReply.State.HELD:
        raise Conflict("This reply was already approved or returned.")
    if held.author_id == actor.pk:
        raise PermissionDenied("A certified agent approves your reply, not you.")
    if not (_may_manage(actor) or actor.has_perm(SIGNOFF)) or gate_refusal(
        actor, held.ticket.category_id
    ):
        raise PermissionDenied("Only a certified agent or a lead approves held replies.")
    return held


@transaction.atomic
def held_reply_send(*, held: HeldReply, actor: User) -> HeldReply:
    """Approve a held reply: it goes to the requester as its author's reply."""
    held = _decidable(held, actor)
    author = User.objects.get(pk=held.author_id)
    body = Body(html=held.message.body_html, text=held.message.body_text)
    sent = message_add(
        ticket=held.ticket, kind=MessageKind.PUBLIC, body=body, actor=author, released=True
    )
    return _decide(held, actor, HeldReply.State.SENT, note="", sent=sent)


@transaction.atomic
def held_reply_return(*, held: HeldReply, actor: User, note: str) -> HeldReply:
    """Return a held reply to its author with a note; nothing goes to the requester."""
    if not note.strip():
        raise ValidationFailed(
            "The reply was not returned.", errors={"note": ["Say what to change."]}
        )
    held = _decidable(held, actor)
    notify(
        users=[held.author],
        ticket=held.ticket,
        text=f"Your reply on {held.ticket.ref} was returned: {note.strip()[:300]}",
    )
    return _decide(held, actor, HeldReply.State.RETURNED, note=note.strip()[:5000], sent=None)


def _decide(
    held: HeldReply, actor: User, state: str, *, note: str, sent: Message | None
) -> HeldReply:
    held.state, held.decided_by, held.decided_at = state, actor, clock.now()
    held.note, held.sent = note, sent
    held.save(update_fields=["state", "decided_by", "decided_at", "note", "sent"])
    return held
