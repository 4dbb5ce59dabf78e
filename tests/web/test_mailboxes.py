"""The mailboxes screen (administrators keep the addresses, support leads read them) and the
policy form's mailbox and brand scope."""

from __future__ import annotations

import pytest

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.rules.models import Policy
from caredesk.rules.policies import policy_save_yaml
from caredesk.tickets.models import Mailbox
from tests.factories import AgentFactory, TeamFactory, signed_in, supervisor

pytestmark = pytest.mark.django_db

NEW = {
    "address": "Members@Harbor-Members.example",
    "name": "Harbor Member Services",
    "brand": "member-services",
    "signature": "Harbor Member Services",
    "active": "on",
    "is_default": "on",
}


@pytest.fixture
def keeper():
    return signed_in(AgentFactory(role=ROLE_ADMIN))


def test_an_administrator_adds_a_mailbox_and_a_lead_reads_it(keeper, django_assert_max_num_queries):
    team = TeamFactory(slug="tier-1", name="Member services Tier 1")
    response = keeper.post("/agent/mailboxes/new/", {**NEW, "team": team.pk})
    assert response.status_code == 302 and response["Location"] == "/agent/mailboxes/"
    box = Mailbox.objects.get()
    assert (box.address, box.brand, box.team, box.is_default) == (
        "members@harbor-members.example",
        "member-services",
        team,
        True,
    )
    page = keeper.get("/agent/mailboxes/").content.decode()
    assert "members@harbor-members.example" in page and "Member services Tier 1" in page
    # a second default takes the mark from the first
    keeper.post("/agent/mailboxes/new/", {**NEW, "address": "help@pulse.example", "brand": "pulse"})
    assert list(Mailbox.objects.filter(is_default=True).values_list("address", flat=True)) == [
        "help@pulse.example"
    ]
    for n in range(5):
        Mailbox.objects.create(address=f"x{n}@pulse.example", name="X", brand="pulse", team=team)
    with django_assert_max_num_queries(14):  # the same whatever the number of mailboxes
        assert keeper.get("/agent/mailboxes/").status_code == 200
    lead = signed_in(supervisor())
    shown = lead.get(f"/agent/mailboxes/{box.pk}/")
    assert shown.status_code == 200 and "Kept by the administrators" in shown.content.decode()
    assert lead.post(f"/agent/mailboxes/{box.pk}/", NEW).status_code == 403


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"address": "not an address"}, "address", "Give an email address"),
        ({"address": "members+x@harbor.example"}, "address", "without a +tag"),
        ({"brand": "Member Services"}, "brand", "short slug"),
        ({"name": "   "}, "name", "required"),
        ({"signature": "x" * 2001}, "signature", "at most 2000"),
        ({"active": ""}, "active", "stays active"),
    ],
)
def test_a_mailbox_that_is_not_valid_is_refused_on_its_field(keeper, change, field, says):
    data = {k: v for k, v in {**NEW, **change}.items() if v != ""}
    response = keeper.post("/agent/mailboxes/new/", data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert any(says in e for e in errors[field]), errors
    assert not Mailbox.objects.exists()


def test_an_address_taken_by_another_mailbox_is_refused(keeper):
    Mailbox.objects.create(address="members@harbor-members.example", name="M", brand="m")
    response = keeper.post("/agent/mailboxes/new/", NEW)
    assert response.status_code == 422
    assert response.context["form"].errors["address"] == ["Another mailbox has this address."]


POLICY = """name: Member services
rules:
  - name: Cancellations
    when: {keywords: [cancel my membership]}
    actions:
      - {type: set_team, team: tier-1}
"""


def test_the_policy_form_scopes_a_policy_to_mailboxes_and_brands(clock):
    lead = supervisor()
    TeamFactory(slug="tier-1")
    Mailbox.objects.create(address="members@harbor.example", name="M", brand="members")
    Mailbox.objects.create(address="help@pulse.example", name="P", brand="pulse")
    policy = policy_save_yaml(text=POLICY, actor=lead)
    client = signed_in(lead)
    page = client.get(f"/agent/policies/{policy.slug}/form/")
    html = page.content.decode()
    assert "members@harbor.example" in html and "Brands" in html
    data = {
        "name": "Member services",
        "active": "on",
        "rule0_name": "Cancellations",
        "rule0_kw_top": "cancel my membership",
        "rule0_a0_team": "tier-1",
        "scope_brands": ["members"],
        "scope_mailboxes": ["members@harbor.example"],
    }
    response = client.post(f"/agent/policies/{policy.slug}/form/", data)
    assert response.status_code == 302, response.context["form"].errors
    saved = Policy.objects.get(pk=policy.pk)
    assert saved.scope == {"mailboxes": ["members@harbor.example"], "brands": ["members"]}
    refused = client.post(
        f"/agent/policies/{policy.slug}/form/", {**data, "scope_brands": ["nowhere"]}
    )
    assert refused.status_code == 422
    assert "scope_brands" in refused.context["form"].errors
