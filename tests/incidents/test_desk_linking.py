"""Gathering tickets under an incident and answering them together: links (one ticket event
each), refusals, suggestions by symptom words, the requesters' fan-out (idempotent), the
resolution solving every linked ticket but those kept open, the on-call page's acknowledgement
becoming the incident's, and the symptom rule."""

from __future__ import annotations

import pytest
from django.core import mail

from caredesk.core import clock as clock_module
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.incidents.fanout import update_fanout
from caredesk.incidents.linking import (
    IN_ANOTHER,
    incident_number,
    links_keep_open,
    suggested_tickets,
    tickets_link,
)
from caredesk.incidents.models import Incident, IncidentTicket, Source, UpdateDelivery
from caredesk.incidents.services import (
    incident_declare,
    incident_resolve,
    incident_update_post,
)
from caredesk.incidents.symptoms import normalised, symptom_sweep
from caredesk.oncall.services import page_acknowledge
from caredesk.tickets.models import EventKind, Message, MessageKind, Status, TicketEvent
from caredesk.tickets.services import ticket_update
from tests.factories import AgentFactory, ContactFactory, make_ticket
from tests.oncall.conftest import clinical_team, primary_on_call_now

pytestmark = pytest.mark.django_db


def _tickets(n: int, subject: str = "Video visit will not connect") -> list:
    return [make_ticket(ContactFactory(), subject=subject) for _ in range(n)]


def test_linking_writes_one_event_per_ticket_and_refuses_a_ticket_of_another_open_incident():
    agent = AgentFactory(role="Supervisor")
    first = incident_declare(title="Video rooms fail", severity=2, actor=agent)
    second = incident_declare(title="Scheduling slow", severity=3, actor=agent)
    tickets = _tickets(3)
    ids = [t.pk for t in tickets]

    results = tickets_link(incident=first, ticket_ids=ids, actor=agent)
    assert [r.outcome for r in results] == ["changed"] * 3
    events = TicketEvent.objects.filter(kind=EventKind.INCIDENT, ticket_id__in=ids)
    assert events.count() == 3
    assert {e.data["incident"] for e in events} == {first.number}

    again = tickets_link(incident=first, ticket_ids=ids[:1], actor=agent)
    assert again[0].outcome == "unchanged"
    other = tickets_link(incident=second, ticket_ids=ids[:1] + [10**8], actor=agent)
    assert [(r.outcome, r.reason) for r in other][0] == ("refused", IN_ANOTHER)
    assert other[1].outcome == "refused"
    assert events.count() == 3

    with pytest.raises(ValidationFailed) as refused:
        tickets_link(incident=first, ticket_ids=[], actor=agent)
    assert "tickets" in refused.value.errors
    incident_resolve(incident=second, actor=agent, notify=False)
    with pytest.raises(Conflict):
        tickets_link(incident=second, ticket_ids=ids, actor=agent)
    assert incident_number("INC-12") == 12 and incident_number("inc 7") == 7
    assert incident_number("CD-12") is None


def test_suggestions_are_open_tickets_since_the_start_matching_the_symptom_words(clock):
    agent = AgentFactory(role="Supervisor")
    before = make_ticket(ContactFactory(), subject="Camera black during video visit")
    clock.advance(minutes=5)
    incident = incident_declare(
        title="Video visits: black camera", severity=2, actor=agent, symptom="camera black"
    )
    clock.advance(minutes=1)
    match = make_ticket(ContactFactory(), subject="Black camera in my visit")
    body_match = make_ticket(
        ContactFactory(), subject="Visit trouble", body="The camera is black for everyone."
    )
    other = make_ticket(ContactFactory(), subject="Invoice question", body="Billing address")
    solved = make_ticket(ContactFactory(), subject="Camera black again")
    ticket_update(ticket=solved, changes={"status": Status.SOLVED}, actor=agent)

    found = {t.pk for t in suggested_tickets(incident, agent)}
    assert found == {match.pk, body_match.pk}
    assert before.pk not in found and other.pk not in found
    tickets_link(incident=incident, ticket_ids=[match.pk], actor=agent)
    assert {t.pk for t in suggested_tickets(incident, agent)} == {body_match.pk}


def test_one_notified_update_replies_on_every_linked_ticket_once_even_when_retried(
    django_capture_on_commit_callbacks,
):
    agent = AgentFactory(role="Supervisor")
    incident = incident_declare(title="Video rooms fail", severity=2, actor=agent)
    tickets = _tickets(7)
    tickets_link(incident=incident, ticket_ids=[t.pk for t in tickets], actor=agent)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        update = incident_update_post(
            incident=incident, actor=agent, body="We rerouted the media relay.", notify=True
        )
    update.refresh_from_db()
    assert update.sent_count == 7 and update.sent_at is not None
    replies = Message.objects.filter(
        ticket__in=tickets, kind=MessageKind.PUBLIC, body_text__contains="rerouted"
    )
    assert replies.count() == 7
    told = sorted(m.to[0] for m in mail.outbox if "rerouted" in m.body)
    assert told == sorted(t.requester.email for t in tickets)

    assert update_fanout(update_id=update.pk, batch=2) == 0  # a retried job tells nobody twice
    assert replies.count() == 7

    quiet = incident_update_post(
        incident=incident, actor=agent, body="Internal only.", public=False
    )
    assert update_fanout(update_id=quiet.pk) == 0
    assert not UpdateDelivery.objects.filter(update=quiet).exists()


