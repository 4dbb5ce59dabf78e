"""The only writer of QA records: the weekly sample, rubric versions, reviews, disputes and
calibration sessions. Each change writes a `QaEvent` naming who made it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q

from caredesk.accounts.capabilities import holding
from caredesk.accounts.models import AccountKind, User
from caredesk.core import clock
from caredesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from caredesk.qa import pure
from caredesk.qa.models import (
    AgentWeek,
    CalibrationSession,
    CalibrationStatus,
    Criterion,
    Dispute,
    DisputeOutcome,
    Mark,
    QaEvent,
    QaEventKind,
    Review,
    ReviewStatus,
    Rubric,
    RubricStatus,
    SampleItem,
    SampleReason,
    Score,
    Section,
)
from caredesk.tickets.models import (
    Channel,
    EventKind,
    Message,
    MessageKind,
    Safety,
    Ticket,
    TicketEvent,
)

REVIEW_PERM = "qa.review_quality"
LEAD_PERM = "qa.lead_quality"
SAFETY_EVENTS = (EventKind.SAFETY_FLAGGED, EventKind.SAFETY_MARKED)


def _event(kind: str, actor: User | None, **refs: Any) -> None:
    data = refs.pop("data", {})
    QaEvent.objects.create(kind=kind, actor=actor, data=data, created_at=clock.now(), **refs)


# -- the weekly sample --------------------------------------------------------------------------


def sample_share() -> Decimal:
    """The share of each agent's interactions drawn (the setting; never below 5 %)."""
    return max(Decimal(str(settings.CAREDESK_QA_SAMPLE_SHARE)), pure.SHARE_FLOOR)


def interactions_of_week(week: str) -> dict[int, set[int]]:
    """Agent -> tickets they worked in the week: their public replies and chat lines, and on
    phone tickets their call notes too (internal notes elsewhere are not an interaction)."""
    start, end = pure.week_bounds(week)
    rows = (
        Message.objects.filter(created_at__gte=start, created_at__lt=end, author_user__isnull=False)
        .filter(
            Q(kind=MessageKind.PUBLIC) | Q(kind=MessageKind.INTERNAL, ticket__channel=Channel.PHONE)
        )
        .filter(author_user__kind=AccountKind.PERSON)
        .values_list("author_user_id", "ticket_id")
        .distinct()
    )
    found: dict[int, set[int]] = {}
    for agent_id, ticket_id in rows.iterator(chunk_size=2000):
        found.setdefault(agent_id, set()).add(ticket_id)
    return found


def _flagged(week: str, tickets: set[int]) -> dict[int, str]:
    """Of `tickets`, those escalated or carrying a safety finding in the week, with the reason."""
    start, end = pure.week_bounds(week)
    reasons: dict[int, str] = {}
    ids = sorted(tickets)
    for i in range(0, len(ids), 500):
        batch = ids[i : i + 500]
        events = TicketEvent.objects.filter(
            ticket_id__in=batch,
            created_at__gte=start,
            created_at__lt=end,
            kind__in=[EventKind.ESCALATED, *SAFETY_EVENTS],
        ).values_list("ticket_id", "kind")
        for ticket_id, kind in events:
            if kind == EventKind.ESCALATED:
                reasons[ticket_id] = SampleReason.ESCALATION
            else:
                reasons.setdefault(ticket_id, SampleReason.SAFETY)
        for ticket_id in (
            Ticket.objects.filter(pk__in=batch)
            .exclude(safety=Safety.NONE)
            .values_list("pk", flat=True)
        ):
            reasons.setdefault(ticket_id, SampleReason.SAFETY)
    return reasons


def reviewers() -> list[int]:
    """People who review quality: holding the permission through a role, active, not services."""
    return sorted(
        User.objects.filter(holding(REVIEW_PERM), is_active=True, kind=AccountKind.PERSON)
        .values_list("pk", flat=True)
        .distinct()
    )


