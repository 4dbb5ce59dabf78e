"""Reviews, disputes, calibration and rubric versions through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caredesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from caredesk.qa import services
from caredesk.qa.models import (
    CalibrationStatus,
    Criterion,
    QaEvent,
    QaEventKind,
    ReviewStatus,
    Rubric,
    RubricStatus,
    SampleItem,
)
from caredesk.qa.selectors import calibration_view, report
from caredesk.qa.services import CriterionIn, sample_week
from tests.factories import AgentFactory, TeamFactory
from tests.qa.conftest import reviewers_panel, worked

pytestmark = pytest.mark.django_db
WEEK = "2026-W45"


def _criteria() -> list[Criterion]:
    return list(Criterion.objects.filter(section__rubric=services.rubric_current()))


def _all(mark: str, **override: str) -> dict[int, str]:
    """Every criterion of the shipped rubric marked `mark`, some by label fragment overridden."""
    marks = {}
    for c in _criteria():
        marks[c.pk] = next((m for frag, m in override.items() if frag in c.label), mark)
    return marks


@pytest.fixture
def sampled(clock):
    panel = reviewers_panel()
    agent = AgentFactory(name="Tomas Veld", teams=[TeamFactory(name="Video visits")])
    worked(clock, agent, week=WEEK, count=10)
    sample_week(week=WEEK)
    item = SampleItem.objects.get(agent=agent)
    reviewer = item.reviewer
    return panel, agent, item, reviewer


def test_the_shipped_rubric_has_the_four_areas_and_weights_of_a_hundred():
    rubric = services.rubric_current()
    assert rubric is not None and rubric.version == 1
    titles = list(rubric.sections.values_list("title", flat=True))
    assert titles == [
        "Clinical risk escalation",
        "Technical accuracy",
        "Empathy",
        "Privacy scripts",
    ]
    assert sum(c.weight for c in _criteria()) == 100
    assert {c.label for c in _criteria() if c.auto_fail} == {
        "Recognised clinical risk and escalated as the protocol says",
        "Verified identity before discussing health information",
    }


def test_a_review_scores_the_weighted_share_and_script_adherence(sampled):
    _panel, agent, item, reviewer = sampled
    marks = _all("met", **{"Diagnosis": "missed", "troubleshooting": "partly"})
    review = services.review_submit(item=item, reviewer=reviewer, marks=marks, comment="Good")
    # 100 - 15 (diagnosis missed) - 5 (half the script's 10)
    assert review.score == Decimal("80.0") and not review.auto_failed
    assert review.adherence == Decimal("80.0")  # 4 of the 5 script criteria fully met
    item.refresh_from_db()
    assert item.reviewed and review.rubric.version == 1 and review.agent == agent
    assert QaEvent.objects.filter(kind=QaEventKind.REVIEWED, actor=reviewer).exists()


def test_a_missed_privacy_script_fails_the_review(sampled):
    _panel, _agent, item, reviewer = sampled
    marks = _all("met", **{"Verified identity": "missed"})
    review = services.review_submit(item=item, reviewer=reviewer, marks=marks, comment="")
    assert (review.score, review.auto_failed) == (Decimal("0.0"), True)


def test_every_criterion_must_be_scored_and_each_missing_one_is_named(sampled):
    _panel, _agent, item, reviewer = sampled
    marks = _all("met")
    missing = marks.popitem()[0]
    with pytest.raises(ValidationFailed) as caught:
        services.review_submit(item=item, reviewer=reviewer, marks=marks, comment="")
    assert list(caught.value.errors) == [f"c{missing}"]


def test_the_agent_cannot_review_their_own_work_nor_can_a_stranger(sampled):
    panel, agent, item, reviewer = sampled
    with pytest.raises(PermissionDenied):
        services.review_submit(item=item, reviewer=agent, marks=_all("met"), comment="")
    with pytest.raises(PermissionDenied):
        services.review_submit(item=item, reviewer=AgentFactory(), marks=_all("met"), comment="")
    services.review_submit(item=item, reviewer=reviewer, marks=_all("met"), comment="")
    with pytest.raises(Conflict):
        services.review_submit(item=item, reviewer=reviewer, marks=_all("met"), comment="")


def test_a_dispute_upheld_rescores_and_one_kept_keeps_the_score(sampled, clock):
    panel, agent, item, reviewer = sampled
    review = services.review_submit(
        item=item, reviewer=reviewer, marks=_all("met", **{"Verified": "missed"}), comment=""
    )
    with pytest.raises(PermissionDenied):
        services.dispute_open(review=review, actor=reviewer, reason="mine")
    with pytest.raises(ValidationFailed):
        services.dispute_open(review=review, actor=agent, reason="  ")
    dispute = services.dispute_open(review=review, actor=agent, reason="I did verify the DOB.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.DISPUTED

    lead = AgentFactory(role="Supervisor")
    with pytest.raises(PermissionDenied):  # not by the reviewer who scored it
        services.dispute_resolve(dispute=dispute, actor=reviewer, outcome="upheld", note="x")
    with pytest.raises(ValidationFailed) as caught:
        services.dispute_resolve(dispute=dispute, actor=lead, outcome="", note="")
    assert set(caught.value.errors) == {"outcome", "note"}
    services.dispute_resolve(
        dispute=dispute, actor=lead, outcome="upheld", note="The call shows it.", marks=_all("met")
    )
    review.refresh_from_db()
    assert (review.score, review.auto_failed, review.status) == (
        Decimal("100.0"),
        False,
        ReviewStatus.RESOLVED,
    )
    events = list(QaEvent.objects.filter(review=review).values_list("kind", "actor"))
    assert (QaEventKind.DISPUTED, agent.pk) in events
    assert (QaEventKind.DISPUTE_RESOLVED, lead.pk) in events
    with pytest.raises(Conflict):
        services.dispute_resolve(dispute=dispute, actor=lead, outcome="kept", note="again")


def test_a_kept_dispute_leaves_the_score(sampled):
    _panel, agent, item, reviewer = sampled
    review = services.review_submit(
        item=item, reviewer=reviewer, marks=_all("met", **{"Diagnosis": "missed"}), comment=""
    )
    dispute = services.dispute_open(review=review, actor=agent, reason="Too harsh.")
    lead = AgentFactory(role="Supervisor")
    services.dispute_resolve(dispute=dispute, actor=lead, outcome="kept", note="It was wrong.")
    review.refresh_from_db()
    assert review.score == Decimal("85.0") and review.status == ReviewStatus.RESOLVED


def test_calibration_shows_the_spread_when_everyone_scored(clock):
    panel = reviewers_panel()
    third = AgentFactory(role="Clinical and quality")
    agent = AgentFactory()
    ticket = worked(clock, agent, week=WEEK, count=1)[0]
    with pytest.raises(ValidationFailed):
        services.calibration_open(
            ticket_id=ticket.pk, agent=agent, reviewers_=[third], lead=panel.lead
        )
    session = services.calibration_open(
        ticket_id=ticket.pk,
        agent=agent,
        reviewers_=[panel.quality, third, panel.lead],
        lead=panel.lead,
    )
    services.calibration_score(
        session=session, reviewer=panel.quality, marks=_all("met"), comment=""
    )
    with pytest.raises(PermissionDenied):
        services.calibration_score(session=session, reviewer=agent, marks=_all("met"), comment="")
    services.calibration_score(
        session=session, reviewer=third, marks=_all("met", **{"Diagnosis": "missed"}), comment=""
    )
    session.refresh_from_db()
    assert session.status == CalibrationStatus.OPEN
    services.calibration_score(
        session=session,
        reviewer=panel.lead,
        marks=_all("met", **{"Diagnosis": "partly"}),
        comment="",
    )
    session.refresh_from_db()
    assert session.status == CalibrationStatus.CLOSED
    view = calibration_view(session)
    assert view.total is not None
    assert (view.total.low, view.total.high, view.total.stdev) == (
        Decimal("85.0"),
        Decimal("100.0"),
        Decimal("6.1"),
    )
    diagnosis = next(r for r in view.rows if "Diagnosis" in r["criterion"].label)
    assert (diagnosis["spread"].low, diagnosis["spread"].high) == (Decimal(0), Decimal(100))
    # calibration scores are not the agent's reviews
    assert not services.Review.objects.filter(agent=agent, session__isnull=True).exists()


def test_the_lead_may_close_a_session_early(clock):
    panel = reviewers_panel()
    third = AgentFactory(role="Clinical and quality")
    ticket = worked(clock, AgentFactory(), week=WEEK, count=1)[0]
    session = services.calibration_open(
        ticket_id=ticket.pk, agent=None, reviewers_=[panel.quality, third], lead=panel.lead
    )
    services.calibration_score(session=session, reviewer=third, marks=_all("met"), comment="")
    services.calibration_close(session=session, actor=panel.lead)
    assert calibration_view(session).total.stdev == Decimal("0.0")
    with pytest.raises(Conflict):
        services.calibration_score(
            session=session, reviewer=panel.quality, marks=_all("met"), comment=""
        )


def test_a_new_rubric_version_leaves_old_reviews_on_theirs(sampled):
    panel, _agent, item, reviewer = sampled
    old = services.review_submit(item=item, reviewer=reviewer, marks=_all("met"), comment="")
    draft = services.rubric_draft(actor=panel.lead)
    assert draft.version == 2 and draft.status == RubricStatus.DRAFT
    services.criterion_add(
        rubric=draft,
        data=CriterionIn(section="Empathy", label="Closed with a summary", weight=10),
        actor=panel.lead,
    )
    with pytest.raises(ValidationFailed) as caught:
        services.rubric_publish(rubric=draft, actor=panel.lead)
    assert "add up to 110" in caught.value.errors["weights"][0]
    empathy = Criterion.objects.get(
        section__rubric=draft, label="Plain words and a respectful tone"
    )
    services.weights_set(rubric=draft, weights={empathy.pk: 0}, flags={}, actor=panel.lead)
    services.rubric_publish(rubric=draft, actor=panel.lead)
    assert services.rubric_current() == draft
    assert Rubric.objects.get(version=1).status == RubricStatus.RETIRED
    old.refresh_from_db()
    assert old.rubric.version == 1
    with pytest.raises(Conflict):
        services.criterion_add(
            rubric=draft, data=CriterionIn(section="X", label="Y", weight=1), actor=panel.lead
        )


def test_the_report_reads_coverage_scores_and_adherence_per_agent_and_team(sampled):
    _panel, agent, item, reviewer = sampled
    services.review_submit(item=item, reviewer=reviewer, marks=_all("met"), comment="")
    agents, teams = report(["2026-W44", WEEK])
    line = next(a for a in agents if a.name == "Tomas Veld")
    cell = line.cells[1]
    assert (cell.interactions, cell.sampled, cell.reviewed) == (10, 1, 1)
    assert (cell.score, cell.adherence) == (Decimal("100.0"), Decimal("100.0"))
    assert line.cells[0].score is None
    team = next(t for t in teams if t.name == "Video visits")
    assert team.cells[1].score == Decimal("100.0")
