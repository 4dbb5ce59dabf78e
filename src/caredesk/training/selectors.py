"""Reads of training: gated categories, who is certified, progress, the lead's matrix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from caredesk.accounts.capabilities import ticket_workers
from caredesk.accounts.models import User
from caredesk.core import clock, confcache
from caredesk.training.models import (
    Certification,
    Curriculum,
    Enrolment,
    HeldReply,
    ModuleCompletion,
    Question,
    ShadowLog,
    Skill,
)

GATES = "training.gates"


@dataclass(frozen=True)
class Gate:
    skill_id: int
    name: str


def _load_gates() -> dict[int, Gate]:
    through = Skill.categories.through
    rows = through.objects.filter(skill__gates=True).values_list(
        "requesttype_id", "skill_id", "skill__name"
    )
    return {category: Gate(skill, name) for category, skill, name in rows}


def gates() -> dict[int, Gate]:
    """The gated categories: category id -> the skill it needs (a snapshot kept current)."""
    return confcache.cached(GATES, _load_gates)


def valid(now: Any) -> Q:
    """Certifications that count at `now`: not expired, no recertification date passed."""
    return Q(expires_at__gt=now) & (Q(recertify_by=None) | Q(recertify_by__gt=now))


def certified(user: User, skill: Skill | Gate) -> bool:
    skill_id = skill.skill_id if isinstance(skill, Gate) else skill.pk
    return Certification.objects.filter(valid(clock.now()), agent=user, skill_id=skill_id).exists()


def certification_gap(agent: Any, gate: Gate) -> str:
    """Why `agent` is not certified for the gate's skill now ('' when they are): one query."""
    lapse = _lapse(agent, gate)
    return f"Needs the {gate.name} certification; {lapse}." if lapse else ""


def assisted_because(agent: Any, gate: Gate) -> str:
    """The clause the ticket page shows after "because" ('' when `agent` is certified)."""
    lapse = _lapse(agent, gate)
    return f"this category needs the {gate.name} certification and {lapse}" if lapse else ""


def _lapse(agent: Any, gate: Gate) -> str:
    """ "<who> has none", "<who>'s expired on <date>", or '' when certified now."""
    cert = Certification.objects.filter(agent=agent, skill_id=gate.skill_id).first()
    who = getattr(agent, "name", "") or str(agent)
    if cert is None:
        return f"{who} has none"
    if cert.lapses_at <= clock.now():
        word = "recertification was due" if cert.lapses_at != cert.expires_at else "expired"
        return f"{who}'s {word} on {cert.lapses_at:%Y-%m-%d}"
    return ""


def bank(skill: Skill) -> QuerySet[Question]:
    return Question.objects.filter(skill=skill, active=True)


def bank_sizes(skill_ids: Iterable[int]) -> dict[int, int]:
    """Active questions per skill id (one query)."""
    rows = (
        Question.objects.filter(skill_id__in=list(skill_ids), active=True)
        .values("skill_id")
        .annotate(n=Count("pk"))
    )
    return {r["skill_id"]: r["n"] for r in rows}


def signed_off_count(agent: User, skill: Skill) -> int:
    return ShadowLog.objects.filter(agent=agent, skill=skill, signed_off_at__isnull=False).count()


@dataclass(frozen=True)
class Progress:
    curriculum: Curriculum
    modules: list[tuple[Any, Any]]  # (module, completion or None)
    hours_done: float
    hours_total: float


def progress_of(agent: User) -> list[Progress]:
    """Each curriculum assigned to `agent` with its modules and what is done (three queries)."""
    enrolled = list(
        Enrolment.objects.filter(agent=agent)
        .select_related("curriculum")
        .prefetch_related("curriculum__modules")
        .order_by("curriculum__name")
    )
    done = {c.module_id: c for c in ModuleCompletion.objects.filter(agent=agent)}
    out = []
    for e in enrolled:
        modules = [(m, done.get(m.pk)) for m in e.curriculum.modules.all()]
        total = float(sum(m.hours for m, _c in modules))
        hours = float(sum(m.hours for m, c in modules if c))
        out.append(Progress(e.curriculum, modules, hours, total))
    return out


def shadow_logs_of(agent: User) -> QuerySet[ShadowLog]:
    return ShadowLog.objects.filter(agent=agent).select_related(
        "skill", "shadowed", "signed_off_by"
    )


def shadow_counts(agent: User) -> dict[int, int]:
    """Signed-off interactions per skill id."""
    rows = (
        ShadowLog.objects.filter(agent=agent, signed_off_at__isnull=False)
        .values("skill_id")
        .annotate(n=Count("pk"))
    )
    return {r["skill_id"]: r["n"] for r in rows}


def certifications_of(agent: User) -> QuerySet[Certification]:
    return Certification.objects.filter(agent=agent).select_related("skill")


def sign_offs_to_do(user: User, *, limit: int = 100) -> list[ShadowLog]:
    """Interactions waiting for a sign-off that `user` may give."""
    rows = ShadowLog.objects.filter(signed_off_at=None).exclude(agent=user)
    if not user.has_perm("training.manage_training"):
        now = clock.now()
        skills = Certification.objects.filter(valid(now), agent=user).values("skill_id")
        rows = rows.filter(skill_id__in=skills)
    return list(rows.select_related("agent", "skill", "shadowed").order_by("created_at")[:limit])


def held_to_approve(user: User, *, limit: int = 100) -> list[HeldReply]:
    """Replies held for approval that `user` may decide (certified for the ticket's category)."""
    rows = HeldReply.objects.filter(state=HeldReply.State.HELD).exclude(author=user)
    ids = certified_ids(user)
    cats = [c for c, g in gates().items() if g.skill_id in ids]
    rows = rows.filter(ticket__category_id__in=cats)
    return list(rows.select_related("ticket", "author", "message").order_by("created_at")[:limit])


def certified_ids(user: User) -> set[int]:
    now = clock.now()
    return set(
        Certification.objects.filter(valid(now), agent=user).values_list("skill_id", flat=True)
    )


def held_on(ticket_id: int) -> list[HeldReply]:
    return list(
        HeldReply.objects.filter(ticket_id=ticket_id, state=HeldReply.State.HELD).select_related(
            "author", "message"
        )
    )


@dataclass(frozen=True)
class Matrix:
    skills: list[Skill]
    rows: list[tuple[User, list[Certification | None]]]


def team_matrix(people: Iterable[User] | None = None) -> Matrix:
    """Every agent against every skill with their certification (two queries and the people)."""
    skills = list(Skill.objects.all())
    agents = list(people) if people is not None else list(ticket_workers().order_by("name")[:200])
    certs = {
        (c.agent_id, c.skill_id): c
        for c in Certification.objects.filter(agent__in=[a.pk for a in agents])
    }
    rows = [(a, [certs.get((a.pk, s.pk)) for s in skills]) for a in agents]
    return Matrix(skills, rows)
