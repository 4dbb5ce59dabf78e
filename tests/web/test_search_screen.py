"""The desk's search results page and the API's search operation."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.services import token_create
from caredesk.tickets.services import Body, message_add
from tests.factories import (
    AgentFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
    signed_in,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(clock):
    lead = supervisor()
    return lead, signed_in(lead)


def _api(user):
    _token, secret = token_create(user=user, name="search tests")
    return {"Authorization": f"Bearer {secret}"}


def test_results_show_the_words_marked_and_where_they_were_found(lead_client):
    lead, client = lead_client
    ticket = make_ticket(subject="Visit would not start")
    message_add(
        ticket=ticket,
        kind="internal",
        body=Body(text="Dr. Lindqvist says the <b>microphone</b> permission was denied."),
        actor=lead,
    )
    response = client.get("/agent/search/", {"q": "lindqvist microphone"})
    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.ref in html
    assert f"/agent/tickets/{ticket.pk}/?from=search" in html
    assert "Internal note" in html
    assert "<mark>Lindqvist</mark>" in html
    # the body's markup is text here: escaped, with only the words marked
    assert "&lt;b&gt;<mark>microphone</mark>&lt;/b&gt;" in html


def test_the_top_search_box_goes_to_the_ranked_results(lead_client):
    _lead, client = lead_client
    html = client.get("/agent/").content.decode()
    assert 'action="/agent/search/"' in html


def test_the_queue_search_links_to_the_ranked_results(lead_client):
    _lead, client = lead_client
    make_ticket(subject="Visit would not start")
    html = client.get("/agent/", {"queue": "all", "q": "visit start"}).content.decode()
    assert 'href="/agent/search/?q=visit%20start"' in html


def test_an_empty_search_says_what_to_type_and_no_match_says_what_to_try(lead_client):
    _lead, client = lead_client
    first = client.get("/agent/search/")
    assert first.status_code == 200
    assert "Search every ticket you can see" in first.content.decode()
    none = client.get("/agent/search/", {"q": "zzyzx"})
    assert none.status_code == 200
    assert "No ticket matches" in none.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "visit", "priority": "9"}, "priority", "Select a valid choice"),
        ({"q": "visit", "team": "abc"}, "team", "Select a valid choice"),
        ({"q": "visit", "created_from": "2026-13-01"}, "created_from", "Enter a valid date"),
        (
            {"q": "visit", "created_from": "2026-05-02", "created_to": "2026-05-01"},
            "created_to",
            "before its start",
        ),
        ({"q": "visit", "page": "0"}, "page", "greater than or equal to 1"),
        ({"q": "?!"}, "q", "at least one word"),
    ],
)
def test_bad_filters_are_named_on_their_field(lead_client, params, field, message):
    _lead, client = lead_client
    response = client.get("/agent/search/", params)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html


def test_results_page_costs_the_same_queries_for_few_or_many_hits(
    lead_client, django_assert_max_num_queries
):
    _lead, client = lead_client
    make_ticket(subject="Otoscope blurry 0")
    with django_assert_max_num_queries(40) as few:
        client.get("/agent/search/", {"q": "otoscope"})
    for n in range(1, 25):
        make_ticket(subject=f"Otoscope blurry {n}", tags=("optics",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/agent/search/", {"q": "otoscope"})
    assert response.content.decode().count("<mark>Otoscope</mark>") == 20


def test_the_api_search_returns_ranked_tickets_with_marked_snippets(clock):
    lead = supervisor()
    ticket = make_ticket(subject="Cuff <pressure> reading", body="The cuff shows E-3.")
    response = Client().get("/api/v1/search", {"q": "pressure"}, headers=_api(lead))
    assert response.status_code == 200
    body = response.json()
    assert [item["ticket"]["ref"] for item in body["items"]] == [ticket.ref]
    assert body["items"][0]["subject_html"] == "Cuff &lt;<mark>pressure</mark>&gt; reading"
    assert body["page"] == 1 and body["has_more"] is False


def test_the_api_search_refuses_bad_filters_by_field(clock):
    lead = supervisor()
    response = Client().get(
        "/api/v1/search", {"q": "x", "status": "lost", "page": "0"}, headers=_api(lead)
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "status" in text and "page" in text
    empty = Client().get("/api/v1/search", {"q": ""}, headers=_api(lead))
    assert empty.status_code == 422
    words = Client().get("/api/v1/search", {"q": "!!"}, headers=_api(lead))
    assert words.status_code == 422 and "at least one word" in words.content.decode()


def test_a_requester_searches_only_their_tickets_public_text(clock):
    requester = requester_with_login()
    mine = make_ticket(requester, subject="Glucometer sync")
    agent = AgentFactory(teams=[TeamFactory()])
    message_add(
        ticket=mine, kind="internal", body=Body(text="Glucometer vendor bug 4411."), actor=agent
    )
    make_ticket(subject="Glucometer sync for someone else")
    response = Client().get("/api/v1/search", {"q": "glucometer"}, headers=_api(requester.user))
    items = response.json()["items"]
    assert [i["ticket"]["ref"] for i in items] == [mine.ref]
    assert all(s["where"] != "Internal note" for s in items[0]["snippets"])
    note_words = Client().get("/api/v1/search", {"q": "4411"}, headers=_api(requester.user))
    assert note_words.json()["items"] == []
