"""An incident in a real browser: an agent declares a Sev 2 incident, gathers 30 tickets from the
queue's selection, posts one update that reaches every requester by mail (the local SMTP
server), then resolves it keeping one ticket open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.core.outbox import outbox_deliver
from caredesk.incidents.models import Component, Incident, IncidentTicket, Service
from caredesk.tickets.models import Status, Ticket
from tests.factories import PASSWORD, AgentFactory, ContactFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.e2e


def test_an_agent_declares_links_thirty_tickets_tells_everyone_and_resolves(
    open_screen, smtp, clock
):
    team = TeamFactory(name="Member services", slug="member-services")
    agent = AgentFactory(teams=[team], name="Ilse Marwood", email="ilse.agent@caredesk.example")
    service = Service.objects.create(name="Video visits")
    Component.objects.create(
        service=service, name="Video rooms", slug="video-rooms",
        state_since=clock(), created_at=clock(),
    )  # fmt: skip
    spinning = [
        make_ticket(
            ContactFactory(name=f"Patient Spinner {n}", email=f"spin{n}@example.org"),
            subject="Visit room spinning forever",
            team=team,
        )  # fmt: skip
        for n in range(20)
    ]
    frozen = [
        make_ticket(
            ContactFactory(name=f"Patient Frozen {n}", email=f"frozen{n}@example.org"),
            subject="Camera frozen in the visit room",
            team=team,
        )  # fmt: skip
        for n in range(10)
    ]
    everyone = spinning + frozen
    smtp.messages.clear()

    screen = open_screen()
    page = screen.page
    screen.login(agent.email, PASSWORD)
    screen.goto("/agent/")
    page.get_by_role("link", name="Declare an incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declare an incident")
    page.get_by_label("Title").fill("Video rooms do not start")
    page.get_by_label("Severity").select_option(label="Sev 2 (major)")
    page.get_by_label("First update").fill("Patients wait in a spinning room.")
    page.get_by_label("Video visits: Video rooms").select_option(label="Major outage")
    page.get_by_label("Commander").select_option(label=agent.name)
    screen.check("declare form")
    screen.shoot("incident-declare")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Declare").click()
    incident = Incident.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"INC-{incident.number}")
    expect(page.locator("#incident-clocks")).to_contain_text("Acknowledge within")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status").first).to_contain_text("acknowledged")

    for words in ("spinning", "frozen"):
        screen.goto(f"/agent/?queue=all&q={words}")
        boxes = page.locator("table.tickets tbody input[name=ticket]")
        expect(boxes).to_have_count(20 if words == "spinning" else 10)
        page.locator("#pick-all").check()
        page.get_by_label("Link selected to incident").fill(f"INC-{incident.number}")
        if words == "frozen":
            screen.check("queue with the incident link")
            screen.shoot("incident-queue-link")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Link to incident").click()
        expect(page.locator(".flash-success").first).to_contain_text("Linked")
    assert IncidentTicket.objects.filter(incident=incident).count() == 30

    screen.goto(f"/agent/tickets/{frozen[0].pk}/")
    expect(page.get_by_text(f"Part of INC-{incident.number}")).to_be_visible()

    screen.goto(f"/agent/incidents/{incident.number}/")
    page.get_by_text("Post an update").click()
    page.get_by_label("State").select_option(label="Identified")
    page.get_by_label("Update", exact=True).fill("A media relay failed; we are moving rooms over.")
    page.get_by_label("Tell every linked requester").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Post update").click()
    expect(page.get_by_role("status").first).to_contain_text("Update posted")
    outbox_deliver()  # anything the after-commit delivery left for the worker
    told = [m for m in smtp.parsed() if "media relay failed" in m.get_body().get_content()]
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in told) == sorted(
        t.requester.email for t in everyone
    )
    expect(page.locator(".timeline")).to_contain_text("told 30 requesters")
    screen.check("incident page")
    screen.shoot("incident-page")

    kept = spinning[3]
    page.get_by_role("textbox", name="Resolution").fill(
        "Rooms start again; thank you for your patience."
    )
    page.get_by_label(f"{kept.ref} · {kept.subject}").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Resolve incident").click()
    expect(page.get_by_role("status").first).to_contain_text("1 kept open")
    statuses = dict(
        Ticket.objects.filter(pk__in=[t.pk for t in everyone]).values_list("pk", "status")
    )
    assert statuses.pop(kept.pk) == Status.OPEN
    assert set(statuses.values()) == {Status.SOLVED}
    screen.goto("/agent/incidents/")
    expect(page.get_by_role("heading", name="Recently resolved")).to_be_visible()
    screen.check("incident list")
    screen.shoot("incident-list")
