"""The public status page: what it shows, served from the cache without a query, its history
and incident pages, the Atom feed, and subscriptions by mail (double opt-in, to a local SMTP
server) and webhook (to a local HTTP server, through the address guard and the outbox)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core import mail  # noqa: F401 - the locmem outbox when no SMTP fixture
from django.test import Client

from caredesk.accounts.models import ContactKind
from caredesk.core.errors import ValidationFailed
from caredesk.core.models import OutboxItem
from caredesk.core.outbox import outbox_deliver
from caredesk.incidents import subscriptions
from caredesk.incidents.models import (
    Component,
    ComponentState,
    IncidentState,
    Maintenance,
    Service,
    Subscription,
    SubscriptionKind,
)
from caredesk.incidents.services import (
    incident_declare,
    incident_resolve,
    incident_update_post,
)
from tests.factories import AgentFactory, login_verified, requester_with_login, supervisor
from tests.integrations.conftest import peer  # noqa: F401 - a local HTTP server

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _component(name: str, service: str = "Video visits", *, public: bool = True) -> Component:
    from caredesk.core import clock

    group, _ = Service.objects.get_or_create(name=service)
    return Component.objects.create(
        service=group, name=name, slug=name.lower().replace(" ", "-"), public=public,
        state_since=clock.now(), created_at=clock.now(),
    )  # fmt: skip


@pytest.fixture
def rooms(clock) -> Component:
    made = _component("Video rooms")
    clock.advance(days=10)
    return made


def _declare(agent, component, title="Video rooms fail to connect", **kw):  # type: ignore[no-untyped-def]
    return incident_declare(
        title=title, severity=2, actor=agent, body="Patients cannot join their visit.",
        components=[(component, ComponentState.MAJOR_OUTAGE)], page=False, **kw,
    )  # fmt: skip


def test_the_page_shows_state_open_incidents_maintenance_and_figures(
    client, clock, rooms, django_capture_on_commit_callbacks
):
    agent = AgentFactory()
    _component("Prescriptions", service="E-prescribing")
    _component("Internal relay", public=False)
    with django_capture_on_commit_callbacks(execute=True):
        incident = _declare(agent, rooms)
        incident_update_post(
            incident=incident, actor=agent, body="Internal: relay 3 is suspect.", public=False
        )
        incident_update_post(
            incident=incident, actor=agent, body="We found the cause.",
            state=IncidentState.IDENTIFIED,
        )  # fmt: skip
    Maintenance.objects.create(
        title="Database upgrade", starts_at=clock.current + timedelta(days=2),
        ends_at=clock.current + timedelta(days=2, hours=1), created_at=clock.current,
    ).components.set([rooms])  # fmt: skip
    html = client.get("/status/").content.decode()
    assert "Video rooms" in html and "Prescriptions" in html
    assert "Internal relay" not in html
    assert "Major outage" in html and "✖" in html  # text and icon, not colour alone
    assert "Video rooms fail to connect" in html and "We found the cause." in html
    assert "relay 3" not in html  # internal updates stay internal
    assert "Database upgrade" in html and "Upcoming" in html
    assert "100.00 % uptime" not in html and "no incidents resolved" in html
    assert "<script" not in html  # works without JavaScript: there is none

    clock.advance(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        incident_resolve(incident=incident, actor=agent, body="Relay replaced.")
    html = client.get("/status/").content.decode()
    assert "All systems operational" in html
    # 10 days known, 1 hour down: 1 - 1/240 = 99.583… -> 99.58 (rounded down)
    assert "99.58 % uptime" in html
    assert "average time to resolve 60 min (1 incident)" in html
    incident_page = client.get(f"/status/incidents/{incident.number}/").content.decode()
    assert "Relay replaced." in incident_page and "after 60 min" in incident_page
    month = client.get(f"/status/history/{clock.current.year}/{clock.current.month}/")
    assert "Video rooms fail to connect" in month.content.decode()
    assert client.get("/status/history/").status_code == 200
    assert client.get("/status/history/2026/13/").status_code == 404
    assert client.get("/status/history/2099/1/").status_code == 404


def test_a_warm_page_costs_no_query_and_a_change_renders_it_again(
    client, rooms, django_assert_num_queries, django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    agent = AgentFactory()
    for n in range(5):
        _component(f"Device sync {n}", service="Devices")
    with django_assert_max_num_queries(10):  # a constant number, whatever the history
        first = client.get("/status/")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=30"
    assert first["ETag"] and first["Last-Modified"]
    client.get("/status/feed.atom")  # a first build
    with django_assert_num_queries(0):
        again = client.get("/status/")
        assert client.get("/status/feed.atom").status_code == 200
        not_modified = client.get("/status/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == first.content
    assert not_modified.status_code == 304 and not_modified.content == b""

    with django_capture_on_commit_callbacks(execute=True):
        _declare(agent, rooms)
    changed = client.get("/status/")
    assert changed["ETag"] != first["ETag"]
    assert "Video rooms fail to connect" in changed.content.decode()
    assert client.get("/status/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_atom_feed_has_an_entry_per_public_update(
    client, rooms, django_capture_on_commit_callbacks
):
    agent = AgentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        incident = _declare(agent, rooms)
        incident_update_post(incident=incident, actor=agent, body="Internal only.", public=False)
        incident_resolve(incident=incident, actor=agent, body="Back to normal.")
        _declare(agent, rooms, title="Hidden trouble", public=False)
    response = client.get("/status/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}updated")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}title").startswith("Video rooms fail to connect")
    bodies = [e.findtext(f"{ATOM}summary") for e in entries]
    assert bodies == ["Back to normal.", "Patients cannot join their visit."]
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2


def _link(text: str, kind: str) -> str:
    found = re.search(rf"http://[^\s>]+/status/subscriptions/{kind}/[^\s>]+/", text)
    assert found, text
    return found.group(0).split("/status/", 1)[1]


def test_mail_subscription_is_confirmed_first_and_every_mail_can_unsubscribe(
    client, smtp, rooms, django_capture_on_commit_callbacks
):
    agent = AgentFactory()
    other = _component("Scheduling", service="Scheduling")
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post("/status/subscribe/", {"address": "not-an-address"})
        asked = client.post(
            "/status/subscribe/", {"address": "Lena.Moritz@mail.example", "components": [rooms.pk]}
        )
        client.post("/status/subscribe/", {"address": "only.scheduling@mail.example",
                                           "components": [other.pk]})  # fmt: skip
    assert refused.status_code == 422 and "valid email" in refused.content.decode()
    assert asked.status_code == 200 and "Check your inbox" in asked.content.decode()
    confirm_mails = smtp.parsed()
    assert [m["To"] for m in confirm_mails] == [
        "lena.moritz@mail.example", "only.scheduling@mail.example",
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _declare(agent, rooms, title="Before confirming")
    outbox_deliver()
    assert len(smtp.messages) == 2  # nobody confirmed yet: nothing sent

    body = confirm_mails[0].get_content()
    assert client.get("/status/subscriptions/confirm/forged/").status_code == 404
    asked_first = client.get("/status/" + _link(body, "confirm"))
    assert "Confirm the subscription" in asked_first.content.decode()
    assert not Subscription.objects.filter(confirmed_at__isnull=False).exists()  # GET: nothing
    confirmed = client.post("/status/" + _link(body, "confirm"))
    assert confirmed.status_code == 200 and "Confirmed" in confirmed.content.decode()
    client.post("/status/" + _link(confirm_mails[1].get_content(), "confirm"))

    with django_capture_on_commit_callbacks(execute=True):
        _declare(agent, rooms, title="Video rooms drop calls")
    outbox_deliver()  # the worker's sweep (the test's one transaction never really commits)
    told = smtp.parsed()[2:]
    assert [m["To"] for m in told] == ["lena.moritz@mail.example"]  # the other named Scheduling
    assert "Video rooms drop calls" in told[0]["Subject"]
    assert "/status/subscriptions/unsubscribe/" in told[0]["List-Unsubscribe"]
    stop = _link(told[0].get_content(), "unsubscribe")
    assert client.get("/status/" + stop).status_code == 200  # asks; a mail scanner changes nothing
    assert Subscription.objects.filter(address="lena.moritz@mail.example").exists()
    one_click = Client(enforce_csrf_checks=True)  # a mail program's List-Unsubscribe-Post
    assert one_click.post("/status/" + stop, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.filter(address="lena.moritz@mail.example").exists()


def test_webhooks_are_signed_retried_through_the_outbox_and_guarded(
    clock,
    rooms,
    peer,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,  # noqa: F811 - the fixture
):
    agent = AgentFactory()
    hook = subscriptions.subscribe(
        kind=SubscriptionKind.WEBHOOK, address=f"{peer.url}/status", allow_private=True
    )
    peer.answers = [(503, b"busy")]
    with django_capture_on_commit_callbacks(execute=True):
        incident = _declare(agent, rooms)
    item = OutboxItem.objects.get(kind=subscriptions.WEBHOOK_KIND)
    assert item.status == "pending" and item.attempts == 1  # failed once, a retry scheduled
    clock.advance(hours=1)
    outbox_deliver()
    item.refresh_from_db()
    assert item.status == "sent"
    assert len(peer.received) == 2
    sent = peer.received[-1]
    assert sent.path == "/status" and sent.headers["webhook-signature"].startswith("v1,")
    payload = json.loads(sent.body)
    assert payload["incident"]["number"] == incident.number
    assert payload["incident"]["components"] == ["video-rooms"]
    assert payload["update"]["body"] == "Patients cannot join their visit."
    assert hook.confirmed_at is not None

    # the guard decides without connecting: internal addresses only for an administrator's hook
    for address in (
        "http://127.0.0.1:9/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "ftp://a.example/",
    ):
        with pytest.raises(ValidationFailed) as refused:
            subscriptions.subscribe(kind=SubscriptionKind.WEBHOOK, address=address)
        assert "address" in refused.value.errors
    assert subscriptions.webhook_refusal("https://hooks.clinic.example/status") == ""


def test_an_organization_admin_subscribes_the_organization_in_the_portal(
    client, smtp, django_capture_on_commit_callbacks
):
    admin = requester_with_login(kind=ContactKind.CLIENT_ADMIN)
    patient = requester_with_login(organization=admin.organization)
    login_verified(client, patient.user)
    assert client.get("/portal/status/").status_code == 403
    client.logout()
    login_verified(client, admin.user)
    page = client.get("/portal/status/")
    assert page.status_code == 200 and "Service status" in page.content.decode()
    refused = client.post("/portal/status/", {"kind": "webhook", "address": "http://10.0.0.7/"})
    assert refused.status_code == 422 and "cannot be called" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/portal/status/", {"kind": "email", "address": "it@clinic.example"})
    assert done.status_code == 302
    sub = Subscription.objects.get(address="it@clinic.example")
    assert sub.organization_id == admin.organization_id and sub.confirmed_at is None
    assert "Confirm your" in smtp.parsed()[0]["Subject"]
    assert client.post(f"/portal/status/{sub.pk}/remove/").status_code == 302
    assert not Subscription.objects.exists()


def test_leads_schedule_maintenance_and_see_subscribers(client, clock, rooms):
    lead = supervisor()
    login_verified(client, lead)
    bad = client.post(
        "/agent/incidents/status/maintenance/",
        {"title": "", "starts_at": "2026-11-20T10:00", "ends_at": "2026-11-20T09:00"},
    )
    assert bad.status_code == 422
    assert "The end comes after the start." in bad.content.decode()
    assert Client().get("/status/").status_code == 200  # warm the cache
    done = client.post(
        "/agent/incidents/status/maintenance/",
        {"title": "Media relay upgrade", "starts_at": "2026-11-20T10:00",
         "ends_at": "2026-11-20T11:00", "components": [rooms.pk]},
    )  # fmt: skip
    assert done.status_code == 302
    assert "Media relay upgrade" in Client().get("/status/").content.decode()  # not stale
    subscriptions.subscribe(kind=SubscriptionKind.EMAIL, address="ward@clinic.example")
    listed = client.get("/agent/incidents/status/subscribers/")
    assert "ward@clinic.example" in listed.content.decode()
    client.logout()
    login_verified(client, AgentFactory())
    assert client.get("/agent/incidents/status/maintenance/").status_code == 403