def _load() -> dict[int, int]:
    rows = (
        SampleItem.objects.filter(reviewed=False, reviewer__isnull=False)
        .values("reviewer_id")
        .annotate(n=Count("id"))
    )
    return {r["reviewer_id"]: r["n"] for r in rows}


@dataclass(frozen=True)
class SampleResult:
    week: str
    agents: int
    interactions: int
    sampled: int  # new items drawn by this run


def sample_week(*, week: str, share: Decimal | None = None) -> SampleResult:
    """Draw the week's sample for every agent with interactions (idempotent: an item drawn
    before is kept, never doubled) and give each item to the least-loaded reviewer."""
    share = max(share if share is not None else sample_share(), pure.SHARE_FLOOR)
    found = interactions_of_week(week)
    staff = reviewers()
    load = _load()
    total_new = 0
    for agent_id in sorted(found):
        total_new += _sample_agent(
            week=week,
            agent_id=agent_id,
            tickets=found[agent_id],
            share=share,
            staff=staff,
            load=load,
        )
    return SampleResult(
        week=week,
        agents=len(found),
        interactions=sum(len(t) for t in found.values()),
        sampled=total_new,
    )


@transaction.atomic
def _sample_agent(
    *,
    week: str,
    agent_id: int,
    tickets: set[int],
    share: Decimal,
    staff: list[int],
    load: dict[int, int],
) -> int:
    flagged = _flagged(week, tickets)
    chosen = pure.draw(week=week, agent_id=agent_id, tickets=tickets, must=flagged, share=share)
    have = set(
        SampleItem.objects.filter(week=week, agent_id=agent_id).values_list("ticket_id", flat=True)
    )
    new = [t for t in chosen if t not in have]
    assigned = pure.balance(len(new), staff, load, exclude=agent_id)
    for reviewer_id in assigned:
        load[reviewer_id] = load.get(reviewer_id, 0) + 1
    now = clock.now()
    SampleItem.objects.bulk_create(
        [
            SampleItem(
                week=week,
                agent_id=agent_id,
                ticket_id=t,
                reason=flagged.get(t, SampleReason.RANDOM),
                reviewer_id=assigned[i] if i < len(assigned) else None,
                created_at=now,
            )
            for i, t in enumerate(new)
        ],
        ignore_conflicts=True,
    )
    sampled = SampleItem.objects.filter(week=week, agent_id=agent_id).count()
    AgentWeek.objects.update_or_create(
        week=week,
        agent_id=agent_id,
        defaults={"interactions": len(tickets), "sampled": sampled},
    )
    if new:
        _event(
            QaEventKind.SAMPLED,
            None,
            data={"week": week, "agent": agent_id, "tickets": new, "interactions": len(tickets)},
        )
    return len(new)


# -- rubrics ------------------------------------------------------------------------------------


def rubric_current() -> Rubric | None:
    """The published rubric reviews are scored with now."""
    return Rubric.objects.filter(status=RubricStatus.PUBLISHED).order_by("-version").first()


@transaction.atomic
def rubric_draft(*, actor: User) -> Rubric:
    """The draft being edited: the one there is, or a copy of the published version."""
    draft = Rubric.objects.select_for_update().filter(status=RubricStatus.DRAFT).first()
    if draft is not None:
        return draft
    base = rubric_current()
    top = Rubric.objects.aggregate(v=Max("version"))["v"] or 0
    draft = Rubric.objects.create(
        name=base.name if base else "Interaction review",
        version=top + 1,
        status=RubricStatus.DRAFT,
        created_at=clock.now(),
    )
    if base is not None:
        for section in base.sections.prefetch_related("criteria"):
            copy = Section.objects.create(
                rubric=draft, title=section.title, position=section.position
            )
            Criterion.objects.bulk_create(
                [
                    Criterion(
                        section=copy,
                        label=c.label,
                        guidance=c.guidance,
                        weight=c.weight,
                        auto_fail=c.auto_fail,
                        script=c.script,
                        position=c.position,
                    )
                    for c in section.criteria.all()
                ]
            )
    _event(QaEventKind.RUBRIC_CHANGED, actor, rubric=draft, data={"change": "draft opened"})
    return draft


