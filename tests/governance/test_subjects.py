"""Data-subject requests: a requester's data leaves as a ZIP, or is erased while the audit holds."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_COMPLIANCE
from caredesk.chat.models import ChatSession, ChatStatus
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction, AuditEntry
from caredesk.compliance.selectors import chain_verify
from caredesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from caredesk.core.models import Notification
from caredesk.core.notify import notify
from caredesk.governance.models import SubjectRequest
from caredesk.governance.services.holds import hold_place, hold_release
from caredesk.governance.services.subjects import subject_erase, subject_export
from caredesk.phone.models import Call
from caredesk.tickets.models import Attachment, Message, MessageKind, TicketEvent
from caredesk.tickets.services import Body, Upload, message_add
from tests.factories import AgentFactory, login_verified, make_ticket, requester_with_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(clock):
    return AgentFactory(role=ROLE_ADMIN)


@pytest.fixture
def privacy(clock):
    """The privacy role: the compliance officer produces data subjects' exports."""
    return AgentFactory(role=ROLE_COMPLIANCE, name="Hollis Verhoeven")


REASON = "Access request DSR-2031 received by post"


@pytest.fixture
def person(clock):
    """A patient with a portal login, a ticket with PHI, a reply, an attachment, chat and call."""
    contact = requester_with_login(name="Maribel Quist", phone="+15550100123")
    ticket = make_ticket(
        contact,
        subject="Maribel cannot join the visit",
        body="My name is Maribel Quist, DOB 1980-02-03.",
        structured={"patient_id": "PT-9911"},
        form_data={"symptom": "camera black"},
        uploads=(Upload(filename="log.txt", content_type="text/plain", data=b"camera log"),),
    )
    agent = AgentFactory()
    message_add(
        ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="We are on it."), actor=agent
    )
    ChatSession.objects.create(
        visitor_name="Maribel Quist",
        visitor_email=contact.email,
        status=ChatStatus.ENDED,
        requester=contact,
        ticket=ticket,
        created_at=clock.current,
    )
    Call.objects.create(
        call_sid="CA-test-1",
        from_number="+15550100123",
        to_number="+15550100999",
        requester=contact,
        ticket=ticket,
        created_at=clock.current,
        updated_at=clock.current,
    )
    message_add(
        ticket=ticket,
        kind=MessageKind.INTERNAL,
        body=Body(text="Internal: her clinician thinks it is the firewall."),
        actor=agent,
        uploads=(Upload(filename="triage.txt", content_type="text/plain", data=b"notes"),),
    )
    colleague = requester_with_login(name="Tobias Wren", organization=contact.organization)
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="Tobias here, my own MRN is 5512."),
        actor=colleague.user,
    )
    notify(users=[agent], text="Call Maribel Quist back today", ticket=ticket)
    record(action=AuditAction.TICKET_VIEWED, actor=agent, object_type="ticket", object_id=ticket.pk)
    return contact


def test_export_holds_everything_about_the_person_as_json_in_a_zip(person, privacy):
    export = subject_export(contact=person, actor=privacy, reason=REASON)
    archive = zipfile.ZipFile(io.BytesIO(export.data))
    names = set(archive.namelist())
    assert {"contact.json", "tickets.json", "messages.json", "chats.json", "calls.json"} <= names
    contact = json.loads(archive.read("contact.json"))
    assert contact["name"] == "Maribel Quist" and contact["portal_account"]["email"]
    [ticket] = json.loads(archive.read("tickets.json"))
    assert ticket["patient_id"] == "PT-9911" and ticket["form_answers"] == {
        "symptom": "camera black"
    }
    messages = json.loads(archive.read("messages.json"))
    bodies = [m["body_text"] for m in messages]
    assert "My name is Maribel Quist, DOB 1980-02-03." in bodies and "We are on it." in bodies
    assert {m["from"] for m in messages} == {"you", "support"}
    [att] = json.loads(archive.read("attachments.json"))
    assert archive.read(att["file"]) == b"camera log"
    assert json.loads(archive.read("calls.json"))[0]["from_number"] == "+15550100123"
    assert export.filename.startswith(f"personal-data-{person.pk}-")


