"""The policy editor for a lead who does not write YAML: the form beside the YAML edits the
same policy (round trip), errors land on their fields, "Try it" takes a real ticket by
reference or search and answers with team and people names, and what a policy names that is
not set up yet is said plainly."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from caredesk.accounts.models import Organization, User
from caredesk.accounts.roles import ROLE_AGENT
from caredesk.rules.models import Policy
from caredesk.rules.policies import parse_yaml, policy_save_yaml, policy_yaml
from caredesk.rules.shipped import install_shipped
from tests.factories import (
    AgentFactory,
    ContactFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.django_db

POLICY = """# Routing for billing questions
name: Billing routing
scope: {channels: [email, portal]}
rules:
  - name: Invoices
    on: [ticket.created]
    when:
      all:
        - {field: category, op: absent}
        - keywords: [invoice, billing]
          synonyms: {billing: [charged]}
    actions:
      - {type: set_team, team: billing}
      - {type: set_priority, priority: 2}
      - {type: add_tags, tags: [billing]}
      - {type: guidance, text: "Check the invoice in the billing system."}
      - {type: notify, to: ["lead:billing"]}
  - name: Refunds
    when: {keywords: [refund]}
    actions:
      - {type: block_escalation, reason: "Refunds are decided by billing."}
"""


@pytest.fixture
def world(clock):
    lead = supervisor(name="Rosa Lead")
    hugo = AgentFactory(name="Hugo Mbeki", email="hugo.billing@caredesk.example")
    TeamFactory(slug="billing", name="Billing and operations", lead=hugo)
    TeamFactory(slug="tier-2", name="Technical support engineers", tier=2)
    policy = policy_save_yaml(text=POLICY, actor=lead)
    client = Client()
    login_verified(client, lead)
    return {"lead": lead, "client": client, "policy": policy}


def _fields(client: Client, slug: str) -> dict[str, object]:
    """What the form shows, as a browser would post it back unchanged."""
    page = client.get(f"/agent/policies/{slug}/form/")
    assert page.status_code == 200
    form = page.context["form"]
    data: dict[str, object] = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        data[name] = "on" if value is True else value
    return data


def test_the_form_saved_unchanged_keeps_the_policy_as_it_was(world):
    client, policy = world["client"], world["policy"]
    response = client.post(f"/agent/policies/{policy.slug}/form/", _fields(client, policy.slug))
    assert response.status_code == 302
    saved = Policy.objects.get(pk=policy.pk)
    assert saved.version == 2
    assert saved.document == policy.document  # scope, rules, synonyms, notify: all kept
    # the YAML editor shows the same policy, and reads back to it
    assert parse_yaml(policy_yaml(saved))[0]["rules"] == policy.rules


def test_a_lead_changes_a_keyword_list_and_a_route_with_the_form_and_the_yaml_shows_it(world):
    client, policy = world["client"], world["policy"]
    data = _fields(client, policy.slug)
    data["rule0_kw_all1"] = "invoice\nbilling\nstatement of account\n"
    data["rule0_a0_team"] = "tier-2"
    data["rule1_a0_reason"] = "Refunds are decided by the billing lead."
    data["scope_plans"] = ["premium"]
    data["note"] = "statements too"
    response = client.post(f"/agent/policies/{policy.slug}/form/", data)
    assert response.status_code == 302
    saved = Policy.objects.get(pk=policy.pk)
    invoices = saved.rules[0]
    assert invoices["when"]["all"][1]["keywords"] == ["invoice", "billing", "statement of account"]
    assert invoices["when"]["all"][1]["synonyms"] == {"billing": ["charged"]}  # untouched
    assert invoices["actions"][0] == {"type": "set_team", "team": "tier-2"}
    assert saved.scope == {"channels": ["email", "portal"], "plans": ["premium"]}
    assert saved.versions.first().note == "statements too"
    yaml_page = client.get(f"/agent/policies/{policy.slug}/")
    text = yaml_page.context["form"]["yaml"].value()
    assert "statement of account" in text and "team: tier-2" in text
    # and a change in the YAML shows in the form
    policy_save_yaml(
        text=text.replace("statement of account", "remittance"), actor=world["lead"], policy=saved
    )
    again = client.get(f"/agent/policies/{policy.slug}/form/")
    assert "remittance" in again.context["form"]["rule0_kw_all1"].value()


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"rule0_kw_all1": "  \n "}, "rule0_kw_all1", "at least one word"),
        ({"rule0_a0_team": "nowhere"}, "rule0_a0_team", "Select a valid choice"),
        ({"rule0_a1_priority": "9"}, "rule0_a1_priority", "Select a valid choice"),
        ({"rule0_a2_tags": " , "}, "rule0_a2_tags", "at least one tag"),
        ({"rule1_name": "invoices"}, "rule1_name", "Another rule"),
        ({"name": ""}, "name", "required"),
        ({"scope_organizations": "Nowhere Clinic"}, "scope_organizations", "Nowhere Clinic"),
        ({"scope_channels": ["fax"]}, "scope_channels", "Select a valid choice"),
        ({"rule0_kw_all1": "in\x00voice"}, "rule0_kw_all1", "Null characters"),
        ({"rule1_a0_reason": "x" * 2001}, "rule1_a0_reason", "at most 2000"),
        (
            {"scope_organizations": "\n".join(f"Org {n}" for n in range(201))},
            "scope_organizations",
            "at most 200",
        ),
    ],
)
def test_form_errors_are_shown_on_their_field_and_nothing_is_saved(world, change, field, says):
    client, policy = world["client"], world["policy"]
    data = {**_fields(client, policy.slug), **change}
    response = client.post(f"/agent/policies/{policy.slug}/form/", data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert any(says in e for e in errors[field]), errors
    assert Policy.objects.get(pk=policy.pk).version == 1
    html = response.content.decode()
    assert 'class="field field-error"' in html or "choice-group field-error" in html


def test_try_it_on_a_real_ticket_by_reference_shows_names_not_slugs(world):
    client, policy = world["client"], world["policy"]
    requester = ContactFactory(name="Ada Payer")
    ticket = make_ticket(requester, subject="My invoice is wrong")
    response = client.post(
        f"/agent/policies/{policy.slug}/",
        {"action": "simulate", "yaml": POLICY, "pick": ticket.ref, "event": "ticket.created"},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result["ticket"] == ticket.ref
    assert result["team_name"] == "Billing and operations"
    html = re.sub(r"\s+", " ", response.content.decode())
    assert "Route to <strong>Billing and operations</strong>" in html
    assert "Billing and operations&#x27;s lead (Hugo Mbeki)" in html
    assert Policy.objects.get(pk=policy.pk).version == 1  # nothing saved


def test_try_it_by_search_offers_the_matches_and_then_runs_the_one_chosen(world):
    client, policy = world["client"], world["policy"]
    requester = ContactFactory(name="Ada Payer")
    first = make_ticket(requester, subject="Invoice for March")
    make_ticket(requester, subject="Invoice for April")
    response = client.post(
        f"/agent/policies/{policy.slug}/",
        {"action": "simulate", "yaml": POLICY, "pick": "invoice for", "event": "ticket.created"},
    )
    assert response.status_code == 200 and "result" not in response.context
    assert {t.ref for t in response.context["matches"]} >= {first.ref}
    chosen = client.post(
        f"/agent/policies/{policy.slug}/",
        {"pick_ref": first.ref, "yaml": POLICY, "pick": "invoice for", "event": "ticket.created"},
    )
    assert chosen.context["result"]["ticket"] == first.ref
    missing = client.post(
        f"/agent/policies/{policy.slug}/",
        {"action": "simulate", "yaml": POLICY, "pick": "zebra", "event": "ticket.created"},
    )
    assert missing.status_code == 422
    assert "No ticket you can see" in missing.context["sim"].errors["pick"][0]


def test_try_it_never_reaches_a_ticket_the_lead_cannot_see(world, clock):
    # an agent who may read and try policies, but works no team's queue
    agent = AgentFactory(role=ROLE_AGENT, name="Plain Agent")
    agent.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_policy", "simulate_policy"])
    )
    hidden_team = TeamFactory(slug="engineering", name="Engineering", tier=3)
    ticket = make_ticket(ContactFactory(name="Someone"), subject="Invoice", team=hidden_team)
    client = Client()
    login_verified(client, User.objects.get(pk=agent.pk))  # permissions read afresh
    response = client.post(
        f"/agent/policies/{world['policy'].slug}/",
        {"action": "simulate", "yaml": POLICY, "pick": ticket.ref, "event": "ticket.created"},
    )
    assert response.status_code == 422
    assert "No ticket you can see" in response.context["sim"].errors["pick"][0]


def test_a_policy_naming_teams_not_set_up_yet_says_so_on_the_list_and_the_editor(world):
    install_shipped()
    client = world["client"]
    listing = client.get("/agent/policies/").content.decode()
    assert "Not set up yet:" in listing and "team “engineering”" in listing
    assert "Requesters: Client admin, Clinician" in listing  # the pipeline's scope, in words
    page = client.get("/agent/policies/device-escalation/").content.decode()
    assert "Not set up yet" in page and "no team “clinical”" in page
    form = client.get("/agent/policies/device-escalation/form/")
    assert form.status_code == 200
    assert "engineering (no such team yet)" in form.content.decode()


def test_the_form_shows_organizations_by_name_and_keeps_one_not_set_up_yet(world):
    client, policy = world["client"], world["policy"]
    Organization.objects.create(name="Northgate Health Network")
    data = _fields(client, policy.slug)
    data["scope_organizations"] = "northgate health network"
    assert client.post(f"/agent/policies/{policy.slug}/form/", data).status_code == 302
    assert Policy.objects.get(pk=policy.pk).scope["organizations"] == ["northgate health network"]


def test_an_agent_cannot_save_with_the_form(world):
    agent = AgentFactory(role=ROLE_AGENT)
    client = Client()
    login_verified(client, agent)
    response = client.post(f"/agent/policies/{world['policy'].slug}/form/", {"name": "x"})
    assert response.status_code == 403
    assert Policy.objects.get().version == 1


def test_the_policy_list_reads_a_constant_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world["client"]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/agent/policies/").status_code == 200
        return len(queries)

    def more(numbers: range) -> None:
        for n in numbers:
            Organization.objects.create(name=f"Org {n}")
            policy_save_yaml(
                text=f"name: Extra {n}\nscope: {{organizations: [Org {n}]}}\n"
                "rules: [{name: a, actions: [{type: set_team, team: billing}]}]\n",
                actor=world["lead"],
            )

    more(range(1))
    few = count()
    more(range(1, 8))
    assert count() == few


@pytest.mark.parametrize(
    "slug", ["member-services", "device-escalation", "technical-pipeline", "telehealth-triage"]
)
def test_every_shipped_policy_goes_through_the_form_unchanged(world, slug):
    install_shipped()
    client = world["client"]
    before = Policy.objects.get(slug=slug)
    response = client.post(f"/agent/policies/{slug}/form/", _fields(client, slug))
    assert response.status_code == 302, response.context["form"].errors
    after = Policy.objects.get(slug=slug)
    assert after.version == before.version + 1
    assert after.document == before.document
    assert parse_yaml(policy_yaml(after))[0]["rules"] == before.rules