def _editable(rubric: Rubric) -> None:
    if rubric.status != RubricStatus.DRAFT:
        raise Conflict("Only a draft rubric can be changed; open a new version to edit it.")


@dataclass(frozen=True)
class CriterionIn:
    section: str
    label: str
    weight: int
    auto_fail: bool = False
    script: bool = False
    guidance: str = ""


@transaction.atomic
def criterion_add(*, rubric: Rubric, data: CriterionIn, actor: User) -> Criterion:
    """Add a criterion to a draft, in the section of that title (made if new)."""
    _editable(rubric)
    title = data.section.strip()
    section = Section.objects.filter(rubric=rubric, title=title).first()
    if section is None:
        section = Section.objects.create(
            rubric=rubric, title=title, position=rubric.sections.count()
        )
    criterion = Criterion.objects.create(
        section=section,
        label=data.label.strip(),
        weight=data.weight,
        auto_fail=data.auto_fail,
        script=data.script,
        guidance=data.guidance,
        position=section.criteria.count(),
    )
    _event(
        QaEventKind.RUBRIC_CHANGED,
        actor,
        rubric=rubric,
        data={"change": "criterion added", "criterion": criterion.label},
    )
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, actor: User) -> None:
    rubric = criterion.section.rubric
    _editable(rubric)
    section = criterion.section
    label = criterion.label
    criterion.delete()
    if not section.criteria.exists():
        section.delete()
    _event(
        QaEventKind.RUBRIC_CHANGED,
        actor,
        rubric=rubric,
        data={"change": "criterion removed", "criterion": label},
    )


@transaction.atomic
def weights_set(
    *,
    rubric: Rubric,
    weights: Mapping[int, int],
    flags: Mapping[int, tuple[bool, bool]],
    actor: User,
) -> None:
    """Set the draft's criteria's weights and their auto-fail and script flags."""
    _editable(rubric)
    criteria = list(Criterion.objects.filter(section__rubric=rubric))
    for c in criteria:
        c.weight = weights.get(c.pk, c.weight)
        c.auto_fail, c.script = flags.get(c.pk, (c.auto_fail, c.script))
    Criterion.objects.bulk_update(criteria, ["weight", "auto_fail", "script"])
    _event(QaEventKind.RUBRIC_CHANGED, actor, rubric=rubric, data={"change": "weights"})


@transaction.atomic
def rubric_publish(*, rubric: Rubric, actor: User) -> Rubric:
    """Publish a draft (its weights must add up to 100); the version before is retired."""
    _editable(rubric)
    weights = list(
        Criterion.objects.filter(section__rubric=rubric).values_list("weight", flat=True)
    )
    problem = pure.weights_problem(weights)
    if problem:
        raise ValidationFailed(problem, errors={"weights": [problem]})
    Rubric.objects.filter(status=RubricStatus.PUBLISHED).update(status=RubricStatus.RETIRED)
    rubric.status = RubricStatus.PUBLISHED
    rubric.published_at = clock.now()
    rubric.save(update_fields=["status", "published_at"])
    _event(QaEventKind.RUBRIC_PUBLISHED, actor, rubric=rubric, data={"version": rubric.version})
    return rubric


# -- reviews ------------------------------------------------------------------------------------


def _rated(rubric: Rubric, marks: Mapping[int, str]) -> tuple[list[Score], pure.Outcome]:
    criteria = list(Criterion.objects.filter(section__rubric=rubric))
    missing = [c for c in criteria if marks.get(c.pk) not in Mark.values]
    if missing:
        raise ValidationFailed(
            "Score every criterion.",
            errors={f"c{c.pk}": ["Choose how this criterion was met."] for c in missing},
        )
    rated = [
        pure.Rated(weight=c.weight, mark=marks[c.pk], auto_fail=c.auto_fail, script=c.script)
        for c in criteria
    ]
    scores = [Score(criterion=c, mark=marks[c.pk]) for c in criteria]
    return scores, pure.outcome(rated)


