"""Synthetic monitors against a real HTTP server on 127.0.0.1: what counts as down, the run of
failures that opens one incident (and pages the component's team), the run of successes that
reports recovery, the outbound address guard's decisions (never connecting), scheduling by the
clock, pruning, the screens and the command line."""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta

import pytest

from caredesk.core.outbox import outbox_deliver
from caredesk.incidents.models import (
    CheckResult,
    ComponentState,
    Incident,
    IncidentState,
    Monitor,
    MonitorCheck,
    Source,
)
from caredesk.incidents.monitors import checks_prune, monitors_run, probe
from caredesk.incidents.services import incident_resolve
from caredesk.integrations.services import Refused, address_refusal, choose_address
from caredesk.oncall.models import Channel, PageNotification
from tests.factories import AgentFactory, login_verified
from tests.incidents.conftest import make_component, make_monitor
from tests.oncall.conftest import PHONES, clinical_team, twilio_peer  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _sweep(clock, seconds: int = 60) -> int:  # type: ignore[no-untyped-def]
    clock.advance(seconds=seconds)
    return monitors_run()


# --- what a check finds -----------------------------------------------------------------------


def test_a_healthy_service_is_up_with_its_status_and_latency(clock, watched):
    monitor = make_monitor(make_component(), watched.url, expected_text="all systems normal")
    assert monitors_run() == 1
    check = MonitorCheck.objects.get(monitor=monitor)
    assert (check.result, check.status, check.error) == (CheckResult.UP, 200, "")
    assert check.latency_ms is not None and check.latency_ms < 2000
    monitor.refresh_from_db()
    assert monitor.last_result == CheckResult.UP and monitor.successes == 1
    assert monitor.next_check_at == clock.current + timedelta(seconds=60)
    assert watched.hits == 1, "one GET per check"


@pytest.mark.parametrize(
    ("setup", "fields", "reason"),
    [
        (lambda w: w.failing(503), {}, "status 503, expected 200"),
        (lambda w: None, {"expected_status": 204}, "status 200, expected 204"),
        (lambda w: None, {"expected_text": "Scheduling: normal"}, "the expected text is missing"),
        (lambda w: setattr(w, "delay", 0.4), {"latency_ms": 150}, "over the 150 ms budget"),
        (lambda w: setattr(w, "delay", 2.5), {"latency_ms": 500}, "(timeout)"),
    ],
    ids=["wrong status", "unexpected status", "text missing", "too slow", "timeout"],
)
def test_a_check_is_down_for_each_reason(clock, watched, setup, fields, reason):
    setup(watched)
    monitor = make_monitor(make_component(), watched.url, **fields)
    outcome = probe(monitor)
    assert outcome.result == CheckResult.DOWN
    assert reason in outcome.error


def test_a_closed_port_is_a_connection_error(clock, watched):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    outcome = probe(make_monitor(make_component(), f"http://127.0.0.1:{port}/"))
    assert outcome.result == CheckResult.DOWN
    assert outcome.error.startswith("connection failed")


def test_the_response_body_is_never_logged_or_stored(clock, watched, caplog):
    watched.body = b"patient Orla Vantreese, MRN 55-1234"
    monitor = make_monitor(make_component(), watched.url, expected_text="normal", retries=1)
    with caplog.at_level(logging.DEBUG):
        monitors_run()
    check = MonitorCheck.objects.get()
    assert check.result == CheckResult.DOWN
    assert "Orla" not in caplog.text and "55-1234" not in caplog.text
    assert "Orla" not in check.error
    incident = Incident.objects.get()
    assert "Orla" not in incident.title
    assert "Orla" not in "".join(incident.updates.values_list("body", flat=True))
    assert monitor.pk


