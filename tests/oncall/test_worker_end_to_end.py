"""Within 60 s, with the worker running: a customer's message that a protocol pages on reaches
the on-call liaison's phone as an SMS (Twilio's REST API, a peer on 127.0.0.1), and the
liaison's SMS reply acknowledges the page. Real clock, real queue, real threads."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from caredesk.oncall.models import Page, PageState
from caredesk.tickets.models import MessageKind
from caredesk.tickets.services import Body, message_add
from tests.factories import ContactFactory, make_ticket
from tests.oncall.conftest import PHONES, clinical_team, primary_on_call_now, sms_reply
from tests.oncall.test_paging import paging_protocol
from tests.oncall.worker import worker_running

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_safety_message_texts_the_on_call_liaison_within_60_s_and_the_reply_acknowledges(
    twilio_peer,
):
    clinical = clinical_team()
    primary_on_call_now(clinical)
    paging_protocol()
    requester = ContactFactory(name="Veronika Haldane")
    ticket = make_ticket(requester, subject="Pump question", body="How do I clean the pump?")
    assert not Page.objects.exists()

    with worker_running():
        arrived = time.monotonic()
        message_add(
            ticket=ticket,
            kind=MessageKind.PUBLIC,
            body=Body(text="Update: my husband collapsed after the dose."),
            actor=requester,
        )
        texts = twilio_peer.wait_texts(PHONES["primary"], timeout=60)
        assert texts, "no SMS within 60 s"
        (sms,) = texts
        assert sms.at - arrived < 60
        page = Page.objects.get(ticket=ticket)
        assert page.code in sms.form["Body"]

        answer = sms_reply(Client(), PHONES["primary"], "OK")
        assert f"Page {page.code} acknowledged" in answer.content.decode()
    page.refresh_from_db()
    assert (page.state, page.acknowledged_by) == (PageState.ACKNOWLEDGED, clinical.primary)
    assert page.first_sent_at is not None and page.seconds_to_send is not None
    assert page.seconds_to_send < 60
