"""GET /metrics: off unless configured, then only with the token and from listed networks;
requests counted by route (never by path), the job queue, job failures, the outbox and the SLA
sweep read at scrape time."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from caredesk import monitoring
from caredesk.core.models import OutboxItem, OutboxKind, OutboxStatus
from caredesk.sla.models import SlaClock
from tests.core.jobs import failing_job
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-4f1c9a"


def scrape(client: Client | None = None, token: str = TOKEN, **extra: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return (client or Client()).get("/metrics", headers=headers, **extra)


def samples(response: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    assert response.status_code == 200, response.content
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.content.decode())
        for s in family.samples
    }


@pytest.fixture
def metrics_on(settings: Any) -> None:
    settings.CAREDESK_METRICS_TOKEN = TOKEN


def test_metrics_are_off_unless_a_token_or_networks_are_configured() -> None:
    assert scrape().status_code == 404
    assert scrape(token="").status_code == 404


def test_the_token_is_required_once_configured(metrics_on: None) -> None:
    missing = scrape(token="")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert scrape(token="scrape-token-4f1c9b").status_code == 401
    ok = scrape()
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/plain")
    assert ok["Cache-Control"] == "no-store"


def test_only_listed_networks_may_scrape_and_forwarded_headers_do_not_count(
    metrics_on: None, settings: Any
) -> None:
    settings.CAREDESK_METRICS_ADDRESSES = [ipaddress.ip_network("10.20.0.0/16")]
    assert scrape(REMOTE_ADDR="10.20.3.4").status_code == 200
    assert scrape(REMOTE_ADDR="10.21.3.4").status_code == 404
    forwarded = scrape(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="10.20.3.4")
    assert forwarded.status_code == 404
    settings.CAREDESK_BEHIND_PROXY = True
    assert scrape(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="10.20.3.4").status_code == 404


def test_networks_alone_switch_metrics_on_without_a_token(settings: Any) -> None:
    settings.CAREDESK_METRICS_ADDRESSES = [ipaddress.ip_network("127.0.0.0/8")]
    assert scrape(token="").status_code == 200
    assert scrape(token="", REMOTE_ADDR="::1").status_code == 404


def test_requests_are_counted_by_route_method_and_status_class_never_by_path(
    metrics_on: None,
) -> None:
    client = Client()
    client.get("/healthz")
    client.get("/agent/tickets/424242/")  # a ticket page, signed out: a redirect to sign in
    client.get("/no-such-page/MRN-55012/")
    found = samples(scrape())
    seconds = "caredesk_http_request_duration_seconds_count"
    assert found[(seconds, (("method", "GET"), ("route", "/healthz"), ("status", "2xx")))] >= 1
    ticket = (("method", "GET"), ("route", "/agent/tickets/<int:pk>/"), ("status", "3xx"))
    assert found[(seconds, ticket)] >= 1
    assert found[(seconds, (("method", "GET"), ("route", "unmatched"), ("status", "4xx")))] >= 1
    text = scrape().content.decode()
    assert "424242" not in text and "MRN-55012" not in text


def test_the_outbox_and_the_sla_sweep_are_read_at_scrape_time(metrics_on: None, clock: Any) -> None:
    now = clock.current
    for kind, status, due in (
        (OutboxKind.EMAIL, OutboxStatus.PENDING, now - timedelta(seconds=90)),
        (OutboxKind.EMAIL, OutboxStatus.PENDING, now - timedelta(seconds=30)),
        (OutboxKind.WEBHOOK, OutboxStatus.PENDING, now + timedelta(minutes=4)),  # waiting
        (OutboxKind.WEBHOOK, OutboxStatus.SENDING, now),
        (OutboxKind.TRACKER, OutboxStatus.FAILED, now),
        (OutboxKind.STATUS_WEBHOOK, OutboxStatus.FAILED, now),  # a status-page subscriber's
        (OutboxKind.EMAIL, OutboxStatus.SENT, now - timedelta(days=3)),
    ):
        OutboxItem.objects.create(
            kind=kind, status=status, payload={}, available_at=due, created_at=due
        )
    make_ticket()
    first_due = SlaClock.objects.order_by("next_check_at").values_list("next_check_at", flat=True)[
        0
    ]
    assert samples(scrape())[("caredesk_sla_sweep_lag_seconds", ())] == 0
    clock.set(first_due + timedelta(minutes=5))  # the sweep has not run for five minutes

    found = samples(scrape())
    items = "caredesk_outbox_items"
    assert found[(items, (("kind", "email"), ("status", "pending")))] == 2
    assert found[(items, (("kind", "webhook"), ("status", "pending")))] == 1
    assert found[(items, (("kind", "webhook"), ("status", "sending")))] == 1
    assert found[(items, (("kind", "tracker"), ("status", "failed")))] == 1
    assert found[(items, (("kind", "tracker"), ("status", "pending")))] == 0
    assert found[(items, (("kind", "status_webhook"), ("status", "failed")))] == 1
    waited = (clock.current - (now - timedelta(seconds=90))).total_seconds()
    assert found[("caredesk_outbox_oldest_due_seconds", ())] == waited
    assert found[("caredesk_sla_sweep_lag_seconds", ())] == 300


def test_job_failures_are_counted_by_task(metrics_on: None) -> None:
    def failures() -> float:
        key = ("caredesk_job_failures_total", (("task", "failing_job"),))
        return samples(scrape()).get(key, 0)

    before = failures()
    failing_job("row 1")
    failing_job("row 2")
    assert failures() == before + 2
    found = samples(scrape())
    assert ("caredesk_jobs_waiting", (("state", "pending"),)) in found
    assert ("caredesk_jobs_waiting", (("state", "scheduled"),)) in found


def test_a_source_that_cannot_be_read_is_reported_down_not_a_failed_scrape(
    metrics_on: None, monkeypatch: Any
) -> None:
    def unreadable() -> Any:
        raise ConnectionError("queue unreachable")

    monkeypatch.setitem(monitoring.SOURCES, "queue", unreadable)
    found = samples(scrape())
    up = "caredesk_metrics_source_up"
    assert found[(up, (("source", "queue"),))] == 0
    assert found[(up, (("source", "outbox"),))] == 1
    assert found[(up, (("source", "sla"),))] == 1


def test_a_missing_multiprocess_folder_stops_the_start(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREDESK_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env |= {
        "DJANGO_SETTINGS_MODULE": "caredesk.settings",
        "CAREDESK_DATA_DIR": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "not-made"),
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "PROMETHEUS_MULTIPROC_DIR" in done.stderr and "is not a folder" in done.stderr
