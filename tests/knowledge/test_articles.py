"""The knowledge base's writer: states, versions, review by a second person, reading grades,
search on either database, counters and what each reader may open."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_QUALITY
from caredesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from caredesk.knowledge import pure, selectors, services
from caredesk.knowledge.models import (
    Article,
    ArticleDay,
    ArticleEvent,
    ArticleVersion,
    Audience,
    Deflection,
    State,
)
from tests.factories import AgentFactory, login_verified, requester_with_login, supervisor

pytestmark = pytest.mark.django_db

SIMPLE = (
    "Turn the hub off. Wait ten seconds. Turn it on again. If the light stays red, call us. "
    "We can help you by phone."
)
HARD = (
    "Intermittent telemetry desynchronisation necessitates systematic reinitialisation of the "
    "peripheral communication interface, particularly following firmware modifications affecting "
    "cryptographic authentication credentials."
)


def _data(**kw):
    base = {"title": "Reset the home hub", "body": SIMPLE, "audience": Audience.PATIENT}
    return services.ArticleData(**(base | kw))


def _published(author, reviewer, **kw):
    article = services.article_create(data=_data(**kw), actor=author)
    services.article_submit(article=article, actor=author)
    services.article_publish(article=article, actor=reviewer)
    article.refresh_from_db()
    return article


@pytest.fixture
def people():
    return supervisor(name="Odile Brack"), AgentFactory(name="Tamsin Vale", role=ROLE_QUALITY)


def test_draft_review_publish_makes_versions_readers_see_the_published_one(people, clock):
    author, reviewer = people
    article = services.article_create(data=_data(), actor=author)
    assert article.state == State.DRAFT and article.owner == author
    assert selectors.article_for_reader(article.slug, internal=False) is None  # a draft

    services.article_submit(article=article, actor=author)
    with pytest.raises(PermissionDenied):  # the person who submitted it does not publish it
        services.article_publish(article=article, actor=author)
    v1 = services.article_publish(article=article, actor=reviewer)
    assert (v1.number, v1.author, v1.published_by) == (1, author, reviewer)

    clock.advance(hours=1)
    services.article_update(
        article=article, data=_data(body=SIMPLE + "\n\nNew: check the cable."), actor=author
    )
    shown = selectors.article_for_reader(article.slug, internal=False)
    assert shown is not None and "New: check the cable" not in shown.published.body_html
    services.article_submit(article=article, actor=author)
    v2 = services.article_publish(article=article, actor=reviewer)
    assert v2.number == 2
    shown = selectors.article_for_reader(article.slug, internal=False)
    assert "New: check the cable" in shown.published.body_html
    assert list(article.versions.values_list("number", flat=True)) == [2, 1]
    kinds = list(ArticleEvent.objects.filter(article=article).values_list("kind", "actor"))
    assert ("published", reviewer.pk) in kinds and ("edited", author.pk) in kinds
    with pytest.raises(ValueError):
        v1.save()  # a published version never changes


def test_agents_read_and_do_not_write(people):
    agent = AgentFactory()
    with pytest.raises(PermissionDenied):
        services.article_create(data=_data(), actor=agent)
    admin = AgentFactory(role=ROLE_ADMIN)
    assert services.article_create(data=_data(), actor=admin).pk


def test_bad_input_is_refused_field_by_field(people):
    author, _ = people
    with pytest.raises(ValidationFailed) as exc:
        services.article_create(
            data=_data(title=" ", firmware_min="3.0", firmware_max="2.10", audience="nobody"),
            actor=author,
        )
    assert {"title", "firmware_max", "audience", "model_sku"} <= set(exc.value.errors)


def test_publishing_needs_a_review_and_a_change(people):
    author, reviewer = people
    article = services.article_create(data=_data(), actor=author)
    with pytest.raises(Conflict):
        services.article_publish(article=article, actor=reviewer)
    services.article_submit(article=article, actor=author)
    services.article_publish(article=article, actor=reviewer)
    with pytest.raises(Conflict):  # nothing changed since
        services.article_submit(article=article, actor=author)


def test_reading_grade_against_the_audience_target(people):
    author, _ = people
    easy = services.article_create(data=_data(), actor=author)
    hard = services.article_create(data=_data(title="Telemetry", body=HARD), actor=author)
    target = services.grade_target(Audience.PATIENT)
    assert target == 8
    assert easy.grade is not None and easy.grade <= target
    assert hard.grade is not None and hard.grade > target
    assert services.grade_target(Audience.CLINICIAN) > target
    assert pure.reading_grade("") is None
    assert pure.reading_grade("Apague el equipo. Espere diez segundos.", "es") is not None


def test_firmware_ranges_compare_as_versions():
    assert pure.firmware_in_range("2.10", "2.9", "3.0")
    assert not pure.firmware_in_range("2.8", "2.9", "")
    assert pure.firmware_in_range("4.0", "", "")


def test_search_ranks_published_articles_with_snippets_and_filters(people):
    author, reviewer = people
    hub = _published(author, reviewer)
    _published(
        author,
        reviewer,
        title="Battery care",
        body="Charge the battery every night. A hub resets when the battery is flat.",
        audience=Audience.CLINICIAN,
        language="fr",
    )
    draft = services.article_create(data=_data(title="Hub draft"), actor=author)
    found = selectors.find(selectors.Filters(q="hub"), internal=False)
    ids = [h.article.pk for h in found.hits]
    assert ids[0] == hub.pk and draft.pk not in ids and len(ids) == 2
    assert any(marked for _, marked in found.hits[0].snippet)
    only = selectors.find(selectors.Filters(q="hub", audience=Audience.CLINICIAN), internal=False)
    assert [h.article.title for h in only.hits] == ["Battery care"]
    assert selectors.find(selectors.Filters(q="hub", language="fr"), internal=False).total == 1
    assert selectors.find(selectors.Filters(q="réséts"), internal=False).total == 1  # folded


def test_internal_articles_are_never_public(people, client):
    author, reviewer = people
    secret = _published(author, reviewer, title="Escalation playbook", audience=Audience.INTERNAL)
    assert selectors.article_for_reader(secret.slug, internal=False) is None
    assert selectors.find(selectors.Filters(q="playbook"), internal=False).total == 0
    assert selectors.find(selectors.Filters(q="playbook"), internal=True).total == 1
    assert client.get(f"/help/articles/{secret.slug}/").status_code == 404
    assert b"Escalation playbook" not in client.get("/help/?q=playbook").content
    assert selectors.suggestions("escalation playbook", audiences=("internal",)) == []


def test_archived_articles_leave_the_help_centre(people, client):
    author, reviewer = people
    article = _published(author, reviewer)
    assert client.get(f"/help/articles/{article.slug}/").status_code == 200
    services.article_archive(article=article, actor=reviewer)
    assert client.get(f"/help/articles/{article.slug}/").status_code == 404
    assert selectors.find(selectors.Filters(q="hub"), internal=True).total == 0


def test_views_are_daily_counters_and_a_reload_is_not_counted_twice(people, client):
    author, reviewer = people
    article = _published(author, reviewer)
    client.get(f"/help/articles/{article.slug}/")
    client.get(f"/help/articles/{article.slug}/")  # a reload, same reader
    Client().get(f"/help/articles/{article.slug}/")  # another reader
    day = ArticleDay.objects.get(article=article)
    assert day.views == 2
    assert [r.value for r in selectors.top("views")] == [2]


def test_solved_counts_a_deflection_for_the_article_and_the_form(people, client, clock):
    author, reviewer = people
    article = _published(author, reviewer)
    response = client.post(f"/help/articles/{article.slug}/solved/", {"form": "portal"})
    assert response.status_code == 302
    d = Deflection.objects.get()
    assert (d.article, d.form, d.audience) == (article, "portal", Audience.PATIENT)
    report = selectors.deflection_report()
    assert report.rows[0].title == article.title and report.rows[0].total == 1
    assert report.rows[0].weeks[-1] == 1
    assert report.by_form == [("portal", 1)]
    assert [r.article_id for r in selectors.top("deflections")] == [article.pk]


def test_suggestions_follow_the_requesters_audience(people):
    author, reviewer = people
    patient = _published(author, reviewer)
    _published(author, reviewer, title="Hub set-up for clinics", audience=Audience.CLINICIAN)
    got = selectors.suggestions("my hub light stays red", audiences=(Audience.PATIENT,))
    assert got == [patient]


def test_suggest_endpoint_reads_the_portal_requesters_kind(people, client):
    author, reviewer = people
    _published(author, reviewer)
    _published(author, reviewer, title="Hub set-up for clinics", audience=Audience.CLINICIAN)
    contact = requester_with_login(kind="clinician")
    login_verified(client, contact.user)
    html = client.get("/help/suggest/", {"subject": "hub", "form": "portal"}).content.decode()
    assert "Hub set-up for clinics" in html and "Reset the home hub" not in html


def test_reply_links_count_for_linked_articles(people):
    author, reviewer = people
    article = _published(author, reviewer)
    body = f"Please read https://desk.example/help/articles/{article.slug}/ and tell us."
    assert services.reply_links_count(body) == [article.pk]
    assert selectors.top("reply_links")[0].value == 1


def test_variants_link_to_their_original(people):
    author, reviewer = people
    original = _published(author, reviewer)
    spanish = _published(
        author,
        reviewer,
        title="Reiniciar el concentrador",
        body="Apague el equipo. Espere diez segundos.",
        language="es",
        original=original,
    )
    assert spanish.slug.endswith("-es")
    assert selectors.variants_of(original, internal=False) == [spanish]
    assert selectors.in_language(original, "es") == spanish
    assert selectors.in_language(original, "de") == original
    with pytest.raises(ValidationFailed):
        services.article_create(data=_data(language="en", original=original), actor=author)


def test_a_page_of_search_results_costs_the_same_queries(people, django_assert_max_num_queries):
    author, reviewer = people
    for i in range(3):
        _published(author, reviewer, title=f"Hub guide {i}")
    with django_assert_max_num_queries(3):
        few = selectors.find(selectors.Filters(q="hub"), internal=False)
    for i in range(3, 12):
        _published(author, reviewer, title=f"Hub guide {i}")
    with django_assert_max_num_queries(3):
        many = selectors.find(selectors.Filters(q="hub"), internal=False)
    assert (few.total, many.total) == (3, 12)
    assert Article.objects.count() == ArticleVersion.objects.count()


def test_one_address_cannot_inflate_deflections(people, client, settings):
    from caredesk.knowledge import views

    author, reviewer = people
    article = _published(author, reviewer)
    for _ in range(views.SOLVED_PER_HOUR + 5):
        response = client.post(f"/help/articles/{article.slug}/solved/", {"form": "help_form"})
        assert response.status_code == 302  # thanked either way
    assert Deflection.objects.count() == views.SOLVED_PER_HOUR