def may_review(item: SampleItem, user: User) -> bool:
    """The reviewer it was given to, or a lead; never the agent whose work it is."""
    if user.pk == item.agent_id:
        return False
    return item.reviewer_id == user.pk or user.has_perm(LEAD_PERM)


@transaction.atomic
def review_submit(
    *, item: SampleItem, reviewer: User, marks: Mapping[int, str], comment: str
) -> Review:
    """Score a sampled interaction with the published rubric."""
    item = SampleItem.objects.select_for_update().get(pk=item.pk)
    if not may_review(item, reviewer):
        raise PermissionDenied("This interaction is not yours to review.")
    if item.reviewed:
        raise Conflict("This interaction has been reviewed already.")
    rubric = rubric_current()
    if rubric is None:
        raise Conflict("No rubric is published: publish one in the rubric editor first.")
    review = _scored(
        Review(
            sample=item,
            rubric=rubric,
            ticket_id=item.ticket_id,
            agent_id=item.agent_id,
            reviewer=reviewer,
            week=item.week,
            comment=comment.strip(),
        ),
        marks,
    )
    item.reviewed = True
    item.save(update_fields=["reviewed"])
    _event(
        QaEventKind.REVIEWED,
        reviewer,
        review=review,
        data={"score": str(review.score), "auto_failed": review.auto_failed},
    )
    return review


def _scored(review: Review, marks: Mapping[int, str]) -> Review:
    """Score a new review with its rubric and save it with its marks."""
    scores, result = _rated(review.rubric, marks)
    review.score, review.auto_failed = result.score, result.auto_failed
    review.adherence, review.submitted_at = result.adherence, clock.now()
    review.save()
    _scores_save(review, scores)
    return review


def _scores_save(review: Review, scores: Sequence[Score]) -> None:
    for s in scores:
        s.review = review
    Score.objects.bulk_create(list(scores))


@transaction.atomic
def dispute_open(*, review: Review, actor: User, reason: str) -> Dispute:
    """The agent disputes a review of their work, with a reason."""
    if review.agent_id != actor.pk or review.session_id is not None:
        raise PermissionDenied("Only the agent reviewed may dispute a review.")
    if not reason.strip():
        raise ValidationFailed("Say why.", errors={"reason": ["Say why you dispute it."]})
    if Dispute.objects.filter(review=review).exists():
        raise Conflict("This review has been disputed already.")
    dispute = Dispute.objects.create(
        review=review, raised_by=actor, reason=reason.strip(), created_at=clock.now()
    )
    Review.objects.filter(pk=review.pk).update(status=ReviewStatus.DISPUTED)
    _event(QaEventKind.DISPUTED, actor, review=review, data={"reason": reason.strip()})
    return dispute


