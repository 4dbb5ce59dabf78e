"""The portal speaks as the brand a requester's ticket came in by, and as the brand a portal
link names (`?brand=`)."""

from __future__ import annotations

import pytest

from caredesk.tickets.models import Mailbox, Ticket
from tests.factories import RequestTypeFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def members() -> Mailbox:
    return Mailbox.objects.create(
        address="members@brightpath.example", name="BrightPath Member Services", brand="brightpath"
    )


def test_a_ticket_page_shows_the_brand_it_came_in_by(portal, requester, members, settings):
    by_mail = make_ticket(requester, subject="Card not accepted", received_via=members)
    page = portal.get(f"/portal/tickets/{by_mail.pk}/").content.decode()
    assert 'data-brand="brightpath"' in page and "BrightPath Member Services</a>" in page
    assert "To BrightPath Member Services (members@brightpath.example)" in page
    other = make_ticket(requester, subject="Video froze")
    plain = portal.get(f"/portal/tickets/{other.pk}/").content.decode()
    assert "data-brand=" not in plain and f"{settings.CAREDESK_SITE_NAME} Support</a>" in plain


def test_a_brands_portal_link_carries_its_brand_to_the_form_and_the_ticket(
    portal, requester, members
):
    rtype = RequestTypeFactory(name="Billing question", slug="billing")
    choose = portal.get("/portal/new/", {"brand": "BrightPath"}).content.decode()
    assert "BrightPath Member Services</a>" in choose
    assert 'href="/portal/new/billing/?brand=brightpath"' in choose
    form = portal.get("/portal/new/billing/", {"brand": "brightpath"}).content.decode()
    assert "Your request goes to BrightPath Member Services" in form
    assert 'href="/portal/new/?brand=brightpath"' in form
    response = portal.post(
        "/portal/new/billing/?brand=brightpath",
        {"priority": "3", "subject": "Charged twice", "body": "Two charges in March."},
    )
    ticket = Ticket.objects.get(category=rtype)
    assert response.status_code == 302 and ticket.received_via == members
    assert "BrightPath Member Services</a>" in portal.get(response["Location"]).content.decode()


@pytest.mark.parametrize("brand", ["nobody", "", "x" * 300, "<script>"])
def test_an_unknown_or_retired_brand_shows_the_desks_own_name(portal, members, brand, settings):
    RequestTypeFactory(name="Billing question", slug="billing")
    members.active = brand != "nobody"
    members.save()
    page = portal.get("/portal/new/billing/", {"brand": brand})
    assert page.status_code == 200
    assert f"{settings.CAREDESK_SITE_NAME} Support</a>" in page.content.decode()
    retired = portal.get("/portal/new/billing/", {"brand": "brightpath"})
    assert ("BrightPath" in retired.content.decode()) is members.active
