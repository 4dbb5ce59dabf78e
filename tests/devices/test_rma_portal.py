"""The portal's repairs: the requester's organization's RMAs with their dates and tracking
numbers; patients see only their own requests' and nobody sees another organization's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from caredesk.accounts.models import ContactKind
from caredesk.devices.rma import rma_open, rma_transition
from tests.devices.rma_helpers import bench
from tests.factories import OrganizationFactory, login_verified, requester_with_login

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    login_verified(c, user)
    return c


def test_the_organization_follows_its_rmas_to_shipped(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    b = bench(catalogue)
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    for to in ("received", "diagnosed", "repaired", "validated", "shipped"):
        clock.advance(days=1)
        rma = rma_transition(
            rma=rma, to=to, actor=b.technician, tracking="1Z-OUT-7" if to == "shipped" else ""
        )
    admin = requester_with_login(organization=b.asset.organization, kind=ContactKind.CLIENT_ADMIN)
    client = _client(admin.user)
    listing = client.get("/portal/rmas/").content.decode()
    assert rma.number in listing and "1Z-OUT-7" in listing
    page = client.get(f"/portal/rmas/{rma.pk}/").content.decode()
    assert "Shipped back" in page and "7 Nov 2026" in page and "1Z-OUT-7" in page
    # the requester (a patient: their own requests' repairs) finds it on the request too
    own = _client(b.requester.user)
    page = own.get(f"/portal/tickets/{b.ticket.pk}/").content.decode()
    assert f'href="/portal/rmas/{rma.pk}/"' in page and "1Z-OUT-7" in page
    assert rma.number in own.get("/portal/rmas/").content.decode()
    # a patient of the same organization sees only their own requests' repairs
    patient = requester_with_login(organization=b.asset.organization, kind=ContactKind.PATIENT)
    assert rma.number not in _client(patient.user).get("/portal/rmas/").content.decode()
    assert _client(patient.user).get(f"/portal/rmas/{rma.pk}/").status_code == 404
    # another organization sees nothing
    outsider = requester_with_login(organization=OrganizationFactory())
    assert _client(outsider.user).get(f"/portal/rmas/{rma.pk}/").status_code == 404
    assert rma.number not in _client(outsider.user).get("/portal/rmas/").content.decode()


def test_staff_and_strangers_do_not_reach_the_portal_repairs(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    b = bench(catalogue)
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    assert Client().get(f"/portal/rmas/{rma.pk}/").status_code == 302
    assert _client(b.agent).get("/portal/rmas/").status_code == 403
