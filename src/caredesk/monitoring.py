"""`GET /metrics` for Prometheus: request figures of this host's processes, and desk-wide gauges.

Request latency is recorded by each web process (caredesk.core.metrics). The rest is read at
scrape time from where the desk keeps it, so every web process reports the same values whichever
worker did the work: the job queue's length and its failure counters (Redis, or the embedded
SQLite queue), and the outbox and SLA clocks (one indexed query each).

Metrics are off until CAREDESK_METRICS_TOKEN or CAREDESK_METRICS_ADDRESSES is set: then the
scraper must send the token (`Authorization: Bearer …`) and connect from a listed network.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from caredesk.core import clock
from caredesk.core.models import OutboxItem, OutboxKind, OutboxStatus
from caredesk.core.tasks import job_failures, jobs_waiting
from caredesk.sla.models import SlaClock

log = logging.getLogger(__name__)
REPORTED_STATUSES = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED)


def _queue() -> Iterator[Metric]:
    pending, scheduled = jobs_waiting()
    waiting = GaugeMetricFamily(
        "caredesk_jobs_waiting", "Jobs in the queue, by state.", labels=["state"]
    )
    waiting.add_metric(["pending"], pending)
    waiting.add_metric(["scheduled"], scheduled)
    yield waiting
    failures = CounterMetricFamily(
        "caredesk_job_failures", "Job runs that ended with an error, by task.", labels=["task"]
    )
    for task, count in sorted(job_failures().items()):
        failures.add_metric([task], count)
    yield failures


def _outbox() -> Iterator[Metric]:
    items = GaugeMetricFamily(
        "caredesk_outbox_items",
        "Side effects (mail, webhooks, tracker issues) not yet sent, by kind and status.",
        labels=["kind", "status"],
    )
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in OutboxItem.objects.filter(status__in=REPORTED_STATUSES)
        .values("kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    for kind in OutboxKind.values:
        for status in REPORTED_STATUSES:
            items.add_metric([kind, status.value], counts.get((kind, status.value), 0))
    yield items
    yield _waited(
        "caredesk_outbox_oldest_due_seconds",
        "How long the oldest item due for delivery has been waiting (0: none is waiting).",
        OutboxItem.objects.filter(status=OutboxStatus.PENDING),
        "available_at",
    )


def _sla() -> Iterator[Metric]:
    yield _waited(
        "caredesk_sla_sweep_lag_seconds",
        "How long the oldest due SLA warning or breach has waited for the sweep (0: none).",
        SlaClock.objects.filter(next_check_at__isnull=False),
        "next_check_at",
    )


def _waited(name: str, documentation: str, rows: QuerySet[Any], due: str) -> GaugeMetricFamily:
    """A gauge of how long the earliest row whose `due` time has come has been waiting."""
    now = clock.now()
    oldest = rows.filter(**{f"{due}__lte": now}).order_by(due).values_list(due, flat=True).first()
    return GaugeMetricFamily(
        name, documentation, value=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    )


SOURCES: dict[str, Callable[[], Iterator[Metric]]] = {
    "queue": _queue,
    "outbox": _outbox,
    "sla": _sla,
}


class DeskCollector:
    """The desk-wide gauges, read when Prometheus scrapes; a source that fails is reported as
    down instead of failing the whole scrape."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "caredesk_metrics_source_up",
            "Whether a source of these metrics could be read (1) or not (0).",
            labels=["source"],
        )
        for name, source in SOURCES.items():
            try:
                metrics = list(source())
            except Exception as exc:  # noqa: BLE001 - one unreadable source must not hide the rest
                log.warning("metrics source %s could not be read: %s", name, type(exc).__name__)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from metrics
        yield up


class _ThisProcess:
    """This process's own metrics (requests, runtime) when there is no multiprocess folder."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(DeskCollector())
    return generate_latest(registry)


def _allowed_address(request: HttpRequest) -> bool:
    networks = settings.CAREDESK_METRICS_ADDRESSES
    if not networks:
        return True
    # The connecting address only: a forwarded header is whatever the client wrote in it.
    try:
        address = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return False
    return any(address in network for network in networks)


def _token_matches(request: HttpRequest) -> bool:
    expected = settings.CAREDESK_METRICS_TOKEN
    if not expected:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), expected)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    enabled = bool(settings.CAREDESK_METRICS_TOKEN or settings.CAREDESK_METRICS_ADDRESSES)
    if not enabled or not _allowed_address(request):
        raise Http404  # off, or not from here: nothing to see
    if not _token_matches(request):
        response = HttpResponse("A metrics token is needed.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