# --- the outbound address guard ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/health",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:9/",
        "http://[::1]:9/",
        "http://192.168.1.20/",
        "http://[::ffff:10.0.0.1]/",
        "http://100.64.0.1/",
    ],
)
def test_a_monitor_not_allowed_private_addresses_refuses_them_before_connecting(clock, url):
    monitor = make_monitor(make_component(), url, allow_private=False, retries=1)
    monitors_run()
    check = MonitorCheck.objects.get(monitor=monitor)
    assert check.result == CheckResult.DOWN
    assert check.error.startswith("refused:") and "internal address" in check.error
    assert check.status is None and check.latency_ms is None


@pytest.mark.parametrize(
    ("addresses", "allow_private", "refused"),
    [
        (["10.0.0.1"], False, True),
        (["169.254.169.254"], False, True),
        (["::1"], False, True),
        (["8.8.8.8", "10.0.0.1"], False, True),  # one internal address among public ones
        (["8.8.8.8"], False, False),
        (["2001:4860:4860::8888"], False, False),
        (["10.0.0.1"], True, False),
        (["::1"], True, False),
        (["224.0.0.1"], True, True),  # never multicast
        (["0.0.0.0"], True, True),  # noqa: S104 - never unspecified
    ],
)
def test_the_guard_decides_by_every_address_a_name_resolves_to(addresses, allow_private, refused):
    if refused:
        with pytest.raises(Refused):
            choose_address("video.caredesk.example", addresses, allow_private)
    else:
        assert choose_address("video.caredesk.example", addresses, allow_private) == addresses[0]


def test_only_http_and_https_urls_are_called(clock):
    outcome = probe(make_monitor(make_component(), "ftp://127.0.0.1/health"))
    assert outcome.result == CheckResult.DOWN and "only http and https" in outcome.error
    assert address_refusal(ipaddress.ip_address("10.0.0.1"), allow_private=False)


# --- the run of results -------------------------------------------------------------------------


def test_retries_failures_open_one_sev2_incident_that_pages_the_on_call_engineer(
    clock,
    watched,
    twilio_peer,  # noqa: F811
    mailoutbox,
):
    clinical = clinical_team()
    component = make_component(team=clinical.team)
    monitor = make_monitor(component, watched.url, retries=3, severity=2)
    monitors_run()
    watched.failing(503)

    assert _sweep(clock) == 1
    assert _sweep(clock) == 1
    assert not Incident.objects.exists(), "two failures of three: no incident yet"
    monitor.refresh_from_db()
    assert monitor.failures == 2

    _sweep(clock)
    incident = Incident.objects.get()
    assert (incident.severity, incident.source) == (2, Source.MONITOR)
    assert incident.title == "Video rooms health is failing: status 503, expected 200"
    assert list(incident.components.all()) == [component]
    component.refresh_from_db()
    assert component.state == ComponentState.MAJOR_OUTAGE
    monitor.refresh_from_db()
    assert monitor.incident == incident

    # the component's team is paged: the engineer on call now, by mail and SMS
    assert incident.page is not None and incident.page.team == clinical.team
    assert PageNotification.objects.filter(
        page=incident.page, user=clinical.primary, channel=Channel.EMAIL
    ).exists()
    outbox_deliver()
    (sms,) = twilio_peer.texts(PHONES["primary"])
    assert f"INC-{incident.number} Sev 2" in sms.form["Body"]
    assert any(clinical.primary.email in m.to for m in mailoutbox)

    for _ in range(5):  # still failing: the open incident is not opened again
        _sweep(clock)
    assert Incident.objects.count() == 1
    assert MonitorCheck.objects.filter(monitor=monitor, result=CheckResult.DOWN).count() == 8


