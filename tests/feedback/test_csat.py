"""Satisfaction surveys: booked when a ticket is solved, sent by the sweep after the delay
(once, whatever the number of sweeps), answered from signed links, followed up on the desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client

from caredesk.feedback import links, services
from caredesk.feedback.models import FeedbackSettings, OptOut, State, Survey
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import ticket_update
from caredesk.tickets.services.merge import ticket_merge
from tests.factories import AgentFactory, ContactFactory, TeamFactory, make_ticket
from tests.feedback.conftest import rate_links, solve, survey_mails

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory(teams=[TeamFactory()], name="Orla Penhallow")


@pytest.fixture
def solved(agent, clock):
    requester = ContactFactory(email="wenna.rask@example.org")
    ticket = make_ticket(requester, team=agent.teams.first(), assignee=agent)
    return solve(ticket, agent)


def test_the_survey_goes_out_after_the_delay_once(solved, clock):
    survey = Survey.objects.get(ticket=solved)
    assert survey.state == State.SCHEDULED and survey.due_at == solved.solved_at + timedelta(
        hours=24
    )
    clock.advance(hours=23, minutes=59)
    assert services.surveys_send() == 0
    clock.advance(minutes=2)
    assert services.surveys_send() == 1
    assert services.surveys_send() == 0  # a second sweep finds it taken
    (mail,) = survey_mails("wenna.rask@example.org")
    assert solved.ref in mail["subject"] and solved.subject not in mail["subject"]
    assert sorted(rate_links(mail["body"])) == [1, 2, 3, 4, 5]
    survey.refresh_from_db()
    assert survey.state == State.SENT and survey.agent_id == solved.assignee_id
    assert survey.team_id == solved.team_id and survey.channel == solved.channel


def test_a_link_carries_only_the_token_score_and_expiry(solved, clock):
    clock.advance(hours=25)
    services.surveys_send()
    (mail,) = survey_mails("wenna.rask@example.org")
    signed = rate_links(mail["body"])[4]
    data = signing.loads(signed, salt=links.RATE_SALT)
    assert set(data) == {"t", "s", "e"} and data["s"] == 4
    assert solved.subject not in mail["body"] and "Wenna" not in signed


def _sent(solved, clock) -> dict[int, str]:
    clock.advance(hours=25)
    services.surveys_send()
    (mail,) = survey_mails("wenna.rask@example.org")
    return rate_links(mail["body"])


def test_opening_a_link_records_nothing_until_sent(solved, clock):
    urls = _sent(solved, clock)
    client = Client()
    for method in (client.get, client.head):
        assert method(f"/feedback/rate/{urls[2]}/").status_code == 200
    survey = Survey.objects.get(ticket=solved)
    assert survey.score is None
    page = client.get(f"/feedback/rate/{urls[2]}/").content.decode()
    assert 'value="2"' in page and "checked" in page and solved.subject not in page


def test_rating_with_a_comment_and_changing_it_is_one_answer(solved, clock):
    urls = _sent(solved, clock)
    client = Client()
    client.get(f"/feedback/rate/{urls[2]}/")
    answered = client.post(f"/feedback/rate/{urls[2]}/", {"score": "2", "comment": "Slow reply"})
    assert answered.status_code == 302
    assert "Thank you" in client.get(answered["Location"]).content.decode()
    client.post(f"/feedback/rate/{urls[5]}/", {"score": "4", "comment": "Fine after all"})
    (survey,) = Survey.objects.filter(ticket=solved)
    assert (survey.score, survey.comment) == (4, "Fine after all")
    clock.advance(days=8)  # past the window for changes
    late = client.post(f"/feedback/rate/{urls[1]}/", {"score": "1"})
    assert late.status_code == 200 and "can no longer be changed" in late.content.decode()
    survey.refresh_from_db()
    assert survey.score == 4


def test_tampered_and_expired_links_are_refused(solved, clock):
    urls = _sent(solved, clock)
    client = Client()
    tampered = urls[5][:-3] + ("abc" if not urls[5].endswith("abc") else "xyz")
    assert client.get(f"/feedback/rate/{tampered}/").status_code == 400
    assert client.post(f"/feedback/rate/{tampered}/", {"score": "5"}).status_code == 400
    forged = signing.dumps({"t": "x", "s": 5, "e": 9999999999}, salt="another salt")
    assert client.get(f"/feedback/rate/{forged}/").status_code == 400
    clock.advance(days=31)
    expired = client.post(f"/feedback/rate/{urls[5]}/", {"score": "5"})
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert Survey.objects.get(ticket=solved).score is None


def test_a_bad_score_is_a_field_error(solved, clock):
    urls = _sent(solved, clock)
    client = Client()
    for bad in ("9", "", "x"):
        page = client.post(f"/feedback/rate/{urls[3]}/", {"score": bad})
        assert page.status_code == 422 and "Choose" in page.content.decode()
    assert Survey.objects.get(ticket=solved).score is None


def test_no_survey_for_a_ticket_reopened_before_the_send(solved, agent, clock):
    ticket_update(ticket=solved, changes={"status": "open"}, actor=agent)
    clock.advance(hours=25)
    assert services.surveys_send() == 0
    survey = Survey.objects.get(ticket=solved)
    assert (survey.state, survey.skip_reason) == (State.SKIPPED, "reopened")
    # solved again: booked again from the new instant, and sent once
    solved = solve(Ticket.objects.get(pk=solved.pk), agent)
    survey.refresh_from_db()
    assert survey.state == State.SCHEDULED and survey.due_at > clock.current
    clock.advance(hours=25)
    assert services.surveys_send() == 1


def test_solved_again_after_an_answer_gets_no_second_survey(solved, agent, clock):
    urls = _sent(solved, clock)
    Client().post(f"/feedback/rate/{urls[5]}/", {"score": "5"})
    ticket_update(ticket=solved, changes={"status": "open"}, actor=agent)
    solve(Ticket.objects.get(pk=solved.pk), agent)
    clock.advance(hours=25)
    assert services.surveys_send() == 0
    assert len(survey_mails("wenna.rask@example.org")) == 1


def test_no_survey_for_a_merged_ticket(solved, agent, clock):
    other = make_ticket(solved.requester, team=solved.team)
    ticket_merge(source=Ticket.objects.get(pk=solved.pk), into=other, actor=agent)
    clock.advance(hours=25)
    assert services.surveys_send() == 0
    assert Survey.objects.get(ticket=solved).skip_reason == "merged"


def test_no_survey_for_spam_or_who_opted_out(agent, clock):
    spam = make_ticket(ContactFactory(), assignee=agent, tags=("spam",))
    solve(spam, agent)
    quiet = ContactFactory()
    OptOut.objects.create(contact=quiet, created_at=clock.current)
    solve(make_ticket(quiet, assignee=agent), agent)
    clock.advance(hours=25)
    assert services.surveys_send() == 0
    reasons = set(Survey.objects.values_list("skip_reason", flat=True))
    assert reasons == {"spam", "opted out"}


def test_the_stop_link_opts_out_with_a_post(solved, clock):
    clock.advance(hours=25)
    services.surveys_send()
    (mail,) = survey_mails("wenna.rask@example.org")
    stop = next(w for w in mail["body"].split() if "/feedback/stop/" in w)
    path = stop.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    assert client.get(f"/{path}").status_code == 200
    assert not OptOut.objects.exists()
    assert client.post(f"/{path}").status_code == 200
    assert OptOut.objects.filter(contact=solved.requester).exists()


def test_channels_and_request_types_limit_the_surveys(agent, clock):
    conf = services.settings_get()
    conf.csat_channels = "email"
    conf.save()
    solve(make_ticket(ContactFactory(), assignee=agent), agent)  # a portal ticket
    assert not Survey.objects.exists()
    solve(make_ticket(ContactFactory(), assignee=agent, channel="email"), agent)
    assert Survey.objects.count() == 1


@pytest.mark.parametrize(("hours", "ok"), [(0, True), (24, True), (72, True), (73, False)])
def test_the_delay_is_at_most_three_days(hours, ok):
    from caredesk.feedback.forms import SettingsForm

    conf = services.settings_get()
    form = SettingsForm(
        data={
            "csat_enabled": "on",
            "csat_delay_hours": str(hours),
            "link_days": "30",
            "change_days": "7",
            "nps_sample_size": "20",
        },
        instance=conf,
    )
    assert form.is_valid() is ok
    if not ok:
        assert "72 hours" in form.errors["csat_delay_hours"][0]


def test_shipped_settings_exist_on_a_fresh_install():
    conf = FeedbackSettings.objects.get(pk=1)
    assert conf.csat_delay_hours == 24 and conf.csat_enabled and not conf.channels()


def test_a_bulk_solve_books_every_ticket_once(agent, clock):
    from caredesk.tickets.services import BulkChanges, tickets_bulk_update

    tickets = [make_ticket(ContactFactory(), team=agent.teams.first()) for _ in range(4)]
    services.surveys_book()  # the sweep has read up to now
    clock.advance(minutes=1)
    tickets_bulk_update(
        ticket_ids=[t.pk for t in tickets], changes=BulkChanges(status="solved"), actor=agent
    )
    assert services.surveys_book() == 4
    assert services.surveys_book() == 0  # read again (the overlap): nothing new
    assert Survey.objects.filter(state=State.SCHEDULED).count() == 4


def test_a_change_committed_late_is_still_booked(agent, clock):
    ticket = make_ticket(ContactFactory(), assignee=agent)
    services.surveys_book()
    # written at this instant, but its transaction commits after the next sweep has read on
    clock.advance(minutes=1)
    late = clock.current
    clock.advance(minutes=1)
    services.surveys_book()
    clock.set(late)
    ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)
    clock.advance(minutes=5)
    assert services.surveys_book() == 1


def test_the_signed_links_stay_out_of_the_log(solved, clock, caplog):
    urls = _sent(solved, clock)
    client = Client()
    assert client.post(f"/feedback/rate/{urls[3]}/", {"score": "x"}).status_code == 422
    assert client.get(f"/feedback/rate/{urls[3]}zz/").status_code == 400
    assert urls[3] not in caplog.text
