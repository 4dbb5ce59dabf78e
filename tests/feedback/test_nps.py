"""The quarterly recommendation survey: the formula, the reproducible sample (never the same
contact twice in a year while others are left), sending and answering on the 0-10 scale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from caredesk.feedback import pure, selectors, services
from caredesk.feedback.models import Kind, NpsRound, State, Survey
from tests.factories import ContactFactory, OrganizationFactory
from tests.feedback.conftest import rate_links, survey_mails


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], None),
        ([10, 9, 8, 7], 50.0),  # 2 promoters, 2 passives
        ([0, 6, 10], -33.3),
        ([9] * 5, 100.0),
        ([3] * 4, -100.0),
        ([7, 8], 0.0),
    ],
)
def test_nps_is_promoters_minus_detractors(scores, expected):
    assert pure.nps_of(scores) == expected


def test_csat_is_the_share_of_satisfied_answers():
    assert pure.csat([5, 4, 3, 1]) == 50.0 and pure.csat([]) is None


def test_the_sample_is_reproducible_and_prefers_contacts_not_asked_this_year():
    people = list(range(1, 41))
    first = pure.nps_sample(people, [], 10, seed="7:2026-Q4")
    assert first == pure.nps_sample(list(reversed(people)), [], 10, seed="7:2026-Q4")
    assert first != pure.nps_sample(people, [], 10, seed="7:2027-Q1")
    assert first != pure.nps_sample(people, [], 10, seed="8:2026-Q4")
    again = pure.nps_sample(people, first, 10, seed="7:2027-Q1")
    assert not set(again) & set(first)
    # too few left: the recently asked fill the sample up
    small = pure.nps_sample(people[:12], first, 10, seed="7:2027-Q1")
    assert len(small) == 10 and set(people[:12]) - set(first) <= set(small)


@pytest.mark.django_db
def test_the_quarterly_draw_sends_a_sample_once_and_answers_count(clock):
    clock.set(datetime(2026, 10, 5, 6, tzinfo=UTC))
    conf = services.settings_get()
    conf.nps_sample_size = 3
    conf.save()
    org = OrganizationFactory(name="Harrowgate Clinic")
    people = [ContactFactory(organization=org, email=f"p{i}@harrowgate.example") for i in range(5)]
    ContactFactory(organization=org, email=None)  # no address: never drawn
    assert services.nps_draw() == 3
    assert services.nps_draw() == 0  # once a quarter
    assert NpsRound.objects.get(organization=org).drawn == 3
    assert services.surveys_send() == 3
    drawn = Survey.objects.filter(kind=Kind.NPS, state=State.SENT)
    assert {s.quarter for s in drawn} == {"2026-Q4"}
    first = sorted(drawn.values_list("contact_id", flat=True))
    # the answer page is the same as satisfaction's, with 0-10
    who = next(p for p in people if p.pk == first[0])
    (mail,) = survey_mails(who.email)
    links = rate_links(mail["body"])
    assert sorted(links) == list(range(11))
    assert Client().post(f"/feedback/rate/{links[9]}/", {"score": "9"}).status_code == 302
    rows, total = selectors.nps_by_organization(quarter="2026-Q4")
    assert (total.promoters, total.answered, total.score) == (1, 1, 100.0)
    assert rows[0].label == "Harrowgate Clinic" and rows[0].sent == 3
    # next quarter: the two not asked come first
    clock.set(datetime(2027, 1, 4, 6, tzinfo=UTC))
    services.nps_draw()
    second = set(
        Survey.objects.filter(kind=Kind.NPS, quarter="2027-Q1").values_list("contact_id", flat=True)
    )
    assert {p.pk for p in people} - set(first) <= second
    assert [r.label for r in selectors.nps_trend()] == ["2026-Q4"]  # only sent ones count
    clock.advance(minutes=1)
    services.surveys_send()
    assert [r.label for r in selectors.nps_trend()] == ["2026-Q4", "2027-Q1"]


@pytest.mark.django_db
def test_a_csat_score_outside_1_to_5_is_refused_by_the_service(clock):
    from caredesk.core.errors import ValidationFailed

    survey = Survey.objects.create(
        kind=Kind.NPS,
        state=State.SENT,
        token="tok-nps",
        contact=ContactFactory(),
        due_at=clock.current,
        sent_at=clock.current,
    )
    with pytest.raises(ValidationFailed) as refused:
        services.answer_record(token=survey.token, score=11)
    assert "0 to 10" in refused.value.errors["score"][0]
    services.answer_record(token=survey.token, score=0, comment="x" * 10)
    with pytest.raises(ValidationFailed) as refused:
        services.answer_record(token=survey.token, score=0, comment="bad\x00text")
    assert "comment" in refused.value.errors
    clock.advance(days=8)
    assert not services.answer_editable(
        survey.__class__.objects.get(pk=survey.pk), services.settings_get()
    )