def test_retries_successes_report_recovery_and_leave_resolving_to_a_person(clock, watched):
    component = make_component()
    monitor = make_monitor(component, watched.url, retries=2)
    watched.failing(500)
    monitors_run()
    _sweep(clock)
    incident = Incident.objects.get()

    watched.up()
    _sweep(clock)
    incident.refresh_from_db()
    assert incident.state == IncidentState.INVESTIGATING, "one success of two: no news yet"
    _sweep(clock)
    incident.refresh_from_db()
    assert incident.state == IncidentState.MONITORING
    latest = incident.updates.order_by("-at", "-id").first()
    assert latest is not None and latest.body.startswith("Checks are passing again")
    for _ in range(3):
        _sweep(clock)
    assert incident.updates.count() == 2, "recovery is reported once"
    incident.refresh_from_db()
    assert incident.resolved_at is None

    # failing again while monitoring: back to investigating, the component down again
    watched.failing(502)
    _sweep(clock)
    _sweep(clock)
    incident.refresh_from_db()
    assert incident.state == IncidentState.INVESTIGATING
    assert Incident.objects.count() == 1
    component.refresh_from_db()
    assert component.state == ComponentState.MAJOR_OUTAGE

    # once a person resolves it, a new run of failures opens a new incident
    incident_resolve(incident=incident, actor=AgentFactory(), body="Restarted the media relay.")
    _sweep(clock)
    assert Incident.objects.count() == 2
    monitor.refresh_from_db()
    assert monitor.incident is not None and monitor.incident != incident


def test_a_check_runs_only_when_due_and_a_sweep_claims_it_once(clock, watched):
    monitor = make_monitor(make_component(), watched.url, interval_seconds=300)
    assert monitors_run() == 1
    assert monitors_run() == 0, "claimed: the same instant's second sweep finds nothing due"
    clock.advance(seconds=299)
    assert monitors_run() == 0
    clock.advance(seconds=1)
    assert monitors_run() == 1
    assert watched.hits == 2
    Monitor.objects.filter(pk=monitor.pk).update(enabled=False)
    clock.advance(hours=1)
    assert monitors_run() == 0, "a disabled monitor is not checked"


def test_checks_older_than_a_week_are_pruned(clock, watched):
    monitor = make_monitor(make_component(), watched.url)
    monitors_run()
    clock.advance(days=7, seconds=1)
    MonitorCheck.objects.create(monitor=monitor, at=clock.current, result=CheckResult.UP)
    assert checks_prune() == 1
    assert MonitorCheck.objects.count() == 1


# --- the screens ----------------------------------------------------------------------------


@pytest.fixture
def admin(client):  # type: ignore[no-untyped-def]
    from caredesk.accounts.roles import ROLE_ADMIN

    user = AgentFactory(role=ROLE_ADMIN, name="Ysolde Marchetti")
    login_verified(client, user)
    return user


