"""The knowledge base from the desk (editor, reply box, protocol guidance), the portal and
selfserve forms, the API, and the demo's articles."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_QUALITY
from caredesk.accounts.services import token_create
from caredesk.knowledge import selectors
from caredesk.knowledge.models import ArticleDay, Audience
from caredesk.knowledge.templatetags.knowledge import guidance_links
from tests.factories import (
    AgentFactory,
    RequestTypeFactory,
    login_verified,
    make_ticket,
    requester_with_login,
    supervisor,
)
from tests.knowledge.test_articles import _published as _publish

pytestmark = pytest.mark.django_db
API = "/api/v1/knowledge"


@pytest.fixture
def team():
    return supervisor(name="Odile Brack"), AgentFactory(name="Tamsin Vale", role=ROLE_QUALITY)


def _client(user):
    client = Client()
    login_verified(client, user)
    return client


def test_guidance_naming_an_article_links_to_it(team, django_assert_max_num_queries):
    author, reviewer = team
    article = _publish(
        author,
        reviewer,
        title="Handling requests to speak with specific employees",
        audience=Audience.INTERNAL,
    )
    text = 'Handle in Tier 1: follow the KB article "Handling requests to speak with specific employees".'
    with django_assert_max_num_queries(1):
        html = guidance_links(text + ' Then "an unknown <b>title</b>".')
    assert f'href="/agent/knowledge/{article.pk}/read/"' in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_the_reply_box_inserts_links_and_a_sent_reply_counts_them(team):
    author, reviewer = team
    article = _publish(author, reviewer)
    spanish = _publish(
        author,
        reviewer,
        title="Reiniciar el concentrador",
        body="Apague el equipo.",
        language="es",
        original=article,
    )
    agent = AgentFactory()
    client = _client(agent)
    picked = client.get("/agent/knowledge/picker/", {"q": "hub", "lang": "es"}).content.decode()
    assert f"/help/articles/{spanish.slug}/" in picked  # the requester's language
    ticket = make_ticket(team=None)
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Insert a help article link" in page
    body = f"Please see http://127.0.0.1:8000/help/articles/{article.slug}/"
    response = client.post(f"/agent/tickets/{ticket.pk}/reply/", {"kind": "public", "body": body})
    assert response.status_code == 302
    assert ArticleDay.objects.get(article=article).reply_links == 1
    client.post(f"/agent/tickets/{ticket.pk}/reply/", {"kind": "internal", "body": body})
    assert ArticleDay.objects.get(article=article).reply_links == 1  # notes are not replies


def test_the_editor_measures_the_text_live_and_refuses_bad_input(team):
    author, _ = team
    client = _client(author)
    easy = client.post(
        "/agent/knowledge/readability/",
        {"body": "Turn it off. Turn it on.", "audience": "patient", "language": "en"},
    )
    assert "within 8" in easy.content.decode()
    bad = client.post("/agent/knowledge/new/", {"title": "", "body": "", "audience": "x"})
    assert bad.status_code == 422
    assert "There is a problem" in bad.content.decode()
    made = client.post(
        "/agent/knowledge/new/",
        {
            "title": "Charging",
            "body": "Charge it each night.",
            "audience": "patient",
            "language": "en",
        },
    )
    assert made.status_code == 302


def test_the_forms_offer_suggestions_with_a_plain_link_without_javascript(team):
    contact = requester_with_login()
    RequestTypeFactory(slug="device-problem")
    portal = _client(contact.user).get("/portal/new/device-problem/").content.decode()
    assert 'id="kb-suggestions"' in portal and 'href="/help/"' in portal
    public = Client().get("/help/new/").content.decode()
    assert 'id="kb-suggestions"' in public and "form=help_form" in public


def _api(user, method, path, body=None):
    _token, secret = token_create(user=user, name="kb")
    kwargs = {"headers": {"Authorization": f"Bearer {secret}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(Client(), method)(path, **kwargs)


def test_the_api_writes_submits_and_publishes_with_a_second_reviewer(team):
    author, reviewer = team
    made = _api(
        author,
        "post",
        f"{API}/articles",
        {"title": "Battery care", "body": "Charge it each night.", "audience": "patient"},
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["grade_target"] == 8
    patched = _api(author, "patch", f"{API}/articles/{pk}", {"tags": "battery, charge"})
    assert patched.json()["tags"] == ["battery", "charge"]
    assert _api(author, "post", f"{API}/articles/{pk}/submit").status_code == 200
    assert _api(author, "post", f"{API}/articles/{pk}/publish").status_code == 403
    published = _api(reviewer, "post", f"{API}/articles/{pk}/publish")
    assert published.status_code == 200 and published.json()["version"] == 1
    found = _api(requester_with_login().user, "get", f"{API}/articles?q=battery").json()
    assert [a["id"] for a in found["items"]] == [pk]
    bad = _api(author, "post", f"{API}/articles", {"title": "x", "body": "y", "audience": "?"})
    assert bad.status_code == 422 and "audience" in bad.json()["errors"]
    empty = _api(
        author, "post", f"{API}/articles", {"title": " ", "body": "y", "audience": "patient"}
    )
    assert empty.status_code == 422 and "title" in empty.json()["errors"]


def test_the_api_never_shows_internal_articles_to_requesters(team):
    author, reviewer = team
    internal = _publish(author, reviewer, title="Playbook", audience=Audience.INTERNAL)
    requester = requester_with_login().user
    assert _api(requester, "get", f"{API}/articles/{internal.pk}").status_code == 404
    assert _api(requester, "get", f"{API}/articles?audience=internal").status_code == 403
    assert _api(AgentFactory(), "get", f"{API}/articles/{internal.pk}").status_code == 200
    top = _api(AgentFactory(role=ROLE_ADMIN), "get", f"{API}/top?metric=views")
    assert top.status_code == 200
    assert _api(requester, "get", f"{API}/top").status_code == 403


def test_the_demo_publishes_the_articles_its_protocols_name():
    from caredesk.demo import demo_load

    demo_load(tickets=5)
    ids = selectors.articles_by_title(
        ["Handling requests to speak with specific employees", "Incentive Program"]
    )
    assert len(ids) == 2
    assert selectors.find(selectors.Filters(q="video"), internal=False).total >= 2  # en + es
    assert len(selectors.top("views")) >= 5