def test_a_retry_after_a_partial_run_tells_only_the_rest(django_capture_on_commit_callbacks):
    agent = AgentFactory(role="Supervisor")
    incident = incident_declare(title="Sync delays", severity=3, actor=agent)
    tickets = _tickets(5)
    tickets_link(incident=incident, ticket_ids=[t.pk for t in tickets], actor=agent)
    update = incident_update_post(incident=incident, actor=agent, body="Catching up.", notify=True)
    # the job ran for two tickets, then the worker died
    UpdateDelivery.objects.filter(update=update).delete()
    first_two = tickets[:2]
    for t in first_two:
        UpdateDelivery.objects.create(update=update, ticket=t, at=clock_module.now())
    assert update_fanout(update_id=update.pk) == 3
    update.refresh_from_db()
    assert update.sent_count == 5


def test_resolving_solves_linked_tickets_except_those_kept_open_or_closed(
    django_capture_on_commit_callbacks,
):
    agent = AgentFactory(role="Supervisor")
    incident = incident_declare(title="E-prescribing down", severity=1, actor=agent)
    kept, closed, plain, already = _tickets(4)
    ticket_update(ticket=closed, changes={"status": Status.CLOSED}, actor=agent)
    ticket_update(ticket=already, changes={"status": Status.SOLVED}, actor=agent)
    ids = [kept.pk, closed.pk, plain.pk, already.pk]
    tickets_link(incident=incident, ticket_ids=ids, actor=agent)
    assert links_keep_open(incident=incident, keep=[kept.pk]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        incident_resolve(incident=incident, actor=agent, body="Prescriptions flow again.")
    for t in (kept, closed, plain, already):
        t.refresh_from_db()
    assert (kept.status, closed.status, plain.status, already.status) == (
        Status.OPEN, Status.CLOSED, Status.SOLVED, Status.SOLVED,
    )  # fmt: skip
    said = Message.objects.filter(body_text__contains="flow again").values_list(
        "ticket_id", flat=True
    )
    assert sorted(said) == sorted([kept.pk, plain.pk, already.pk])
    assert UpdateDelivery.objects.filter(solved=True).get().ticket_id == plain.pk


def test_a_page_acknowledged_elsewhere_is_the_incidents_acknowledgement(clock):
    clinical = clinical_team()
    primary_on_call_now(clinical)
    incident = incident_declare(
        title="Video visits failing", severity=1, actor=clinical.lead, team=clinical.team
    )
    assert incident.page is not None
    clock.advance(minutes=3)
    page_acknowledge(page=incident.page, user=clinical.primary, via="sms")
    incident.refresh_from_db()
    assert incident.acknowledged_by == clinical.primary
    assert (incident.acknowledged_at - incident.started_at).total_seconds() == 180


def test_the_rule_opens_one_sev2_incident_for_many_tickets_with_one_symptom(clock, settings):
    settings.CAREDESK_INCIDENT_RULE_TICKETS = 5
    settings.CAREDESK_INCIDENT_RULE_MINUTES = 10
    assert normalised("Can't join my VIDEO visit!") == normalised("video visit: can't join")
    old = _tickets(3, subject="Video visit will not join")
    clock.advance(minutes=11)
    recent = _tickets(4, subject="Video visit will not join")
    recent += _tickets(2, subject="Invoice is wrong")
    assert symptom_sweep() == []  # 4 within the window: not yet

    clock.advance(minutes=1)
    recent += _tickets(1, subject="video visit won't join!")
    opened = symptom_sweep()
    assert len(opened) == 1
    incident = opened[0]
    assert (incident.severity, incident.source) == (2, Source.RULE)
    linked = set(
        IncidentTicket.objects.filter(incident=incident).values_list("ticket_id", flat=True)
    )
    assert linked == {t.pk for t in recent[:4]} | {recent[-1].pk}
    assert not linked & {t.pk for t in old}

    late = _tickets(2, subject="Video visit will not join")
    assert symptom_sweep() == []  # never a second incident for the same symptom
    assert Incident.objects.filter(source=Source.RULE).count() == 1
    assert IncidentTicket.objects.filter(incident=incident).count() == 7
    assert {t.pk for t in late} <= set(
        IncidentTicket.objects.filter(incident=incident).values_list("ticket_id", flat=True)
    )
