"""Search filters by a custom status; a ticket says which mailbox (brand) it came in by."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.tickets.models import Mailbox
from caredesk.tickets.services import ticket_update
from caredesk.tickets.services.statuses import StatusIn, status_save
from tests.api.conftest import api, assert_problem, world  # noqa: F401 - the fixtures
from tests.factories import login_verified, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def members() -> Mailbox:
    return Mailbox.objects.create(
        address="members@brightpath.example", name="BrightPath Members", brand="brightpath"
    )


def lab():
    return status_save(
        status=None,
        data=StatusIn("Awaiting lab results", "Waiting for your lab results", "pending"),
    )


def test_api_search_filters_by_custom_status(world, api, clock):  # noqa: F811
    status = lab()
    waiting = make_ticket(world.requester, subject="Glucometer sync", team=world.team_a)
    ticket_update(ticket=waiting, changes={"custom_status": status.pk}, actor=world.supervisor)
    make_ticket(world.requester, subject="Glucometer sync again", team=world.team_a)
    client = api(world.supervisor)
    everything = client.get("/search", q="glucometer").json()["items"]
    assert len(everything) == 2
    found = client.get("/search", q="glucometer", custom_status=status.pk).json()["items"]
    assert [i["ticket"]["ref"] for i in found] == [waiting.ref]
    assert found[0]["ticket"]["custom_status"] == {"id": status.pk, "name": status.agent_label}
    assert client.get("/search", q="glucometer", custom_status=99999).json()["items"] == []
    assert_problem(client.get("/search", q="glucometer", custom_status="lab"), 422, "custom_status")


def test_tickets_say_the_mailbox_they_came_in_by(world, api, clock, members):  # noqa: F811
    by_mail = make_ticket(world.requester, subject="Cuff reading", received_via=members)
    by_portal = make_ticket(world.requester, subject="Cuff reading too")
    client = api(world.supervisor)
    got = client.get(f"/tickets/{by_mail.pk}").json()
    assert got["received_via"] == {
        "id": members.pk,
        "address": "members@brightpath.example",
        "name": "BrightPath Members",
        "brand": "brightpath",
    }
    assert client.get(f"/tickets/{by_portal.pk}").json()["received_via"] is None
    listed = {i["ref"]: i for i in client.get("/tickets", queue="all").json()["items"]}
    assert listed[by_mail.ref]["received_via"]["brand"] == "brightpath"
    hits = client.get("/search", q="cuff").json()["items"]
    assert {i["ticket"]["ref"]: i["ticket"]["received_via"] is not None for i in hits} == {
        by_mail.ref: True,
        by_portal.ref: False,
    }
    mine = api(world.requester.user).get(f"/tickets/{by_mail.pk}").json()
    assert mine["received_via"]["address"] == "members@brightpath.example"


def test_openapi_names_the_new_fields(world):  # noqa: F811
    schema = Client().get("/api/v1/openapi.json").json()
    ticket = schema["components"]["schemas"]["TicketOut"]["properties"]
    assert "received_via" in ticket
    assert set(schema["components"]["schemas"]["MailboxRef"]["properties"]) == {
        "id",
        "address",
        "name",
        "brand",
    }
    params = {p["name"] for p in schema["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert "custom_status" in params


def test_search_costs_the_same_queries_with_statuses_and_mailboxes(
    world,  # noqa: F811
    api,  # noqa: F811
    clock,
    members,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    status = lab()
    client = api(world.supervisor)

    def seed(n: int) -> None:
        for i in range(n):
            t = make_ticket(world.requester, subject=f"Otoscope {i}", received_via=members)
            ticket_update(ticket=t, changes={"custom_status": status.pk}, actor=world.supervisor)

    seed(2)
    assert client.get("/search", q="otoscope").status_code == 200
    with django_assert_max_num_queries(40) as few:
        client.get("/search", q="otoscope")
    seed(12)
    with django_assert_num_queries(len(few.captured_queries)):
        items = client.get("/search", q="otoscope").json()["items"]
    assert len(items) == 14


def test_the_desk_search_filters_by_a_custom_status(world, clock):  # noqa: F811
    status = lab()
    waiting = make_ticket(world.requester, subject="Glucometer sync", team=world.team_a)
    ticket_update(ticket=waiting, changes={"custom_status": status.pk}, actor=world.supervisor)
    other = make_ticket(world.requester, subject="Glucometer sync again", team=world.team_a)
    client = Client()
    login_verified(client, world.supervisor)
    page = client.get("/agent/search/", {"q": "glucometer", "status": status.pk})
    text = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{status.pk}" selected>Awaiting lab results</option>' in text
    assert waiting.ref in text and other.ref not in text
    by_category = client.get("/agent/search/", {"q": "glucometer", "status": "pending"})
    assert waiting.ref in by_category.content.decode()
    assert other.ref not in by_category.content.decode()
    bad = client.get("/agent/search/", {"q": "glucometer", "status": "999999"})
    assert bad.status_code == 422 and "Select a valid choice" in bad.content.decode()
