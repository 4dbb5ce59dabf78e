"""Complaint files: opened once per ticket, changed only as new versions, the MDR decision and
its clock, closing rules, encryption of the complainant, retention and the protocol action."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from caredesk.complaints.models import Complaint, ComplaintCode, ComplaintVersion
from caredesk.complaints.services import (
    Decision,
    complaint_decide,
    complaint_open,
    complaint_update,
)
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.governance.models import RecordClass, RetentionRule
from caredesk.governance.services.holds import hold_place
from caredesk.governance.services.retention import retention_plan, retention_purge
from caredesk.rules.policies import policy_save
from caredesk.tickets.models import RequestType
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MALFUNCTION = Decision(
    "malfunction", "No alarm on occlusion: a recurrence could cause serious injury."
)


def test_a_ticket_opens_one_complaint_file_filled_from_the_ticket(ticket, agent, work_calendar):
    complaint, created = complaint_open(ticket=ticket, actor=agent)
    again, created_again = complaint_open(ticket=ticket, actor=agent)
    assert created and not created_again and again.pk == complaint.pk
    assert Complaint.objects.count() == 1
    assert complaint.aware_on == date(2026, 11, 2)  # 14:00 UTC is 09:00 in New York
    assert complaint.complainant_name == "Marguerite Ashdown"
    assert complaint.complainant_contact == "m.ashdown@patients.example"
    assert complaint.device_serial == "IP-40417"
    assert complaint.summary == "Infusion pump alarm did not sound"
    assert "no alarm sounded" in complaint.details
    # the 30-day clock runs from the day received until someone decides it is not reportable
    assert complaint.mdr_due_on == date(2026, 12, 2)
    [version] = ComplaintVersion.objects.filter(complaint=complaint)
    assert (version.number, version.actor, version.changed) == (1, agent, ["opened"])
    assert ticket.safety_codes and complaint.imdrf_codes == ticket.safety_codes, (
        "the safety screen's codes are the file's first coding"
    )


def test_the_complainant_is_encrypted_at_rest_in_the_file_and_its_versions(ticket, agent):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT complainant_name FROM complaints_complaint WHERE id = %s", [complaint.pk]
        )
        [stored] = cursor.fetchone()
        cursor.execute("SELECT complainant_name, snapshot FROM complaints_complaintversion")
        [(in_version, snapshot)] = cursor.fetchall()
    assert "Ashdown" not in stored and "Ashdown" not in in_version
    assert "Ashdown" not in str(snapshot)
    assert ComplaintVersion.objects.get().complainant_name == "Marguerite Ashdown"


def test_every_change_is_a_new_version_with_who_why_and_what(ticket, agent, clock):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    clock.advance(hours=2)
    changed = complaint_update(
        complaint=complaint,
        changes={
            "device_model": "Vireo IP-4",
            "device_lot": "L2026-118",
            "failure_mode": "occlusion alarm silent",
            "imdrf_codes": ["a0401", "E0101"],
            "patient_outcome": "injury",
        },
        note="Device details from the clinic's biomedical engineer.",
        actor=agent,
    )
    assert changed.version == 2
    v2 = ComplaintVersion.objects.get(complaint=complaint, number=2)
    assert v2.actor == agent and v2.at == clock.current
    assert v2.note == "Device details from the clinic's biomedical engineer."
    assert v2.changed == [
        "device_lot",
        "device_model",
        "failure_mode",
        "imdrf_codes",
        "patient_outcome",
    ]
    assert v2.snapshot["imdrf_codes"] == ["A0401", "E0101"]
    assert v2.snapshot["device_model"] == "Vireo IP-4"
    # version 1 still shows the file as it was
    assert (
        ComplaintVersion.objects.get(complaint=complaint, number=1).snapshot["device_model"] == ""
    )
    assert sorted(ComplaintCode.objects.values_list("code", flat=True)) == ["A0401", "E0101"]
    # saving the same values again writes nothing
    complaint_update(
        complaint=changed, changes={"device_lot": "L2026-118"}, note="No change here.", actor=agent
    )
    assert ComplaintVersion.objects.filter(complaint=complaint).count() == 2


def test_a_change_needs_a_note_and_valid_codes(ticket, agent):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    with pytest.raises(ValidationFailed) as no_note:
        complaint_update(complaint=complaint, changes={"device_lot": "L1"}, note=" ", actor=agent)
    assert "note" in no_note.value.errors
    with pytest.raises(ValidationFailed) as bad:
        complaint_update(
            complaint=complaint,
            changes={"imdrf_codes": ["A0401", "burn"]},
            note="Codes added.",
            actor=agent,
        )
    assert "burn" in bad.value.errors["imdrf_codes"][0]
    with pytest.raises(ValidationFailed) as unknown:
        complaint_update(
            complaint=complaint, changes={"reportability": "death"}, note="Sneaky.", actor=agent
        )
    assert "reportability" in unknown.value.errors
    assert Complaint.objects.get().version == 1


def test_versions_cannot_be_changed_or_removed(ticket, agent):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    version = ComplaintVersion.objects.get()
    version.note = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        version.save()
    with pytest.raises(RuntimeError, match="append-only"):
        version.delete()
    with pytest.raises(RuntimeError, match="append-only"):
        ComplaintVersion.objects.filter(complaint=complaint).update(note="rewritten")
    with pytest.raises(RuntimeError, match="append-only"):
        ComplaintVersion.objects.filter(complaint=complaint).delete()
    assert ComplaintVersion.objects.get().note == "Complaint file opened from the ticket."


def test_only_clinical_and_quality_staff_decide_reportability(ticket, agent):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    with pytest.raises(PermissionDenied):
        complaint_decide(complaint=complaint, decision=MALFUNCTION, actor=agent)


def test_a_reportable_decision_keeps_the_30_day_clock_and_records_who_decided(
    ticket, agent, quality, clock, work_calendar
):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    clock.advance(days=1)
    decided = complaint_decide(complaint=complaint, decision=MALFUNCTION, actor=quality)
    assert (
        decided.reportable and decided.decided_by == quality and decided.decided_at == clock.current
    )
    assert decided.mdr_due_on == date(2026, 12, 2)
    version = ComplaintVersion.objects.get(complaint=complaint, number=2)
    assert version.snapshot["reportability"] == "malfunction"
    assert version.snapshot["decided_by"] == quality.pk
    assert (
        version.note
        == "Reportability: Reportable: malfunction likely to cause or contribute to one."
    )


def test_remedial_action_needed_makes_it_a_5_work_day_report_on_the_calendar(
    agent, quality, clock, work_calendar, team
):
    clock.set(clock.current.replace(day=23))  # Monday 23 November 2026, Thanksgiving that Thursday
    ticket = make_ticket(subject="Second pump, same silent alarm", team=team)
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    decision = Decision(
        "serious_injury", "Patient hospitalised; a field correction is needed.", True
    )
    decided = complaint_decide(complaint=complaint, decision=decision, actor=quality)
    assert decided.mdr_due_on == date(2026, 12, 1)  # Tue 24, Wed 25, Fri 27, Mon 30, Tue 1


def test_not_reportable_stops_the_clock_and_needs_a_rationale(ticket, agent, quality):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    with pytest.raises(ValidationFailed) as short:
        complaint_decide(
            complaint=complaint, decision=Decision("not_reportable", "no"), actor=quality
        )
    assert "rationale" in short.value.errors
    with pytest.raises(ValidationFailed):
        complaint_decide(
            complaint=complaint,
            decision=Decision("undecided", "Not sure at all yet."),
            actor=quality,
        )
    decided = complaint_decide(
        complaint=complaint,
        decision=Decision("not_reportable", "Cosmetic scratch; no harm possible."),
        actor=quality,
    )
    assert decided.mdr_due_on is None


def test_a_file_closes_with_an_investigation_a_decision_and_the_report_sent(
    ticket, agent, quality, clock
):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    with pytest.raises(ValidationFailed) as refused:
        complaint_update(
            complaint=complaint, changes={"status": "closed"}, note="Closing it.", actor=agent
        )
    assert {"investigation", "status"} <= set(refused.value.errors)
    complaint_decide(complaint=complaint, decision=MALFUNCTION, actor=quality)
    with pytest.raises(ValidationFailed) as unsent:
        complaint_update(
            complaint=complaint,
            changes={"status": "closed", "investigation": "Alarm board solder fault."},
            note="Investigation done.",
            actor=agent,
        )
    assert "mdr_submitted_on" in unsent.value.errors
    closed = complaint_update(
        complaint=complaint,
        changes={
            "status": "closed",
            "investigation": "Alarm board solder fault.",
            "mdr_submitted_on": date(2026, 11, 2),
        },
        note="Report sent; file closed.",
        actor=agent,
    )
    assert closed.closed_at == clock.current


def test_changes_are_in_the_access_audit(ticket, agent, quality):
    complaint, _ = complaint_open(ticket=ticket, actor=agent)
    complaint_decide(complaint=complaint, decision=MALFUNCTION, actor=quality)
    entries = AuditEntry.objects.filter(
        action=AuditAction.COMPLAINT_CHANGED, object_id=str(complaint.pk)
    )
    assert [(e.actor_id, e.ticket_id) for e in entries] == [
        (agent.pk, ticket.pk),
        (quality.pk, ticket.pk),
    ]
    assert "reportability" in entries.last().fields


def test_closed_files_are_kept_for_their_period_and_under_legal_hold(agent, quality, clock, team):
    files = []
    for n in range(3):
        t = make_ticket(subject=f"Pump complaint {n}", team=team)
        c, _ = complaint_open(ticket=t, actor=agent)
        complaint_decide(
            complaint=c,
            decision=Decision("not_reportable", "No harm was possible here."),
            actor=quality,
        )
        complaint_update(
            complaint=c,
            changes={"status": "closed", "no_investigation_reason": "Known cosmetic issue."},
            note="Closed.",
            actor=agent,
        )
        files.append(c)
    assert RetentionRule.objects.get(record_class=RecordClass.COMPLAINT_FILES).keep_days == 2557
    hold_place(reason="Product liability claim", actor=quality, ticket=files[1].ticket)
    clock.advance(days=2556)
    assert {p.record_class: p.due for p in retention_plan()}["complaint_files"] == 0
    clock.advance(days=2)
    plan = {p.record_class: (p.due, p.held) for p in retention_plan()}
    assert plan["complaint_files"] == (2, 1)
    retention_purge()
    assert list(Complaint.objects.values_list("pk", flat=True)) == [files[1].pk]
    assert set(ComplaintVersion.objects.values_list("complaint_id", flat=True)) == {files[1].pk}


def test_the_retention_default_is_a_setting_until_a_rule_says_otherwise(settings):
    from caredesk.governance.selectors import retention_days

    RetentionRule.objects.filter(record_class="complaint_files").delete()
    assert retention_days()["complaint_files"] == settings.CAREDESK_COMPLAINT_RETENTION_DAYS == 2557


def test_a_protocol_opens_the_complaint_file_once_per_ticket(clock, team):
    device = RequestType.objects.get_or_create(
        slug="device-error", defaults={"name": "Device error"}
    )[0]
    policy_save(
        data={
            "name": "Complaint files",
            "rules": [
                {
                    "name": "Device complaint file",
                    "on": ["ticket.created", "message.added"],
                    "when": {"field": "category", "op": "eq", "value": "device-error"},
                    "actions": [{"type": "open_complaint"}],
                }
            ],
        },
        actor=None,
    )
    ticket = make_ticket(subject="The stand tipped over", category=device, team=team)
    from caredesk.tickets.models import MessageKind
    from caredesk.tickets.services import Body, message_add

    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="It happened again."),
        actor=ticket.requester,
    )
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.opened_by is None and complaint.version == 1
    other = make_ticket(subject="Password reset", team=team)
    assert not Complaint.objects.filter(ticket=other).exists()


def test_a_closed_ticket_is_not_purged_before_its_complaint_file(agent, clock, team):
    from caredesk.tickets.models import Status, Ticket

    with_file = make_ticket(subject="Pump complaint", team=team)
    without = make_ticket(subject="Password reset", team=team)
    complaint_open(ticket=with_file, actor=agent)
    Ticket.objects.filter(pk__in=[with_file.pk, without.pk]).update(
        status=Status.CLOSED, is_open=False, closed_at=clock.current
    )
    RetentionRule.objects.filter(record_class="closed_tickets").update(keep_days=30)
    clock.advance(days=31)
    [tickets] = [r for r in retention_purge() if r.record_class == "closed_tickets"]
    assert tickets.blocked == 1
    assert list(Ticket.objects.values_list("pk", flat=True)) == [with_file.pk]
    assert Complaint.objects.filter(ticket=with_file).exists()


def test_key_rotation_re_encrypts_complainants_without_touching_the_versions_content(
    agent, settings, team
):
    import base64

    from caredesk.tickets.services.keys import keys_rotate, keys_status

    k1, k2 = (base64.b64encode(c * 32).decode() for c in (b"a", b"b"))
    index = base64.b64encode(b"x" * 32).decode()
    settings.CAREDESK_PHI_KEYS = f"k1={k1},index={index}"
    complaint, _ = complaint_open(ticket=make_ticket(subject="Pump", team=team), actor=agent)
    assert keys_status()["complaint versions"]["k1"] == 2  # name and contact
    settings.CAREDESK_PHI_KEYS = f"k2={k2},k1={k1},index={index}"
    done = list(keys_rotate(batch=10))
    assert not any(step.unreadable for step in done)
    status = keys_status()
    assert status["complaint files"]["k1"] == status["complaint versions"]["k1"] == 0
    assert status["complaint files"]["k2"] == status["complaint versions"]["k2"] == 2
    settings.CAREDESK_PHI_KEYS = f"k2={k2},index={index}"  # the old key can go
    version = ComplaintVersion.objects.get(complaint=complaint)
    assert version.complainant_name == complaint.complainant_name
    assert version.note == "Complaint file opened from the ticket." and version.number == 1
