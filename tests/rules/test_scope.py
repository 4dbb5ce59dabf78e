"""A policy governs only the tickets in its scope (organizations, plans, channels, requester
types, mailboxes, brands), so several customers' protocols run side by side in one desk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.accounts.models import Contact, ContactKind, Organization, User
from caredesk.core.errors import ValidationFailed
from caredesk.intake.services import mail_ingest
from caredesk.rules.conditions import ConditionError, Facts
from caredesk.rules.engine import CompiledPolicy, compile_rules, compile_scope, plan
from caredesk.rules.policies import policy_save_yaml
from caredesk.tickets.models import RequestType, Ticket
from caredesk.tickets.services import ticket_update

pytestmark = pytest.mark.django_db
TUESDAY_10_AM_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def policy(name: str, scope: object, team: str) -> CompiledPolicy:
    rules = compile_rules([{"name": "route", "actions": [{"type": "set_team", "team": team}]}])
    return CompiledPolicy(name, tuple(rules), compile_scope(scope))


@pytest.mark.parametrize(
    ("facts", "teams"),
    [
        ({"organization": "Northgate Health Network", "plan": "premium"}, ["north", "all"]),
        ({"organization": "northgate health network", "plan": "premium"}, ["north", "all"]),
        ({"organization": "Brookfield Family Clinic", "plan": "standard"}, ["brook", "all"]),
        ({"organization": "Brookfield Family Clinic", "plan": "basic"}, ["all"]),
        ({"organization": "", "channel": "email"}, ["mail", "all"]),
        ({"organization": "", "channel": "portal"}, ["all"]),
    ],
)
def test_each_policy_acts_only_on_tickets_in_its_scope(facts, teams):
    policies = [
        policy("Northgate", {"organizations": ["Northgate Health Network"]}, "north"),
        policy("Brookfield", {"organizations": ["Brookfield Family Clinic"], "plans": ["standard"]}, "brook"),
        policy("Mail", {"channels": "email"}, "mail"),
        policy("Everyone", None, "all"),
    ]  # fmt: skip
    outcome = plan(policies, "ticket.created", Facts(now=TUESDAY_10_AM_NEW_YORK, **facts))
    assert [f.action.params["team"] for f in outcome.fired] == teams


@pytest.mark.parametrize(
    ("scope", "says"),
    [
        ("email", "a scope is a mapping"),
        ({"colours": ["x"]}, "unknown key 'colours'"),
        ({"plans": []}, "give a list of one or more names"),
        ({"channels": [3]}, "every entry is a name"),
    ],
)
def test_a_malformed_scope_is_refused_where_it_is_wrong(scope, says):
    with pytest.raises(ConditionError, match=says):
        compile_scope(scope)


@pytest.fixture
def lead():
    return User.objects.create(email="lead@caredesk.example", name="Lead", is_staff=True)


@pytest.mark.parametrize(
    ("scope", "says"),
    [
        ("{plans: [gold]}", "no plan 'gold'"),
        ("{channels: [fax]}", "no channel 'fax'"),
        ("{requester_types: [robot]}", "no requester type 'robot'"),
        ("{organizations: [Nowhere Clinic]}", "no organization 'Nowhere Clinic'"),
        ("{colours: [blue]}", "unknown key 'colours'"),
        (
            "{mailboxes: [help@nowhere.example]}",
            "no mailbox 'help@nowhere.example' (no mailboxes yet)",
        ),
        ("{brands: [nowhere]}", "no brand 'nowhere' (no brands yet)"),
    ],
)
def test_saving_a_scope_that_names_nothing_real_is_refused_on_the_scope_field(lead, scope, says):
    text = (
        f"name: X\nscope: {scope}\nrules: [{{name: a, actions: [{{type: guidance, text: hi}}]}}]\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        policy_save_yaml(text=text, actor=lead)
    assert any(says in m for m in refused.value.errors["scope"]), refused.value.errors


def _mail(sender: str, subject: str, body: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: support@caredesk.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash(sender + subject))}@mail.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def _newest() -> Ticket:
    return Ticket.objects.select_related("team", "assignee", "category").latest("pk")


@pytest.fixture
def desk(clock):
    """The demo's teams, clients and the shipped protocols, all active together."""
    from caredesk.demo import demo_load

    clock.set(TUESDAY_10_AM_NEW_YORK)
    demo_load(tickets=0)
    clock.set(TUESDAY_10_AM_NEW_YORK)


