"""The Quality screens: field-level refusals, never a 5xx, and constant queries per page."""

from __future__ import annotations

import pytest

from caredesk.qa import services
from caredesk.qa.models import Criterion, Review, SampleItem
from caredesk.qa.services import sample_week
from tests.factories import AgentFactory, TeamFactory, signed_in
from tests.qa.conftest import reviewers_panel, worked

pytestmark = pytest.mark.django_db
WEEK = "2026-W45"
# a page with its sidebar, whatever the number of agents, teams or items (asserted twice)
PAGE_QUERIES = 12


@pytest.fixture
def item(clock):
    reviewers_panel()
    agent = AgentFactory(teams=[TeamFactory()])
    worked(clock, agent, week=WEEK, count=4)
    sample_week(week=WEEK)
    return SampleItem.objects.get(agent=agent)


def _marks(**override: str) -> dict[str, str]:
    criteria = Criterion.objects.filter(section__rubric=services.rubric_current())
    return {f"c{c.pk}": override.get(str(c.pk), "met") for c in criteria}


def test_a_review_missing_a_mark_is_refused_on_that_criterion(item):
    client = signed_in(item.reviewer)
    marks = _marks()
    missing = next(iter(marks))
    del marks[missing]
    page = client.post(f"/agent/quality/samples/{item.pk}/", {**marks, "comment": "Fine"})
    assert page.status_code == 422
    assert f'id="id_{missing}_error"' in page.content.decode()
    assert not Review.objects.exists()
    bad = client.post(f"/agent/quality/samples/{item.pk}/", {**marks, missing: "maybe"})
    assert bad.status_code == 422


def test_a_review_with_a_comment_is_saved_and_the_agent_reads_it(item):
    page = signed_in(item.reviewer).post(
        f"/agent/quality/samples/{item.pk}/", {**_marks(), "comment": "Clear and kind."}
    )
    assert page.status_code == 302
    review = Review.objects.get(sample=item)
    mine = signed_in(item.agent).get(f"/agent/quality/reviews/{review.pk}/")
    assert mine.status_code == 200 and "Clear and kind." in mine.content.decode()
    assert signed_in(AgentFactory()).get(f"/agent/quality/reviews/{review.pk}/").status_code == 404


def test_the_agent_cannot_open_their_own_item_even_as_a_reviewer(clock):
    lead = reviewers_panel().lead
    worked(clock, lead, week=WEEK, count=2)
    sample_week(week=WEEK)
    own = SampleItem.objects.get(agent=lead)
    assert own.reviewer != lead
    assert signed_in(lead).get(f"/agent/quality/samples/{own.pk}/").status_code == 404


def test_weights_that_do_not_add_up_are_refused_with_the_total(clock):
    lead = reviewers_panel().lead
    draft = services.rubric_draft(actor=lead)
    criteria = Criterion.objects.filter(section__rubric=draft)
    body = {f"w{c.pk}": c.weight for c in criteria}
    body[f"w{criteria[0].pk}"] = 0
    page = signed_in(lead).post("/agent/quality/rubric/save/", {**body, "publish": "1"})
    assert page.status_code == 422
    assert "The weights add up to" in page.content.decode()
    body[f"w{criteria[0].pk}"] = "-3"
    assert signed_in(lead).post("/agent/quality/rubric/save/", body).status_code == 422


def test_a_bad_week_in_the_report_is_a_400_with_the_reason(clock):
    lead = reviewers_panel().lead
    page = signed_in(lead).get("/agent/quality/reports/", {"week": "2026-W99"})
    assert page.status_code == 400 and "has no week 99" in page.content.decode()
    api = signed_in(lead).get("/api/v1/qa/reports", {"week": "49"})
    assert api.status_code == 422


def test_the_report_costs_the_same_queries_for_many_agents(
    clock, long_sessions, django_assert_max_num_queries
):
    lead = reviewers_panel().lead
    client = signed_in(lead)
    client.get("/agent/quality/reports/", {"week": WEEK})  # warm the session and caches
    for n in range(2):
        worked(clock, AgentFactory(teams=[TeamFactory()]), week=WEEK, count=3, offset=n)
    sample_week(week=WEEK)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/agent/quality/reports/", {"week": WEEK}).status_code == 200
    for n in range(6):
        worked(clock, AgentFactory(teams=[TeamFactory()]), week=WEEK, count=3, offset=n)
    sample_week(week=WEEK)
    client.get("/agent/quality/reports/", {"week": WEEK})  # the session notes the moved clock
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get("/agent/quality/reports/", {"week": WEEK})
    assert page.content.decode().count('class="qa-spark"') == 2 * 8  # agents and teams


def test_the_queue_costs_the_same_queries_for_many_items(
    clock, long_sessions, django_assert_max_num_queries
):
    panel = reviewers_panel()
    for n in range(3):
        worked(clock, AgentFactory(), week=WEEK, count=2, offset=n)
    sample_week(week=WEEK)
    client = signed_in(panel.quality)
    client.get("/agent/quality/")
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get("/agent/quality/")
    for n in range(8):
        worked(clock, AgentFactory(), week=WEEK, count=2, offset=n)
    sample_week(week=WEEK)
    client.get("/agent/quality/")  # the session notes the moved clock once
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/agent/quality/").status_code == 200