def test_export_holds_nothing_of_anyone_else(person, privacy):
    """Art. 15 gives the subject their own data: no internal notes (or their files), no other
    requester's words, no staff names, no clinician identifiers."""
    archive = zipfile.ZipFile(
        io.BytesIO(subject_export(contact=person, actor=privacy, reason=REASON).data)
    )
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "firewall" not in everything and archive.read("attachments.json") != "notes"
    assert "Tobias" not in everything and "5512" not in everything
    assert [a["filename"] for a in json.loads(archive.read("attachments.json"))] == ["log.txt"]
    assert "clinician_id" not in json.loads(archive.read("tickets.json"))[0]
    agents = {m["from"] for m in json.loads(archive.read("messages.json"))}
    assert agents == {"you", "support"}
    # who looked at their data, by role and day, without names
    [seen] = [a for a in json.loads(archive.read("access.json")) if a["access"] == "ticket.viewed"]
    assert seen["role"] == "Agent" and seen["times"] == 1 and "name" not in seen


def test_only_the_privacy_role_exports_and_only_for_a_reason(person, privacy, officer):
    with pytest.raises(PermissionDenied):
        subject_export(contact=person, actor=officer, reason=REASON)  # an administrator
    superuser = AgentFactory(role=ROLE_ADMIN)
    superuser.is_superuser = True
    superuser.save()
    with pytest.raises(PermissionDenied):
        subject_export(contact=person, actor=superuser, reason=REASON)
    with pytest.raises(ValidationFailed) as refused:
        subject_export(contact=person, actor=privacy, reason="  because ")
    assert "reason" in refused.value.errors
    assert not SubjectRequest.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.SUBJECT_EXPORTED).exists()


def test_export_is_audited_and_listed(person, privacy, officer):
    subject_export(contact=person, actor=privacy, reason=REASON)
    entry = AuditEntry.objects.get(action=AuditAction.SUBJECT_EXPORTED)
    assert entry.object_id == str(person.pk) and entry.actor_id == privacy.pk
    assert entry.reason == REASON
    assert "Maribel" not in json.dumps([entry.reason, entry.fields])
    done = SubjectRequest.objects.get(contact=person)
    assert done.counts["tickets"] == 1 and done.reason == REASON


def test_erasure_pseudonymises_and_clears_what_they_wrote_and_the_chain_still_verifies(
    person, officer, django_capture_on_commit_callbacks
):
    ticket = person.tickets.get()
    stored = Attachment.objects.get(filename="log.txt").file.name
    with django_capture_on_commit_callbacks(execute=True):
        subject_erase(contact=person, actor=officer)
    person.refresh_from_db()
    assert person.name.startswith("Erased requester ") and person.email is None
    assert person.phone == "" and not person.phone_numbers.exists()
    assert not person.user.is_active and not person.user.has_usable_password()
    assert "maribel" not in person.user.email.lower()
    ticket.refresh_from_db()
    assert ticket.subject == "[erased]" and ticket.patient_id == "" and ticket.form_data == {}
    theirs = Message.objects.get(ticket=ticket, author_contact=person)
    assert theirs.body_text == "[erased]" and "Maribel" not in theirs.body_html
    assert Message.objects.filter(body_text="We are on it.").exists()  # the agent's words stay
    assert not Attachment.objects.exists() and not default_storage.exists(stored)
    assert ChatSession.objects.get().visitor_name == person.name
    assert Call.objects.get().from_number == ""
    assert Notification.objects.get(ticket=ticket).text == "[erased]"
    for event in TicketEvent.objects.filter(ticket=ticket, field="subject"):
        assert "Maribel" not in json.dumps([event.old, event.new])
    entry = AuditEntry.objects.get(action=AuditAction.SUBJECT_ERASED)
    assert entry.object_id == str(person.pk)
    outcome = chain_verify()
    assert outcome.ok and outcome.checked == AuditEntry.objects.count()


