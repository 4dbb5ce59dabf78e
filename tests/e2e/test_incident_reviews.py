"""Root-cause reviews in a real browser: a Sev 1 incident resolved on the Friday before
Thanksgiving gets a review due 7 business days later; its commander fills it in, adds an action
item linked to a backlog ticket and completes it; the report shows it on time; a stakeholder
(the affected clinic's admin) rates the incident from the link in the mail the local SMTP server
received. Screenshots at 1440 and 390 of the list, the review, the report and the answer page."""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import ContactKind
from caredesk.core.outbox import outbox_deliver
from caredesk.incidents.models import Review
from caredesk.incidents.services import incident_acknowledge, incident_declare, incident_resolve
from tests.e2e import conftest as e2e
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
)

pytestmark = pytest.mark.e2e

ET = ZoneInfo("America/New_York")


def _rating_links(smtp, to: str) -> dict[int, str]:
    (mail,) = [m for m in smtp.parsed() if to in str(m["To"])]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r"^(\d) - [^:]+: (https?://\S+)\r?$", text, re.MULTILINE)
    }


def test_a_sev_1_review_is_filled_completed_on_time_and_rated(
    open_screen, clock, smtp, monkeypatch, settings, live_server, long_sessions
):
    settings.CAREDESK_BASE_URL = live_server.url  # the mail's links lead to this server
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-reviews")
    clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=ET))  # Friday before Thanksgiving
    team = TeamFactory(name="Video platform", slug="video-platform")
    commander = AgentFactory(
        teams=[team], name="Odile Marchetti", email="odile.commander@caredesk.example"
    )
    org = OrganizationFactory(name="Harrowgate Clinic")
    admin = requester_with_login(
        organization=org, kind=ContactKind.CLIENT_ADMIN, name="Wenna Rask",
        email="wenna.rask@harrowgate.example",
    )  # fmt: skip
    backlog = make_ticket(ContactFactory(), team=team, subject="Media relay leaks ports")

    incident = incident_declare(
        title="Video rooms fail to connect", severity=1, actor=commander, commander=commander,
        organizations=[org], body="Patients cannot join video visits.", page=False,
    )  # fmt: skip
    clock.advance(minutes=4)
    incident_acknowledge(incident=incident, user=commander)
    clock.advance(minutes=36)
    incident_resolve(incident=incident, actor=commander, body="The media relay is back.")
    review = Review.objects.get(incident=incident)
    # Mon 23, Tue 24, Wed 25, (Thanksgiving), Fri 27, Mon 30, Tue 1, Wed 2 December
    assert review.due_at == datetime(2026, 12, 2, 15, 40, tzinfo=ET)
    outbox_deliver()

    # --- the commander finds the review in the list and fills it in ----------------------------
    desk = open_screen()
    desk.login(commander.email, PASSWORD)
    page = desk.page
    desk.goto("/agent/")
    desk.quality("Incident reviews")
    row = page.get_by_role("row", name=re.compile("Video rooms fail to connect"))
    expect(row).to_contain_text("Wed 2 Dec 2026")
    expect(row).to_contain_text("Due")
    desk.check("review list")
    desk.shoot("incident-reviews-list")
    row.get_by_role("link").click()
    page.wait_for_load_state("load")
    expect(page.get_by_label("Timeline")).to_have_value(re.compile("Resolved: The media relay"))
    page.get_by_label("Summary").fill("Video visits failed for 40 minutes on Friday afternoon.")
    page.get_by_role("button", name="Complete the review").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("alert")).to_contain_text("Write the root cause")
    desk.allow("status of 422")  # the refused completion answers 422 with its field errors
    desk.check("refused completion")
    page.get_by_label("Root cause").fill("The media relay leaked ports until none were left.")
    page.get_by_label("Lessons").fill("Alert on free relay ports.")

    page.get_by_label("Action", exact=True).fill("Fix the port leak")
    page.get_by_label("Backlog ticket").fill(backlog.ref)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Add the action item").click()
    actions = page.get_by_role("region", name="Table of action items")
    expect(actions).to_contain_text(backlog.ref)
    expect(actions).to_contain_text("Fix the port leak")
    # the summary typed before adding the action was not saved yet: write it again and complete
    page.get_by_label("Summary").fill("Video visits failed for 40 minutes on Friday afternoon.")
    page.get_by_label("Root cause").fill("The media relay leaked ports until none were left.")
    desk.check("review page")
    desk.shoot("incident-review")
    clock.advance(days=3)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Complete the review").click()
    expect(page.locator("#review-state")).to_contain_text("Completed on time")

    # --- the report shows it on time -------------------------------------------------------------
    desk.goto("/agent/incidents/reviews/report/?start=2026-11-01&end=2026-12-31")
    table = page.get_by_role("region", name="Reviews on time by month and severity")
    expect(table.get_by_role("row", name=re.compile("December 2026"))).to_contain_text("100.0 %")
    expect(page.locator("#on-time-share")).to_have_text("100.0 %")
    times = page.get_by_role("region", name="Time to acknowledge and resolve by severity")
    expect(times.get_by_role("row", name=re.compile("Sev 1"))).to_contain_text("4 min")
    desk.check("report")
    desk.shoot("incident-reviews-report")

    # --- the clinic's admin rates the incident from the mail --------------------------------------
    links = _rating_links(smtp, admin.email)
    assert sorted(links) == [1, 2, 3, 4, 5]
    assert links[5].startswith(f"{live_server.url}/incident-survey/")
    stakeholder = open_screen()
    spage = stakeholder.page
    spage.goto(links[5])
    heading = f"How did we handle incident INC-{incident.number}?"
    expect(spage.get_by_role("heading", name=heading)).to_be_visible()
    expect(spage.get_by_label("5 - Very satisfied")).to_be_checked()
    stakeholder.check("rating page")
    stakeholder.shoot("incident-stakeholder-rate")
    with spage.expect_navigation(wait_until="load"):
        spage.get_by_role("button", name="Send my answer").click()
    expect(spage.get_by_role("status")).to_contain_text("5 (Very satisfied)")

    desk.goto(f"/agent/incidents/reviews/{review.pk}/")
    expect(page.locator("#satisfaction-summary")).to_contain_text("average 5.0 out of 5")