@transaction.atomic
def dispute_resolve(
    *,
    dispute: Dispute,
    actor: User,
    outcome: str,
    note: str,
    marks: Mapping[int, str] | None = None,
) -> Dispute:
    """A lead resolves a dispute: upheld (rescored with `marks`) or the score kept; a note."""
    dispute = Dispute.objects.select_for_update().select_related("review").get(pk=dispute.pk)
    review = dispute.review
    if dispute.outcome:
        raise Conflict("This dispute has been resolved already.")
    if actor.pk in (review.agent_id, review.reviewer_id):
        raise PermissionDenied("A dispute is resolved by a lead other than the agent and reviewer.")
    errors: dict[str, list[str]] = {}
    if outcome not in (DisputeOutcome.UPHELD, DisputeOutcome.KEPT):
        errors["outcome"] = ["Choose upheld or kept."]
    if not note.strip():
        errors["note"] = ["Write a note for the agent."]
    if errors:
        raise ValidationFailed("The dispute cannot be resolved as given.", errors=errors)
    before = str(review.score)
    if outcome == DisputeOutcome.UPHELD:
        scores, result = _rated(review.rubric, marks or {})
        review.scores.all().delete()
        _scores_save(review, scores)
        review.score, review.auto_failed = result.score, result.auto_failed
        review.adherence = result.adherence
    review.status = ReviewStatus.RESOLVED
    review.save(update_fields=["score", "auto_failed", "adherence", "status"])
    dispute.outcome, dispute.note = outcome, note.strip()
    dispute.resolved_by, dispute.resolved_at = actor, clock.now()
    dispute.save(update_fields=["outcome", "note", "resolved_by", "resolved_at"])
    _event(
        QaEventKind.DISPUTE_RESOLVED,
        actor,
        review=review,
        data={"outcome": outcome, "before": before, "after": str(review.score)},
    )
    return dispute


# -- calibration --------------------------------------------------------------------------------


@transaction.atomic
def calibration_open(
    *, ticket_id: int, agent: User | None, reviewers_: Sequence[User], lead: User
) -> CalibrationSession:
    """A lead asks several reviewers to score the same interaction blind."""
    rubric = rubric_current()
    errors: dict[str, list[str]] = {}
    if rubric is None:
        errors["rubric"] = ["Publish a rubric first."]
    if len({r.pk for r in reviewers_}) < 2:
        errors["reviewers"] = ["Choose at least two reviewers."]
    if agent is not None and agent.pk in {r.pk for r in reviewers_}:
        errors["reviewers"] = ["The agent whose work it is cannot score it."]
    if errors or rubric is None:
        raise ValidationFailed("The session cannot be opened as given.", errors=errors)
    session = CalibrationSession.objects.create(
        ticket_id=ticket_id, agent=agent, rubric=rubric, lead=lead, created_at=clock.now()
    )
    session.reviewers.set(reviewers_)
    _event(
        QaEventKind.CALIBRATION_OPENED,
        lead,
        data={"session": session.pk, "reviewers": sorted(r.pk for r in reviewers_)},
    )
    return session


@transaction.atomic
def calibration_score(
    *, session: CalibrationSession, reviewer: User, marks: Mapping[int, str], comment: str
) -> Review:
    """A reviewer's blind score in a calibration session; the last one closes it."""
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    if session.status != CalibrationStatus.OPEN:
        raise Conflict("This calibration session is closed.")
    seats = set(session.reviewers.values_list("pk", flat=True))
    if reviewer.pk not in seats:
        raise PermissionDenied("You are not one of this session's reviewers.")
    if Review.objects.filter(session=session, reviewer=reviewer).exists():
        raise Conflict("You have scored this session already.")
    review = _scored(
        Review(
            session=session,
            rubric=session.rubric,
            ticket_id=session.ticket_id,
            agent=session.agent,
            reviewer=reviewer,
            comment=comment.strip(),
        ),
        marks,
    )
    _event(QaEventKind.REVIEWED, reviewer, review=review, data={"session": session.pk})
    if Review.objects.filter(session=session).count() >= len(seats):
        _close(session, None)
    return review


def _close(session: CalibrationSession, actor: User | None) -> None:
    session.status = CalibrationStatus.CLOSED
    session.closed_at = clock.now()
    session.save(update_fields=["status", "closed_at"])
    _event(QaEventKind.CALIBRATION_CLOSED, actor, data={"session": session.pk})


@transaction.atomic
def calibration_close(*, session: CalibrationSession, actor: User) -> CalibrationSession:
    """The lead closes a session before everyone scored: the spread shows what there is."""
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    if session.status == CalibrationStatus.CLOSED:
        raise Conflict("This calibration session is closed already.")
    _close(session, actor)
    return session
