"""The desk's "Merge into…" (find, preview both, confirm), the queue's merge of a selection, the
people in copy on the desk and in the portal, and the merged ticket's links."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.tickets.models import Status, Ticket, TicketCC
from caredesk.tickets.services.merge import ticket_merge
from tests.factories import (
    ContactFactory,
    OrganizationFactory,
    make_ticket,
    requester_with_login,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganizationFactory(name="Northgate Health")


def test_the_merge_page_previews_both_and_merges_on_confirm(desk, team, org):
    target = make_ticket(ContactFactory(organization=org), team=team, subject="Video froze")
    source = make_ticket(ContactFactory(organization=org), team=team, subject="Frozen too")
    page = desk.get(f"/agent/tickets/{source.pk}/").content.decode()
    assert f'href="/agent/tickets/{source.pk}/merge/"' in page
    preview = desk.get(f"/agent/tickets/{source.pk}/merge/", {"into": target.ref}).content.decode()
    assert "Continues on" in preview and "Video froze" in preview and "Frozen too" in preview
    assert f"Merge {source.ref} into {target.ref}" in preview
    response = desk.post(
        f"/agent/tickets/{source.pk}/merge/", {"into": target.ref, "note": "Same outage."}
    )
    assert response.status_code == 302 and response["Location"] == f"/agent/tickets/{target.pk}/"
    assert Ticket.objects.get(pk=source.pk).merged_into_id == target.pk
    thread = desk.get(response["Location"]).content.decode()
    assert f"from {source.ref}" in thread and "Same outage." in thread
    # the merged ticket's address leads to where it continues
    moved = desk.get(f"/agent/tickets/{source.pk}/")
    assert moved.status_code == 302 and moved["Location"] == f"/agent/tickets/{target.pk}/"


def test_words_find_open_tickets_to_choose_from(desk, team, org):
    target = make_ticket(ContactFactory(organization=org), team=team, subject="Printer offline")
    source = make_ticket(ContactFactory(organization=org), team=team)
    page = desk.get(f"/agent/tickets/{source.pk}/merge/", {"into": "printer"}).content.decode()
    assert f'href="?into={target.ref}"' in page


def test_a_refused_merge_says_why_and_offers_no_button(desk, team, org):
    source = make_ticket(ContactFactory(organization=org), team=team)
    foreign = make_ticket(ContactFactory(), team=team)
    page = desk.get(f"/agent/tickets/{source.pk}/merge/", {"into": foreign.ref}).content.decode()
    assert "belong to different organizations" in page and "merge-confirm" not in page
    response = desk.post(f"/agent/tickets/{source.pk}/merge/", {"into": foreign.ref})
    assert response.status_code == 409
    unknown = desk.get(f"/agent/tickets/{source.pk}/merge/", {"into": "CD-999999"})
    assert "No such ticket, or you cannot see it." in unknown.content.decode()
    assert desk.post(f"/agent/tickets/{source.pk}/merge/", {"into": ""}).status_code == 422


def test_the_selection_merges_into_the_ticket_named(desk, team, org):
    target = make_ticket(ContactFactory(organization=org), team=team)
    a = make_ticket(ContactFactory(organization=org), team=team)
    b = make_ticket(ContactFactory(organization=org), team=team)
    page = desk.get("/agent/?queue=open").content.decode()
    assert 'id="bulk-merge"' in page and 'formaction="/agent/bulk/merge/"' in page
    response = desk.post(
        "/agent/bulk/merge/",
        {"ticket": [a.pk, b.pk, target.pk], "merge_into": target.ref, "back": "?queue=open"},
        follow=True,
    )
    assert f"Changed 2 of 2 tickets (merged_into): {a.ref}, {b.ref}." in response.content.decode()
    assert set(Ticket.objects.filter(merged_into=target).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    empty = desk.post("/agent/bulk/merge/", {"merge_into": "", "back": "?queue=open"}, follow=True)
    assert "give the reference" in empty.content.decode()


def test_agents_add_and_remove_people_in_copy_with_field_errors(desk, team):
    ticket = make_ticket(team=team)
    bad = desk.post(f"/agent/tickets/{ticket.pk}/ccs/", {"email": "nope"})
    assert bad.status_code == 422
    assert "Enter a valid email address" in bad.content.decode()
    assert 'id="cc_email"' in bad.content.decode()
    desk.post(f"/agent/tickets/{ticket.pk}/ccs/", {"email": "carer@family.example"})
    page = desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "In copy of public replies" in page and "carer@family.example" in page
    cc = TicketCC.objects.get(ticket=ticket)
    desk.post(f"/agent/tickets/{ticket.pk}/ccs/{cc.pk}/remove/")
    assert not TicketCC.objects.filter(ticket=ticket).exists()


def test_the_requester_keeps_their_people_in_copy_in_the_portal(team, org):
    requester = requester_with_login(organization=org)
    ticket = make_ticket(requester, team=team)
    portal = Client()
    portal.force_login(requester.user)
    bad = portal.post(f"/portal/tickets/{ticket.pk}/ccs/", {"email": "x@"})
    assert bad.status_code == 422 and "Enter a valid email address" in bad.content.decode()
    portal.post(f"/portal/tickets/{ticket.pk}/ccs/", {"email": "carer@family.example"})
    assert "carer@family.example" in portal.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    cc = TicketCC.objects.get(ticket=ticket)
    portal.post(f"/portal/tickets/{ticket.pk}/ccs/{cc.pk}/remove/")
    assert not TicketCC.objects.exists()


def test_a_merged_request_leads_its_requester_to_where_it_continues(team, org, agent):
    requester = requester_with_login(organization=org)
    source = make_ticket(requester, team=team)
    target = make_ticket(ContactFactory(organization=org), team=team)
    ticket_merge(source=source, into=target, actor=agent)
    portal = Client()
    portal.force_login(requester.user)
    response = portal.get(f"/portal/tickets/{source.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/portal/tickets/{target.pk}/"
    page = portal.get(response["Location"]).content.decode()
    assert f"{source.ref} was joined with {target.ref}" in page
    assert Ticket.objects.get(pk=source.pk).status == Status.CLOSED
