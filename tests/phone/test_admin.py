"""Calls in the admin: listed and shown, never edited; numbers entered in any form."""

from __future__ import annotations

import pytest

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.phone.models import Call, ContactPhone
from tests.factories import AgentFactory, ContactFactory, login_verified
from tests.phone.conftest import new_sid

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    admin = AgentFactory(role=ROLE_ADMIN)
    admin.is_superuser = True
    admin.save()
    login_verified(client, admin)
    return client


def test_calls_are_shown_read_only(admin_client_, twilio, clock):
    sid = new_sid()
    twilio.missed(sid, caller="+15550100123")
    twilio.recording(sid)
    call = Call.objects.get()
    listing = admin_client_.get("/admin/phone/call/")
    assert listing.status_code == 200 and sid in listing.content.decode()
    page = admin_client_.get(f"/admin/phone/call/{call.pk}/change/")
    assert page.status_code == 200
    assert call.recordings.get().recording_sid in page.content.decode()
    assert admin_client_.get("/admin/phone/call/add/").status_code == 403
    saved = admin_client_.post(f"/admin/phone/call/{call.pk}/change/", {"status": "queued"})
    assert saved.status_code == 403
    assert Call.objects.get().status == "completed"


def test_a_number_is_stored_in_e164_and_must_be_one(admin_client_, clock):
    contact = ContactFactory()
    added = admin_client_.post(
        "/admin/phone/contactphone/add/", {"number": "(555) 010-0142", "contact": contact.pk}
    )
    assert added.status_code == 302
    assert ContactPhone.objects.get().number == "+15550100142"
    refused = admin_client_.post(
        "/admin/phone/contactphone/add/", {"number": "call me", "contact": contact.pk}
    )
    assert "Enter a telephone number" in refused.content.decode()
    twice = admin_client_.post(
        "/admin/phone/contactphone/add/", {"number": "+1 555 010 0142", "contact": contact.pk}
    )
    assert "already exists" in twice.content.decode()
    assert ContactPhone.objects.count() == 1
