"""Stakeholder satisfaction after Sev 1 and 2: who is asked, the mail (signed one-click links,
no health information), the answer page (a GET records nothing), tampered and expired links."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from caredesk.accounts.models import ContactKind
from caredesk.core.models import OutboxItem
from caredesk.incidents.models import Review, StakeholderRating
from caredesk.incidents.services import incident_declare, incident_resolve
from tests.factories import AgentFactory, ContactFactory, OrganizationFactory, requester_with_login

pytestmark = pytest.mark.django_db


def _mails() -> list[dict]:
    return [i.payload for i in OutboxItem.objects.filter(kind="email").order_by("pk")]


def _resolve(captured, severity: int):
    org, elsewhere = OrganizationFactory(), OrganizationFactory()
    admin = requester_with_login(
        organization=org, kind=ContactKind.CLIENT_ADMIN, email="ops.lead@harrowgate.example"
    )
    requester_with_login(organization=elsewhere, kind=ContactKind.CLIENT_ADMIN)  # not affected
    ContactFactory(organization=org, kind=ContactKind.CLIENT_ADMIN)  # no portal login
    requester_with_login(organization=org)  # a patient, not an admin
    commander = AgentFactory(email="commander@caredesk.example")
    comms = AgentFactory(email="comms@caredesk.example")
    with captured(execute=True):
        incident = incident_declare(
            title="Insulin pump sync fails for diabetic patients", severity=severity,
            actor=commander, commander=commander, communications=comms, organizations=[org],
        )  # fmt: skip
    with captured(execute=True):
        incident_resolve(incident=incident, actor=commander)
    return incident, admin


def _links(body: str) -> dict[int, str]:
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r"^(\d) - [^:]+: (https?://\S+)$", body, re.MULTILINE)
    }


def test_after_a_sev_1_the_stakeholders_are_asked_once_with_signed_links(
    clock, django_capture_on_commit_callbacks
):
    incident, admin = _resolve(django_capture_on_commit_callbacks, severity=1)
    mails = _mails()
    to = sorted(m["to"][0] for m in mails)
    assert to == ["commander@caredesk.example", "comms@caredesk.example", admin.email]
    body = mails[0]["body"]
    assert "Insulin" not in body and "diabetic" not in body  # the title stays out
    assert f"INC-{incident.number}" in body
    assert sorted(_links(body)) == [1, 2, 3, 4, 5]
    assert StakeholderRating.objects.filter(incident=incident).count() == 3
    assert Review.objects.filter(incident=incident).exists()


def test_a_sev_3_asks_nobody(clock, django_capture_on_commit_callbacks):
    incident, _admin = _resolve(django_capture_on_commit_callbacks, severity=3)
    assert _mails() == []
    assert Review.objects.filter(incident=incident).exists()  # but its review opens


def test_a_get_records_nothing_and_the_post_records_the_score(
    clock, django_capture_on_commit_callbacks
):
    incident, admin = _resolve(django_capture_on_commit_callbacks, severity=2)
    (mail,) = [m for m in _mails() if m["to"] == [admin.email]]
    link = _links(mail["body"])[4].split("127.0.0.1", 1)[-1].split("/", 1)[1]
    path = "/" + link
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert re.search(r'<input[^>]*value="4"[^>]*checked', page.content.decode())
    rating = StakeholderRating.objects.get(email=admin.email)
    assert rating.score is None
    assert client.post(path, {"score": "9"}).status_code == 422
    answered = client.post(path, {"score": "4"})
    assert answered.status_code == 302
    rating.refresh_from_db()
    assert rating.score == 4 and rating.answered_at is not None
    thanks = client.get(answered["Location"]).content.decode()
    assert "Your answer is recorded: <strong>4 (Satisfied)</strong>" in thanks


def test_a_tampered_link_is_refused_and_an_old_one_has_expired(
    clock, django_capture_on_commit_callbacks
):
    _incident, admin = _resolve(django_capture_on_commit_callbacks, severity=1)
    (mail,) = [m for m in _mails() if m["to"] == [admin.email]]
    path = "/incident-survey/" + _links(mail["body"])[5].split("/incident-survey/", 1)[1]
    client = Client()
    signed = path.rstrip("/").rsplit("/", 1)[1]
    head, _sep, tail = signed.rpartition(":")
    forged = f"/incident-survey/{head}:{'A' if tail[0] != 'A' else 'B'}{tail[1:]}/"
    refused = client.post(forged, {"score": "1"})
    assert refused.status_code == 400
    assert client.get("/incident-survey/not-a-link/").status_code == 400
    clock.advance(days=31)
    expired = client.post(path, {"score": "5"})
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    assert StakeholderRating.objects.get(email=admin.email).score is None
