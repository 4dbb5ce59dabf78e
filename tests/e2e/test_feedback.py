"""Customer feedback in a real browser: a ticket is solved; past the delay the worker's sweep
mails the survey to the local SMTP server; the requester opens a rating link from that mail,
confirms the score with a comment; the support lead finds the answer under the agent on the
desk's Feedback screen and opens a follow-up. Screenshots at 1440 and 390 of the answer page,
the thank-you page and the Feedback screen."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.core.outbox import outbox_deliver
from caredesk.feedback.services import surveys_send
from caredesk.tasks import feedback_surveys_task
from tests.e2e import conftest as e2e
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    supervisor,
)
from tests.feedback.conftest import solve

pytestmark = pytest.mark.e2e


def _rating_links(smtp) -> dict[int, str]:
    (mail,) = [m for m in smtp.parsed() if "How did we do" in str(m["Subject"])]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r"^(\d) - [^:]+: (https?://\S+)\r?$", text, re.MULTILINE)
    }


def test_a_solved_tickets_requester_rates_it_from_the_mail(
    open_screen, clock, smtp, monkeypatch, settings, live_server
):
    settings.CAREDESK_BASE_URL = live_server.url  # the mail's links lead to this server
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-feedback")
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    team = TeamFactory(name="Member services", slug="member-services")
    agent = AgentFactory(teams=[team], name="Orla Penhallow", email="orla.agent@caredesk.example")
    lead = supervisor(teams=[team], name="Bram Kettering", email="bram.lead@caredesk.example")
    org = OrganizationFactory(name="Harrowgate Clinic")
    requester = ContactFactory(name="Wenna Rask", email="wenna.rask@example.org", organization=org)
    ticket = make_ticket(
        requester,
        subject="Visit link opens a blank page",
        team=team,
        assignee=agent,
        organization=org,
    )
    solve(ticket, agent)

    # --- past the delay, the worker's sweep sends the survey -----------------------------------
    clock.advance(hours=23)
    assert surveys_send() == 0
    clock.advance(hours=2)
    assert feedback_surveys_task.call_local() == 1
    outbox_deliver()
    links = _rating_links(smtp)
    assert sorted(links) == [1, 2, 3, 4, 5]
    link = links[2]
    assert link.startswith(f"{live_server.url}/feedback/rate/")

    # --- the requester opens the link, sees their choice and confirms with a comment -----------
    screen = open_screen()
    page = screen.page
    page.goto(link)
    expect(page.get_by_role("heading", name=f"How did we do with {ticket.ref}?")).to_be_visible()
    expect(page.get_by_label("2 - Poor")).to_be_checked()
    screen.check("rating page")
    screen.shoot("feedback-rate")
    page.get_by_label("Anything you want to tell us? (optional)").fill(
        "It took three days and two calls before anyone answered."
    )
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer is recorded: 2 (Poor)")
    screen.check("thank-you page")
    screen.shoot("feedback-thanks")

    # --- the support lead sees it under the agent and opens a follow-up ------------------------
    desk = open_screen()
    desk.login(lead.email, PASSWORD)
    dpage = desk.page
    desk.goto("/agent/")
    desk.quality("Feedback")
    table = dpage.get_by_role("region", name="CSAT table by agent")
    row = table.get_by_role("row", name=re.compile("Orla Penhallow"))
    expect(row).to_contain_text("0.0 %")  # one answer, not satisfied
    expect(row).to_contain_text("100.0 %")  # response rate
    comments = dpage.locator(".feedback-comments")
    expect(comments).to_contain_text("two calls before anyone answered")
    expect(comments).to_contain_text("Orla Penhallow")
    desk.check("feedback screen")
    desk.shoot("feedback-results")
    comments.get_by_role("button", name=re.compile("Follow up")).click()
    expect(dpage.locator(".flash-success")).to_contain_text("Follow-up")
    expect(dpage.locator(".conversation")).to_contain_text("two calls before anyone answered")

    # the agent sees their own results only, without the dimension choice
    own = open_screen()
    own.login(agent.email, PASSWORD)
    own.goto("/agent/feedback/")
    expect(own.page.get_by_role("heading", name="Feedback")).to_be_visible()
    expect(own.page.get_by_label("Group by")).to_have_count(0)
    expect(own.page.get_by_role("region", name="CSAT table by agent")).to_contain_text(
        "Orla Penhallow"
    )


def test_a_contact_answers_the_recommendation_survey(open_screen, clock, monkeypatch, settings):
    from datetime import timedelta

    from caredesk.feedback import links
    from caredesk.feedback.models import Kind, State, Survey

    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-feedback")
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    contact = ContactFactory(name="Idris Lowe", email="idris.lowe@example.org")
    survey = Survey.objects.create(
        kind=Kind.NPS, state=State.SENT, token="nps-e2e-token", contact=contact,
        due_at=clock.current, sent_at=clock.current, quarter="2026-Q4",
    )  # fmt: skip
    link = links.rate_link(survey.token, 8, expires=clock.current + timedelta(days=30))
    screen = open_screen()
    page = screen.page
    page.goto(f"{screen.base_url}/feedback/{link.split('/feedback/', 1)[1]}")
    expect(page.get_by_role("heading", name="Would you recommend us?")).to_be_visible()
    expect(page.get_by_label("8", exact=True)).to_be_checked()
    screen.check("recommendation page")
    screen.shoot("feedback-nps")
    page.get_by_label("10", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("10 out of 10")
    survey.refresh_from_db()
    assert survey.score == 10
    # an altered link: a clear page, nothing recorded
    page.goto(f"{screen.base_url}/feedback/rate/{'x' * 40}/")
    expect(page.get_by_role("heading", name="Link not valid")).to_be_visible()
    screen.allow("400")
    screen.shoot("feedback-refused")
