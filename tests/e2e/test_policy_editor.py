"""A support lead who does not write YAML, in a real browser: sees which tickets each shipped
policy governs and what is not set up yet, changes a keyword list and a route with the form,
finds the change in the YAML, and tries the policy on a real ticket found by search, reading
team and people names in the answer. Keyboard only where a lead would use it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import ContactKind
from caredesk.rules.models import Policy
from caredesk.rules.shipped import install_shipped
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.e2e


def build() -> dict:
    tier1 = TeamFactory(name="Tier 1 support", slug="tier-1", tier=1)
    owner = AgentFactory(name="Tomas Varga", email="tomas.owner@caredesk.example")
    TeamFactory(name="Technical support engineers", slug="tier-2", tier=2, lead=owner)
    TeamFactory(name="Billing and operations", slug="billing")
    lead = supervisor(name="Rosa Lindqvist", email="rosa.lead@caredesk.example", teams=[tier1])
    install_shipped()  # as on a fresh install's first start: engineering, clinical… not yet
    member = ContactFactory(
        name="Dorian Ashgrove",
        organization=OrganizationFactory(name="Tamarind Employer Health"),
        kind=ContactKind.PATIENT,
    )
    ticket = make_ticket(member, subject="The doctor's video keeps freezing", body="Help.")
    make_ticket(member, subject="The app keeps logging me out", body="Again.")
    return {"lead": lead, "ticket": ticket}


def test_a_lead_edits_a_shipped_policy_with_the_form_and_tries_it_on_a_real_ticket(open_screen):
    world = build()
    screen = open_screen()
    screen.allow("the server responded with a status of 422")  # the refused form, once
    screen.login(world["lead"].email, PASSWORD)
    page = screen.page

    # --- the list: what each policy governs, and what is not set up yet ---------------------
    screen.settings("Protocols")
    pipeline = page.get_by_role("row", name=re.compile("Technical support pipeline"))
    expect(pipeline).to_contain_text("Requesters: Client admin, Clinician")
    device = page.get_by_role("row", name=re.compile("Device escalation matrix"))
    expect(device).to_contain_text("Not set up yet")
    expect(device).to_contain_text("team “engineering”")
    screen.check("policies with scope and setup")
    screen.shoot("policies-scope")

    # --- the form: the keyword list and the route of "Unable to connect" --------------------
    page.get_by_role("link", name="Telehealth auto-triage").click()
    page.get_by_role("link", name="Form").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Telehealth auto-triage")
    rule = page.get_by_role("group", name="Rule 1: Unable to connect")
    words = rule.get_by_label("Words and phrases it looks for")
    expect(words).to_have_value("unable to connect")
    words.fill("")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert")).to_contain_text("The policy was not saved")
    expect(rule.locator(".error-text")).to_contain_text("Give at least one word or phrase")
    screen.check("form with an error on its field")
    screen.shoot("policy-form-error")

    words.focus()
    page.keyboard.type("unable to connect\nvideo keeps freezing")
    route = rule.get_by_label("Route to team")
    route.focus()
    route.select_option(label="Billing and operations")
    page.get_by_label("What changed and why").fill("Freezing video too; billing takes them")
    page.get_by_role("button", name="Save as a new version").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("version 2 saved")
    policy = Policy.objects.get(slug="telehealth-triage")
    connect = policy.rules[0]
    assert connect["when"]["all"][1]["keywords"] == ["unable to connect", "video keeps freezing"]
    assert {"type": "set_team", "team": "billing"} in connect["actions"]
    screen.check("policy form")
    screen.shoot("policy-form")

    # --- the YAML shows the same policy; try it on a real ticket found by search ------------
    page.get_by_role("link", name="YAML and try it").click()
    expect(page.get_by_label("Policy (YAML)")).to_have_value(re.compile("video keeps freezing"))
    pick = page.get_by_label("A real ticket")
    pick.fill("keeps")
    pick.press("Enter")  # tries; never saves
    matches = page.get_by_role("group", name="Several tickets match. Try it on:")
    expect(matches.get_by_role("button")).to_have_count(2)
    matches.get_by_role("button", name=world["ticket"].ref).click()
    result = page.locator("#simulation")
    expect(result).to_contain_text(f"What would happen to {world['ticket'].ref}")
    expect(result).to_contain_text("Route to Billing and operations")
    expect(result.get_by_text("billing", exact=True)).to_have_count(0)  # no bare slug
    assert Policy.objects.get(slug="telehealth-triage").version == 2, "trying saves nothing"
    screen.check("try it on a real ticket")
    screen.shoot("policy-try-real-ticket")

    # the technical pipeline's owner is a role, shown with the person who holds it
    screen.settings("Protocols")
    page.get_by_role("link", name="Technical support pipeline").click()
    page.get_by_label("Or a ticket described as JSON").fill(
        '{"subject": "Export fails", "channel": "email", "requester": {"type": "clinician"}}'
    )
    page.get_by_role("button", name="Simulate").click()
    result = page.locator("#simulation")
    expect(result).to_contain_text("Technical support engineers's lead (Tomas Varga)")
    expect(page.locator("#policy-problems")).to_contain_text("no team “engineering”")
    screen.check("pipeline tried")