@pytest.mark.parametrize("target", ["contact", "organization", "ticket"])
def test_erasure_is_refused_under_a_legal_hold_and_allowed_after_release(person, officer, target):
    on = {
        "contact": {"contact": person},
        "organization": {"organization": person.organization},
        "ticket": {"ticket": person.tickets.get()},
    }[target]
    hold = hold_place(reason="Litigation matter 2026-14", actor=officer, **on)
    with pytest.raises(Conflict, match="legal hold"):
        subject_erase(contact=person, actor=officer)
    person.refresh_from_db()
    assert person.name == "Maribel Quist"
    assert not AuditEntry.objects.filter(action=AuditAction.SUBJECT_ERASED).exists()
    hold_release(hold=hold, actor=officer, reason="Matter settled")
    subject_erase(contact=person, actor=officer)
    assert AuditEntry.objects.filter(action=AuditAction.HOLD_RELEASED).count() == 1


def test_export_downloads_from_the_persons_page(person, privacy):
    client = Client()
    login_verified(client, privacy)
    page = client.get(f"/agent/governance/people/{person.pk}/")
    assert page.status_code == 200 and "Download personal data" in page.content.decode()
    assert "Why is this export needed?" in page.content.decode()
    found = client.get("/agent/governance/people/", {"q": "maribel"})
    assert f"/agent/governance/people/{person.pk}/" in found.content.decode()
    refused = client.post(f"/agent/governance/people/{person.pk}/export/", {"reason": "x"})
    assert refused.status_code == 422 and "at least 15 characters" in refused.content.decode()
    response = client.post(f"/agent/governance/people/{person.pk}/export/", {"reason": REASON})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("contact.json")
    assert REASON in client.get(f"/agent/governance/people/{person.pk}/").content.decode()


def test_administrators_get_no_export_button_and_are_refused(person, officer):
    client = Client()
    login_verified(client, officer)
    page = client.get(f"/agent/governance/people/{person.pk}/").content.decode()
    assert "Download personal data" not in page and "the privacy role" in page
    response = client.post(f"/agent/governance/people/{person.pk}/export/", {"reason": REASON})
    assert response.status_code == 403


def test_opening_a_persons_page_is_audited(person, officer):
    client = Client()
    login_verified(client, officer)
    assert client.get(f"/agent/governance/people/{person.pk}/").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.SUBJECT_VIEWED)
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        officer.pk,
        "contact",
        str(person.pk),
    )
    assert entry.organization_id == person.organization_id


def test_erase_button_reports_a_hold_instead_of_failing(person, officer):
    hold_place(reason="Regulator inquiry", actor=officer, contact=person)
    client = Client()
    login_verified(client, officer)
    page = client.post(f"/agent/governance/people/{person.pk}/erase/", follow=True)
    assert page.status_code == 200
    assert "legal hold covers this requester" in page.content.decode()


def test_agents_without_the_permission_can_neither_export_nor_erase(person):
    client = Client()
    login_verified(client, AgentFactory())
    assert client.post(f"/agent/governance/people/{person.pk}/export/").status_code == 403
    assert client.post(f"/agent/governance/people/{person.pk}/erase/").status_code == 403
    person.refresh_from_db()
    assert person.name == "Maribel Quist"


def test_the_ticket_page_links_to_the_requesters_personal_data_for_officers_only(person, officer):
    ticket = person.tickets.get()
    link = f"/agent/governance/people/{person.pk}/"
    client = Client()
    login_verified(client, officer)
    assert link in client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    lead = Client()
    login_verified(lead, AgentFactory(role="Supervisor"))
    assert link not in lead.get(f"/agent/tickets/{ticket.pk}/").content.decode()
