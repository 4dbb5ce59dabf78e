"""Paging: a rule pages the team's on-call person in-app, by mail, SMS and voice call (through
Twilio's REST API, here a peer on 127.0.0.1); nobody acknowledging moves the page to the
secondary, then the team lead, round again, then the team is told; an SMS reply, the page's
link or the desk acknowledges it and stops the escalation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from caredesk.core.models import Notification, OutboxItem, OutboxStatus
from caredesk.core.outbox import outbox_deliver
from caredesk.oncall.models import Channel, Page, PageNotification, PageState
from caredesk.oncall.services import ack_link, override_add, page_open, pages_escalate_due
from caredesk.rules.policies import policy_save
from caredesk.tickets.models import EventKind, MessageKind, TicketEvent
from caredesk.tickets.services import Body, message_add
from tests.factories import AgentFactory, ContactFactory, TeamFactory, login_verified, make_ticket
from tests.oncall.conftest import PHONES, basic_auth, sms_reply

pytestmark = pytest.mark.django_db


def paging_protocol(slug: str = "liaisons") -> None:
    policy_save(
        data={
            "name": "Page the liaison",
            "rules": [
                {"name": "collapse", "on": ["ticket.created", "message.added"],
                 "when": {"keywords": ["collapsed"]},
                 "actions": [{"type": "page_on_call", "rotation": slug,
                              "text": "Safety report on {ref}."}]}
            ],
        },
        actor=None,
    )  # fmt: skip


def texts_to(peer: Any, who: str) -> list[Any]:
    return peer.texts(PHONES[who])


def test_a_rule_pages_whoever_is_on_call_now_by_sms_voice_mail_and_in_app(
    clinical, twilio_peer, mailoutbox
):
    paging_protocol()
    ticket = make_ticket(subject="Home visit", body="The patient collapsed during the session.")
    page = Page.objects.get(ticket=ticket)
    assert page.state == PageState.TRIGGERED and page.team == clinical.team
    assert Notification.objects.filter(user=clinical.primary, urgent=True, ticket=ticket).exists()
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PAGED)
    assert event.data["to"] == [clinical.primary.pk], "the primary, not the whole team"

    outbox_deliver()
    (sms,) = texts_to(twilio_peer, "primary")
    assert sms.auth == basic_auth()
    assert sms.form["From"] == "+18005550111"
    assert page.code in sms.form["Body"] and "Reply ACK" in sms.form["Body"]
    assert "/oncall/ack/" in sms.form["Body"]
    assert "collapsed" not in sms.form["Body"] and "Home visit" not in sms.form["Body"]
    (call,) = twilio_peer.calls()
    assert call.form["To"] == PHONES["primary"] and "<Say>" in call.form["Twiml"]
    assert [m.to for m in mailoutbox] == [[clinical.primary.email]]
    page.refresh_from_db()
    assert page.first_sent_at is not None and page.seconds_to_send is not None
    channels = set(PageNotification.objects.filter(page=page).values_list("channel", flat=True))
    assert channels == {Channel.IN_APP, Channel.EMAIL, Channel.SMS, Channel.VOICE}
    sent = PageNotification.objects.get(page=page, channel=Channel.SMS)
    assert sent.sent_at is not None and sent.provider_id.startswith("SM")


def test_nobody_acknowledging_pages_the_secondary_then_the_lead_then_again_then_the_team(
    clinical, twilio_peer, clock
):
    page = page_open(team=clinical.team, text="Incident: video visits failing")
    outbox_deliver()
    assert len(texts_to(twilio_peer, "primary")) == 1
    clock.advance(minutes=4, seconds=59)
    assert pages_escalate_due() == 0
    clock.advance(seconds=1)
    assert pages_escalate_due() == 1
    outbox_deliver()
    assert len(texts_to(twilio_peer, "secondary")) == 1
    clock.advance(minutes=5)
    pages_escalate_due()
    outbox_deliver()
    assert len(texts_to(twilio_peer, "lead")) == 1
    clock.advance(minutes=5)
    pages_escalate_due()  # the second round starts with the primary again
    outbox_deliver()
    assert len(texts_to(twilio_peer, "primary")) == 2
    for _ in range(2):
        clock.advance(minutes=5)
        pages_escalate_due()
        outbox_deliver()
    clock.advance(minutes=5)
    pages_escalate_due()
    page.refresh_from_db()
    assert page.state == PageState.EXHAUSTED
    outbox_deliver()
    assert len(twilio_peer.texts()) == 6, "two rounds of three steps, nothing more"
    told = Notification.objects.filter(text__contains="not acknowledged by anyone")
    assert set(told.values_list("user_id", flat=True)) == {
        m.pk for m in clinical.team.members.all()
    }


def test_an_sms_reply_acknowledges_the_page_and_stops_the_escalation(
    clinical, twilio_peer, clock, client
):
    paging_protocol()
    ticket = make_ticket(body="She collapsed after the infusion.")
    outbox_deliver()
    clock.advance(seconds=40)
    answer = sms_reply(client, PHONES["primary"], " ack ")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/xml")
    page = Page.objects.get(ticket=ticket)
    assert f"Page {page.code} acknowledged" in answer.content.decode()
    page.refresh_from_db()
    assert (page.state, page.acknowledged_by, page.acknowledged_via) == (
        PageState.ACKNOWLEDGED,
        clinical.primary,
        "sms",
    )
    assert page.seconds_to_ack == 40.0
    acked = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PAGE_ACKNOWLEDGED)
    assert acked.data["via"] == "sms" and acked.actor_user_id == clinical.primary.pk
    clock.advance(minutes=30)
    assert pages_escalate_due() == 0
    outbox_deliver()
    assert texts_to(twilio_peer, "secondary") == []


def test_a_reply_with_the_page_code_acknowledges_that_page(clinical, twilio_peer, client):
    first = page_open(team=clinical.team, text="First")
    second = page_open(team=clinical.team, text="Second")
    outbox_deliver()
    answer = sms_reply(client, PHONES["primary"], first.code)
    assert f"Page {first.code} acknowledged" in answer.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (PageState.ACKNOWLEDGED, PageState.TRIGGERED)
    assert "Page" in sms_reply(client, PHONES["primary"], "1").content.decode()
    second.refresh_from_db()
    assert second.state == PageState.ACKNOWLEDGED


def test_replies_from_unknown_numbers_get_a_polite_answer_and_forged_ones_are_refused(
    clinical, twilio_peer, client
):
    page = page_open(team=clinical.team, text="Check")
    answer = sms_reply(client, "+15550199999", "ACK")
    assert answer.status_code == 200
    assert "not set up for CareDesk paging" in answer.content.decode()
    assert sms_reply(client, PHONES["primary"], "ACK", signed=False).status_code == 403
    page.refresh_from_db()
    assert page.state == PageState.TRIGGERED


def test_the_page_link_works_without_a_session_shows_no_subject_and_needs_a_post(
    clinical, twilio_peer
):
    paging_protocol()
    ticket = make_ticket(subject="Jorun Amsel fall", body="The patient collapsed.")
    page = Page.objects.get(ticket=ticket)
    link = ack_link(page, clinical.primary).removeprefix("https://support.caredesk.example")
    phone = Client(enforce_csrf_checks=True)
    shown = phone.get(link)
    assert shown.status_code == 200
    html = shown.content.decode()
    assert page.code in html and "Clinical liaisons" in html
    assert "Jorun" not in html and "collapsed" not in html and ticket.ref not in html
    page.refresh_from_db()
    assert page.state == PageState.TRIGGERED, "opening the link acknowledges nothing"
    assert phone.post(link).status_code == 403, "a POST without the form's CSRF token"
    token = phone.cookies["csrftoken"].value
    done = phone.post(link, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200 and "Acknowledged" in done.content.decode()
    page.refresh_from_db()
    assert (page.state, page.acknowledged_via) == (PageState.ACKNOWLEDGED, "link")
    assert phone.get(link[:-5] + "xxxx/").status_code == 404


def test_an_agent_acknowledges_from_the_desk_and_sees_the_time_to_acknowledge(
    clinical, twilio_peer, clock, long_sessions
):
    page = page_open(team=clinical.team, text="Incident: scheduling down")
    clock.advance(seconds=90)
    desk = Client()
    login_verified(desk, clinical.secondary)
    listed = desk.get("/agent/oncall/pages/")
    assert listed.status_code == 200 and page.code in listed.content.decode()
    assert desk.post(f"/agent/oncall/pages/{page.pk}/ack/").status_code == 302
    page.refresh_from_db()
    assert (page.acknowledged_by, page.acknowledged_via) == (clinical.secondary, "desk")
    html = desk.get("/agent/oncall/pages/").content.decode()
    assert "90.0 s" in html


def test_an_override_pages_the_person_covering(clinical, twilio_peer, clock):
    cover = AgentFactory(name="Ingrid Solvang", teams=[clinical.team])
    override_add(
        schedule=clinical.schedule,
        user=cover,
        start=clock() - timedelta(hours=1),
        end=clock() + timedelta(hours=4),
        reason="swap",
        actor=clinical.lead,
    )
    page = page_open(team=clinical.team, text="Check")
    assert set(page.notifications.values_list("user_id", flat=True)) == {cover.pk}


def test_a_team_without_a_schedule_still_pages_as_before(twilio_peer):
    team = TeamFactory(slug="night-desk")
    hand_set = AgentFactory(teams=[team])
    team.on_call = hand_set
    team.save()
    paging_protocol("night-desk")
    ticket = make_ticket(body="He collapsed in the kitchen.")
    assert not Page.objects.exists()
    assert Notification.objects.filter(user=hand_set, ticket=ticket, urgent=True).exists()
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PAGED)
    assert event.data["to"] == [hand_set.pk]


def test_a_later_message_does_not_page_twice_while_the_page_is_open(clinical, twilio_peer):
    paging_protocol()
    requester = ContactFactory()
    ticket = make_ticket(requester, body="My father collapsed.")
    message_add(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        body=Body(text="He collapsed again."),
        actor=requester,
    )
    assert Page.objects.filter(ticket=ticket).count() == 1


def test_an_sms_not_yet_sent_when_the_page_is_acknowledged_is_not_sent(
    clinical, twilio_peer, client
):
    page_open(team=clinical.team, text="Check")
    Page.objects.update(state=PageState.ACKNOWLEDGED)
    outbox_deliver()
    assert twilio_peer.sent == []


def test_twilio_refusing_is_retried_on_the_outbox_schedule(clinical, twilio_peer):
    twilio_peer.status = 503
    page_open(team=clinical.team, text="Check")
    outbox_deliver()
    sms = OutboxItem.objects.get(kind="sms")
    assert (sms.status, sms.attempts) == (OutboxStatus.PENDING, 1)
    assert "503" in PageNotification.objects.get(channel=Channel.SMS).error


def test_the_ticket_shows_its_open_page_with_a_button_that_acknowledges_it(
    clinical, twilio_peer, long_sessions
):
    paging_protocol()
    ticket = make_ticket(body="The patient collapsed at home.")
    page = Page.objects.get(ticket=ticket)
    desk = Client()
    login_verified(desk, clinical.lead)
    shown = desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert f"Acknowledge page {page.code}" in shown
    back = desk.post(
        f"/agent/oncall/pages/{page.pk}/ack/", {"next": f"/agent/tickets/{ticket.pk}/"}
    )
    assert back["Location"] == f"/agent/tickets/{ticket.pk}/"
    page.refresh_from_db()
    assert (page.acknowledged_by, page.acknowledged_via) == (clinical.lead, "desk")
    assert f"Acknowledge page {page.code}" not in desk.get(back["Location"]).content.decode()


def test_opening_a_page_books_its_next_step_with_the_worker_and_the_job_moves_it_on(
    clinical, twilio_peer, clock, django_capture_on_commit_callbacks
):
    from huey.contrib.djhuey import HUEY

    from caredesk.oncall.tasks import page_escalate_task

    before = {task.id for task in HUEY.scheduled()}
    with django_capture_on_commit_callbacks(execute=True):
        page = page_open(team=clinical.team, text="Incident: sync failing")
    (booked,) = [t for t in HUEY.scheduled() if t.id not in before]
    assert booked.name == "page_escalate_task" and booked.args == (page.pk,)
    page_escalate_task.call_local(page.pk)  # early (a worker whose clock is behind): nothing
    page.refresh_from_db()
    assert page.step == 0
    clock.advance(minutes=5)
    page_escalate_task.call_local(page.pk)
    page.refresh_from_db()
    assert (page.step, page.state) == (1, PageState.TRIGGERED)
    outbox_deliver()
    assert len(texts_to(twilio_peer, "secondary")) == 1
