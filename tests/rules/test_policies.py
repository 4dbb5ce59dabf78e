"""Policies as data a support lead changes: validated, versioned, rolled back, in YAML."""

from __future__ import annotations

import pytest

from caredesk.core.errors import NotFound, ValidationFailed
from caredesk.rules.models import Policy, PolicyVersion
from caredesk.rules.policies import (
    parse_yaml,
    policies_import,
    policy_rollback,
    policy_save_yaml,
    policy_yaml,
)
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

ROUTE = """
name: Billing routing
rules:
  - name: invoices to billing
    on: [ticket.created, field.changed]
    when: {keywords: [invoice]}
    actions:
      - {type: set_team, team: billing}
"""


@pytest.fixture
def lead():
    TeamFactory(slug="billing", name="Billing")
    TeamFactory(slug="tier-2", name="Tier 2")
    return AgentFactory(name="Rosa Lead")


def test_saving_keeps_a_version_with_author_and_reason(lead, clock):
    policy = policy_save_yaml(text=ROUTE, actor=lead, note="first draft")
    assert (policy.slug, policy.version) == ("billing-routing", 1)
    assert policy.rules[0]["on"] == ["ticket.created", "field.changed"]  # not YAML's boolean
    clock.advance(hours=1)
    policy = policy_save_yaml(
        text=ROUTE.replace("team: billing", "team: tier-2"),
        actor=lead,
        note="tier 2 reads invoices",
        policy=policy,
    )
    versions = list(PolicyVersion.objects.filter(policy=policy).order_by("number"))
    assert [(v.number, v.note, v.author) for v in versions] == [
        (1, "first draft", lead),
        (2, "tier 2 reads invoices", lead),
    ]
    assert versions[1].created_at == clock.current
    assert versions[0].document["rules"][0]["actions"][0]["team"] == "billing"


def test_rolling_back_makes_an_old_version_current_as_a_new_version(lead):
    policy = policy_save_yaml(text=ROUTE, actor=lead)
    policy = policy_save_yaml(
        text=ROUTE.replace("team: billing", "team: tier-2"), actor=lead, policy=policy
    )
    policy = policy_rollback(policy=policy, number=1, actor=lead)
    assert policy.version == 3 and policy.rules[0]["actions"][0]["team"] == "billing"
    assert PolicyVersion.objects.get(policy=policy, number=3).note == "rolled back to version 1"
    with pytest.raises(NotFound):
        policy_rollback(policy=policy, number=99, actor=lead)


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        ("name: x\nrules: [", "yaml", "line"),
        ("- 1\n- 2", "yaml", "Write a policy with a name and rules"),
        ("name: x\nrules: []", "rules", "at least one rule"),
        ("rules: [{name: a, actions: [{type: set_team, team: billing}]}]", "name", "name"),
        (
            "name: x\nrules: [{name: a, actions: [{type: teleport}]}]",
            "rules",
            "unknown action 'teleport'",
        ),
        (
            "name: x\nrules: [{name: a, when: {field: colour, op: eq, value: 1}, actions: [{type: set_team, team: billing}]}]",
            "rules",
            "unknown field 'colour'",
        ),
        (
            "name: x\nrules: [{name: a, actions: [{type: set_team, team: nowhere}]}]",
            "rules",
            "no team 'nowhere'",
        ),
        (
            "name: x\nrules: [{name: a, actions: [{type: apply_macro, macro: nope}]}]",
            "rules",
            "no macro 'nope'",
        ),
        (
            "name: x\nrules: [{name: a, when: {business_hours: {calendar: Mars}}, actions: [{type: set_team, team: billing}]}]",
            "rules",
            "no calendar 'Mars'",
        ),
        (
            "name: x\ncolour: blue\nrules: [{name: a, actions: [{type: set_team, team: billing}]}]",
            "yaml",
            "colour",
        ),
    ],
)
def test_a_policy_that_cannot_work_is_refused_with_the_reason(lead, text, field, says):
    with pytest.raises(ValidationFailed) as refused:
        policy_save_yaml(text=text, actor=lead)
    assert any(says in m for m in refused.value.errors[field]), refused.value.errors
    assert not Policy.objects.exists()


def test_export_and_import_round_trip(lead):
    first = policy_save_yaml(text=ROUTE, actor=lead)
    text = policy_yaml([first])
    assert parse_yaml(text)[0]["rules"] == first.rules
    Policy.objects.all().delete()
    (again,) = policies_import(text=text, actor=lead)
    assert (again.slug, again.rules) == (first.slug, first.rules)
    (updated,) = policies_import(text=text.replace("billing\n", "tier-2\n"), actor=lead)
    assert updated.pk == again.pk and updated.version == 2


def test_an_import_with_one_bad_policy_imports_nothing(lead):
    # a list: the good policy, then one with an action CareDesk does not know
    good = "- " + ROUTE.strip().replace("\n", "\n  ")
    text = good + "\n- name: Broken\n  rules: [{name: a, actions: [{type: teleport}]}]\n"
    with pytest.raises(ValidationFailed) as refused:
        policies_import(text=text, actor=lead)
    assert "1.rules" in refused.value.errors
    assert not Policy.objects.exists()
