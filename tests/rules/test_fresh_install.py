"""The shipped policies on a fresh install (migrated, no demo): `caredesk rules import` takes
every one, the first start installs them once (the safety rules active at once), a lead's
edits are never overwritten, and a team a policy names that does not exist yet is reported,
never a crash."""

from __future__ import annotations

import argparse

import pytest

from caredesk.accounts.models import Contact, Team
from caredesk.cli import cmd_rules_import
from caredesk.complaints.models import Complaint
from caredesk.rules.models import Policy
from caredesk.rules.policies import policy_problems, policy_save_yaml, policy_yaml
from caredesk.rules.shipped import POLICY_FILES, install_shipped, policy_text
from caredesk.tickets.models import EventKind, Ticket, TicketEvent
from caredesk.tickets.services import Body, NewTicket, ticket_open

pytestmark = pytest.mark.django_db


def _open(subject: str, body: str = "") -> Ticket:
    requester = Contact.objects.create(name="Ada Member", email="ada@mail.example", kind="patient")
    opened = ticket_open(
        data=NewTicket(requester=requester, subject=subject, body=Body(text=body)),
        actor=requester,
    )
    return Ticket.objects.select_related("team").get(pk=opened.pk)


def test_rules_import_takes_every_shipped_policy_on_a_fresh_install(tmp_path, capsys):
    assert not Team.objects.exists() and not Policy.objects.exists()
    for name in POLICY_FILES:
        path = tmp_path / name
        path.write_text(policy_text(name))
        code = cmd_rules_import(argparse.Namespace(file=str(path), note="fresh install"))
        assert code == 0, capsys.readouterr().err
    assert Policy.objects.filter(active=True).count() == len(POLICY_FILES)
    # the teams they name are reported on the policy, not refused
    device = Policy.objects.get(slug="device-escalation")
    assert {("team", "engineering"), ("team", "clinical")} <= {
        (m.kind, m.ref) for m in policy_problems(device)
    }
    # and the policies act: the safety rules on a safety event, without any team set up
    ticket = _open("The charger caught fire", "It burned my hand while charging.")
    assert ticket.priority == 1 and "safety" in {t.name for t in ticket.tags.all()}
    assert Complaint.objects.filter(ticket=ticket).exists()
    applied = TicketEvent.objects.get(
        ticket=ticket, kind=EventKind.RULE_APPLIED, data__name="Safety event"
    )
    assert "no team with the slug 'engineering'" in applied.data["error"]  # says why, no crash


def test_the_first_start_installs_the_safety_rules_once_and_never_undoes_a_leads_edits():
    installed = install_shipped()
    assert {p.slug for p in installed} == {
        "member-services",
        "device-escalation",
        "technical-pipeline",
        "telehealth-triage",
    }
    safety = Policy.objects.get(slug="device-escalation")
    assert safety.active and [r["name"] for r in safety.rules][:2] == [
        "Safety event",
        "Possible safety needs a clinical review",
    ]
    # a lead changes one policy and removes another
    triage = Policy.objects.get(slug="telehealth-triage")
    edited = policy_yaml(triage).replace("[billing]", "[billing, invoice]", 1)
    policy_save_yaml(text=edited, actor=None, note="invoices too", policy=triage)
    Policy.objects.filter(slug="member-services").delete()
    assert install_shipped() == []  # the next start changes nothing
    triage.refresh_from_db()
    assert triage.version == 2 and "invoice]" in triage.source
    assert not Policy.objects.filter(slug="member-services").exists()


def test_once_the_named_teams_exist_the_safety_event_reaches_them():
    install_shipped()
    Team.objects.create(name="Engineering", slug="engineering", tier=3)
    Team.objects.create(name="Clinical liaisons", slug="clinical")
    missing = {m.rule for m in policy_problems(Policy.objects.get(slug="device-escalation"))}
    assert (
        "Safety event" not in missing and "Possible safety needs a clinical review" not in missing
    )
    ticket = _open("Device shocked the patient", "The patient got an electric shock from it.")
    assert (ticket.team.slug, ticket.tier, ticket.priority) == ("engineering", 3, 1)


def test_a_lead_can_change_a_shipped_policy_before_its_teams_exist_but_no_new_typo():
    from caredesk.core.errors import ValidationFailed

    install_shipped()
    device = Policy.objects.get(slug="device-escalation")
    text = policy_yaml(device).replace("Keep the device out of use", "Keep the device unplugged")
    changed = policy_save_yaml(text=text, actor=None, note="wording", policy=device)
    assert changed.version == 2  # engineering and clinical are still missing: kept
    typo = text.replace("rotation: clinical", "rotation: clinicla", 1)
    with pytest.raises(ValidationFailed) as refused:
        policy_save_yaml(text=typo, actor=None, policy=changed)
    assert any("no team 'clinicla'" in m for m in refused.value.errors["rules"])