def test_shipped_protocols_side_by_side_a_members_mailed_cancellation_stays_in_tier_1(desk):
    member = Contact.objects.filter(kind=ContactKind.PATIENT, email__isnull=False).first()
    mail_ingest(raw=_mail(member.email, "Cancel my membership", "Please cancel my plan."))
    ticket = _newest()
    # the health-software pipeline governs the clients' staff, not members: not captured
    assert ticket.requester == member
    assert ticket.category is None and ticket.team is None and ticket.assignee is None
    agent = User.objects.get(email="amara.osei@caredesk.example")
    ticket_update(
        ticket=ticket,
        changes={"category": RequestType.objects.get(slug="cancellation")},
        actor=agent,
    )
    ticket = Ticket.objects.select_related("team").get(pk=ticket.pk)
    assert ticket.team.slug == "tier-1"  # as the member-services protocol says
    assert "never escalated" in ticket.escalation_block


def test_shipped_protocols_side_by_side_a_clients_mail_still_opens_a_technical_ticket(desk):
    clinician = Contact.objects.filter(
        kind=ContactKind.CLINICIAN, organization__account_manager__isnull=False
    ).first()
    mail_ingest(raw=_mail(clinician.email, "Report export fails", "The CSV export is empty."))
    ticket = _newest()
    assert ticket.requester == clinician
    assert (ticket.category.slug, ticket.team.slug) == ("technical-issue", "tier-2")
    assert ticket.assignee.email == "tomas.varga@caredesk.example"  # Tier 2's lead, by role


def test_two_customers_routing_the_same_words_each_keep_their_own_tickets(desk, lead):
    rule = (
        "rules: [{name: Outage, when: {keywords: [outage]}, actions: [{type: set_team, team: %s}]}]"
    )
    policy_save_yaml(
        text="name: Northgate desk\nscope: {organizations: [Northgate Health Network]}\n"
        + rule % "engineering",
        actor=lead,
    )
    policy_save_yaml(
        text="name: Brookfield desk\nscope: {organizations: [Brookfield Family Clinic]}\n"
        + rule % "billing",
        actor=lead,
    )
    routed = {}
    for org in ("Northgate Health Network", "Brookfield Family Clinic", "Harborview Pediatrics"):
        patient = Contact.objects.filter(
            organization=Organization.objects.get(name=org), kind=ContactKind.PATIENT
        ).first()
        mail_ingest(raw=_mail(patient.email, "Outage", "There is an outage on the portal."))
        ticket = _newest()
        routed[org] = ticket.team.slug if ticket.team else None
    assert routed == {
        "Northgate Health Network": "engineering",
        "Brookfield Family Clinic": "billing",
        "Harborview Pediatrics": None,
    }


def test_a_scope_names_mailboxes_by_address_and_brands_by_slug(lead):
    from caredesk.tickets.services.mailboxes import MailboxIn, mailbox_save

    lead.is_superuser = True
    lead.save()
    mailbox_save(
        mailbox=None,
        data=MailboxIn(address="members@harbor.example", name="Members", brand="members"),
        actor=lead,
    )
    rule = "rules: [{name: a, actions: [{type: guidance, text: hi}]}]\n"
    saved = policy_save_yaml(
        text=f"name: Members\nscope: {{mailboxes: [Members@Harbor.example], brands: [members]}}\n{rule}",
        actor=lead,
    )
    assert saved.scope == {"mailboxes": ["Members@Harbor.example"], "brands": ["members"]}
    with pytest.raises(ValidationFailed) as refused:
        policy_save_yaml(text=f"name: Other\nscope: {{brands: [device]}}\n{rule}", actor=lead)
    assert refused.value.errors["scope"] == [
        "scope.brands: no brand 'device' (choose from members)"
    ]
    facts = Facts(now=TUESDAY_10_AM_NEW_YORK, mailbox="members@harbor.example", brand="members")
    scope = compile_scope(saved.scope)
    assert scope is not None and scope(facts)
    assert not scope(Facts(now=TUESDAY_10_AM_NEW_YORK, mailbox="x@harbor.example", brand="members"))
