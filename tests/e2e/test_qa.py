"""Quality assurance in a real browser: a chat ticket an agent answered this week is drawn into
the weekly sample, the reviewer it was given to opens it from their queue, reads the chat and
scores it with the rubric, and the agent sees the review and disputes it; a quality lead then
works the disputes, the rubric editor, a calibration session and the reports. Screenshots at
1440 and 390 px of every Quality screen."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.qa.models import Criterion, Dispute, Review, SampleItem
from caredesk.qa.pure import week_of
from caredesk.qa.services import calibration_open, rubric_current, sample_week
from caredesk.tickets.models import Channel, MessageKind
from caredesk.tickets.services import Body, message_add
from tests.e2e import conftest as e2e
from tests.factories import PASSWORD, AgentFactory, ContactFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _shipped_rubric(clock):
    """Browser tests flush the database between tests: install the shipped rubric again."""
    from caredesk.qa.defaults import install_default_rubric
    from caredesk.qa.models import Rubric, Section

    install_default_rubric(Rubric, Section, Criterion, clock.current)


def _chat_answered(agent, subject: str):
    ticket = make_ticket(
        ContactFactory(name="Odile Brassard"),
        channel=Channel.CHAT,
        subject=subject,
        body="The camera stays black when my doctor joins.",
    )
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="Please allow the camera in the browser's address bar, then rejoin."),
        actor=agent,
    )
    return ticket


def _score_all(page, mark: str, **special: str) -> None:
    for group in page.locator("fieldset.qa-criterion").all():
        legend = group.locator("legend").inner_text()
        chosen = next((m for frag, m in special.items() if frag in legend), mark)
        group.get_by_label(chosen, exact=True).check()


def test_a_reviewer_scores_a_sampled_chat_and_the_agent_sees_it(open_screen, clock, monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-qa-shots")
    clock.set(datetime(2026, 11, 4, 10, tzinfo=UTC))
    team = TeamFactory(name="Virtual visits")
    agent = AgentFactory(name="Maelle Strand", email="maelle.agent@caredesk.example", teams=[team])
    reviewer = AgentFactory(
        role=ROLE_QUALITY, name="Ivo Castellane", email="ivo.quality@caredesk.example"
    )
    ticket = _chat_answered(agent, "Camera black in video visit")
    sample_week(week=week_of(clock.current))
    item = SampleItem.objects.get(ticket=ticket)
    assert (item.agent, item.reviewer) == (agent, reviewer)

    screen = open_screen()
    screen.login(reviewer.email, PASSWORD)
    page = screen.page
    screen.goto("/agent/")
    screen.quality("Reviews")
    expect(page.get_by_role("heading", level=1)).to_have_text("My review queue")
    screen.check("review queue")
    screen.shoot("qa-queue")
    page.get_by_role("link", name="Camera black in video visit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review")
    conversation = page.get_by_role("list", name="Conversation (read-only)")
    expect(conversation).to_contain_text("allow the camera")

    screen.check("review form")
    _score_all(page, "Met", **{"Diagnosis": "Not met", "troubleshooting": "Partly met"})
    page.get_by_label("Comment for the agent").fill(
        "Kind and clear; check the device log next time."
    )
    screen.shoot("qa-review-form")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("status").first).to_contain_text("Review saved: 80.0 %")
    review = Review.objects.get(sample=item)
    assert (review.score, review.reviewer, review.rubric.version) == (80, reviewer, 1)
    screen.page.close()

    screen = open_screen()
    screen.login(agent.email, PASSWORD)
    page = screen.page
    screen.goto("/agent/")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="My reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews of my work")
    row = page.get_by_role("row", name="Camera black in video visit")
    expect(row).to_contain_text("80.0 %")
    screen.check("my reviews")
    screen.shoot("qa-mine")
    row.get_by_role("link").click()
    expect(page.get_by_test_id("score")).to_contain_text("80.0 %")
    expect(page.get_by_text("check the device log next time")).to_be_visible()
    page.get_by_label("Why do you dispute this review?").fill("The log was not available in chat.")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Send dispute").click()
    expect(page.get_by_text("Waiting for a quality lead.")).to_be_visible()
    screen.check("review with dispute")
    screen.shoot("qa-review-detail")
    assert Dispute.objects.get(review=review).raised_by == agent


def test_a_lead_resolves_a_dispute_edits_the_rubric_calibrates_and_reads_reports(
    open_screen, clock, monkeypatch
):
    from caredesk.qa.services import dispute_open, review_submit

    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-qa-shots")
    clock.set(datetime(2026, 11, 4, 10, tzinfo=UTC))
    team = TeamFactory(name="Virtual visits")
    agent = AgentFactory(name="Maelle Strand", teams=[team])
    quality = AgentFactory(role=ROLE_QUALITY, name="Ivo Castellane")  # first: given the item
    lead = AgentFactory(role="Supervisor", name="Rosalind Achterberg", email="ros@caredesk.example")
    ticket = _chat_answered(agent, "Camera black in video visit")
    sample_week(week=week_of(clock.current))
    item = SampleItem.objects.get(ticket=ticket)
    assert item.reviewer == quality
    criteria = Criterion.objects.filter(section__rubric=rubric_current())
    review = review_submit(
        item=item,
        reviewer=item.reviewer,
        marks={c.pk: "missed" if "Verified" in c.label else "met" for c in criteria},
        comment="Identity not verified.",
    )
    dispute_open(review=review, actor=agent, reason="The requester was verified by phone first.")
    session = calibration_open(
        ticket_id=ticket.pk, agent=agent, reviewers_=[lead, quality], lead=lead
    )

    screen = open_screen()
    screen.login(lead.email, PASSWORD)
    page = screen.page
    screen.goto("/agent/quality/disputes/")
    screen.check("disputes")
    screen.shoot("qa-disputes")
    page.get_by_role("link", name="Camera black in video visit").click()
    page.get_by_label("Uphold and rescore").check()
    page.get_by_label("Note for the agent").fill("The call log shows the verification.")
    page.get_by_text("Rescore (when upheld)").click()
    _score_all(page, "Met")
    screen.shoot("qa-dispute")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Resolve dispute").click()
    expect(page.get_by_role("status").first).to_contain_text("Dispute resolved")
    review.refresh_from_db()
    assert (review.score, review.auto_failed) == (100, False)

    # the rubric: a new version whose weights must add up to 100
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("navigation", name="Quality").get_by_role("link", name="Rubric").click()
    screen.check("rubric")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Edit as a new version").click()
    screen.allow("status of 422")
    page.get_by_label("Weight of Plain words and a respectful tone").fill("15")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save and publish").click()
    expect(
        page.get_by_text("The weights add up to 105; they must add up to 100.").first
    ).to_be_visible()
    screen.check("rubric with errors")
    screen.shoot("qa-rubric")
    page.get_by_label("Weight of Plain words and a respectful tone").fill("10")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("status").first).to_contain_text("Version 2 published")

    # calibration: the lead scores blind, then closes the session; the spread shows
    screen.goto(f"/agent/quality/calibration/{session.pk}/")
    _score_all(page, "Met", **{"Diagnosis": "Partly met"})
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Submit score").click()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Close and show the spread").click()
    expect(page.get_by_test_id("total-stdev")).to_have_text("0.0")
    screen.check("calibration spread")
    screen.shoot("qa-calibration")
    screen.goto("/agent/quality/calibration/")
    screen.check("calibration list")
    screen.shoot("qa-calibrations")

    page.get_by_role("navigation", name="Quality").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("row", name="Maelle Strand")).to_contain_text("100.0")
    screen.check("reports")
    screen.shoot("qa-reports")