def test_an_administrator_sets_up_a_component_and_a_monitor(client, admin, clock, watched):
    from caredesk.accounts.models import Organization
    from caredesk.incidents.models import Component, Service
    from tests.factories import OrganizationFactory, TeamFactory

    org = OrganizationFactory(name="Brightwater Clinics")
    team = TeamFactory(name="Platform engineering")
    r = client.post("/agent/incidents/monitors/services/new/", {"name": "Video visits"})
    assert r.status_code == 302
    service = Service.objects.get()
    r = client.post(
        "/agent/incidents/monitors/components/new/",
        {"service": service.pk, "name": "Video rooms", "slug": "video-rooms", "state":
         "operational", "team": team.pk, "organizations": [org.pk], "position": 0,
         "public": "on"},
    )  # fmt: skip
    assert r.status_code == 302, r.content[:500]
    component = Component.objects.get()
    assert list(component.organizations.all()) == [Organization.objects.get(pk=org.pk)]
    assert component.team == team

    form = {
        "name": "Video rooms health", "component": component.pk, "url": watched.url,
        "expected_status": 200, "latency_ms": 800, "expected_text": "all systems normal",
        "interval_seconds": 60, "retries": 3, "severity": 2, "allow_private": "on",
        "enabled": "on",
    }  # fmt: skip
    r = client.post("/agent/incidents/monitors/new/", form)
    assert r.status_code == 302
    monitor = Monitor.objects.get()
    assert (monitor.url, monitor.latency_ms, monitor.allow_private) == (watched.url, 800, True)
    assert monitor.next_check_at == clock.current

    r = client.post(f"/agent/incidents/monitors/{monitor.pk}/check/")
    assert r.status_code == 302
    page = client.get(f"/agent/incidents/monitors/{monitor.pk}/").content.decode()
    assert "Recent checks" in page and "Up" in page

    # a component's state changed on its screen: one history row
    data = {"service": service.pk, "name": "Video rooms", "slug": "video-rooms",
            "state": "degraded", "position": 0, "public": "on"}  # fmt: skip
    r = client.post(f"/agent/incidents/monitors/components/{component.pk}/edit/", data)
    assert r.status_code == 302
    component.refresh_from_db()
    assert component.state == ComponentState.DEGRADED
    assert component.changes.count() == 1
    assert not component.organizations.exists(), "none ticked: everyone uses it"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "ftp://video.caredesk.example/", "Only http:// and https:// URLs can be checked."),
        ("url", "https://nurse:hunter2@video.caredesk.example/", "Leave user names and passwords"),
        ("url", "https:///health", "Give the URL a host name"),
        ("url", "http://video.caredesk.example:99999/", "This is not a valid URL."),
        ("latency_ms", "0", "Give a budget from 1 to 30000 ms."),
        ("interval_seconds", "5", "Check at least every 24 hours and at most every 10 s."),
        ("retries", "11", "Give a number from 1 to 10."),
        ("expected_status", "700", "An HTTP status is from 100 to 599."),
        ("severity", "9", "Select a valid choice."),
    ],
)
def test_a_bad_monitor_is_refused_with_the_field_s_message(
    client, admin, clock, field, value, message
):
    component = make_component()
    form = {
        "name": "Scheduling API", "component": component.pk, "url": "https://api.caredesk.example/",
        "expected_status": 200, "latency_ms": 800, "interval_seconds": 60, "retries": 3,
        "severity": 2, "enabled": "on", field: value,
    }  # fmt: skip
    r = client.post("/agent/incidents/monitors/new/", form)
    assert r.status_code == 422
    body = r.content.decode()
    assert f'id="id_{field}_error"' in body and message in body
    assert not Monitor.objects.exists()


def test_disabling_a_monitor_stops_its_checks(client, admin, clock, watched):
    monitor = make_monitor(make_component(), watched.url)
    r = client.post(f"/agent/incidents/monitors/{monitor.pk}/enabled/", {"enabled": "0"})
    assert r.status_code == 302
    clock.advance(hours=1)
    assert monitors_run() == 0
    client.post(f"/agent/incidents/monitors/{monitor.pk}/enabled/", {"enabled": "1"})
    assert monitors_run() == 1


def test_the_screens_query_the_database_a_constant_number_of_times(
    client, admin, clock, watched, django_assert_max_num_queries
):
    for n in range(12):
        component = make_component(f"Part {n}")
        make_monitor(component, watched.url, name=f"Monitor {n}", retries=1)
    watched.failing(500)
    monitors_run()
    monitor = Monitor.objects.first()
    assert monitor is not None
    for path in (
        "/agent/incidents/monitors/",
        "/agent/incidents/monitors/components/",
        f"/agent/incidents/monitors/{monitor.pk}/",
    ):
        with django_assert_max_num_queries(30):
            assert client.get(path).status_code == 200


def test_the_command_line_runs_due_monitors(clock, watched, capsys):
    from caredesk.cli import main

    make_monitor(make_component(), watched.url)
    assert main(["monitors", "run"]) == 0
    assert "1 monitor(s) checked; 0 enabled monitor(s) down" in capsys.readouterr().out


def test_a_component_without_a_team_gets_its_incident_without_a_page(clock, watched):
    component = make_component()
    make_monitor(component, watched.url, retries=1, severity=1)
    watched.failing(500)
    monitors_run()
    incident = Incident.objects.get()
    assert (incident.severity, incident.page, incident.team) == (1, None, None)
    assert not PageNotification.objects.exists()
    component.refresh_from_db()
    assert component.state == ComponentState.MAJOR_OUTAGE
