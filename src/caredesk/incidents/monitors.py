"""Synthetic monitors: the worker's checks and what follows from them.

A check is one HTTP GET through the webhooks' outbound address guard
(`integrations.services.get`: http and https only, every resolved address checked, the
connection pinned to the checked address, no redirects followed). It is down on a refused
address, a connection error, a timeout, an unexpected status, a latency over the budget or a
missing expected text. After `retries` failures in a row the monitor opens an incident about its
component (which pages the component's team); after as many successes in a row it posts that the
checks pass again and leaves resolving to a person. Response bodies are never logged or stored.

Services and components are set up here too (the administrator's screens call these)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from caredesk.accounts.models import Organization, User
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.incidents.models import (
    OPEN_STATES,
    CheckResult,
    Component,
    ComponentState,
    Incident,
    IncidentState,
    Monitor,
    MonitorCheck,
    Source,
)
from caredesk.incidents.services import (
    component_set_state,
    incident_declare,
    incident_update_post,
)
from caredesk.integrations import services as outbound

log = logging.getLogger(__name__)

USER_AGENT = "CareDesk-Monitor/1"
BODY_LIMIT = 256 * 1024  # bytes read to look for the expected text
KEEP_CHECKS = timedelta(days=7)  # older checks are pruned
BATCH = 200  # monitors claimed per sweep
PARALLEL = 8  # checks in flight at once
TIMEOUT_CAP = 30.0  # seconds


def timeout_for(monitor: Monitor) -> float:
    """A check is cut off at twice its latency budget (at least 1 s, at most 30 s): it is down
    either way, and a hung server must not hold the worker."""
    return min(TIMEOUT_CAP, max(1.0, 2 * monitor.latency_ms / 1000))


@dataclass(frozen=True)
class Outcome:
    result: str  # CheckResult
    status: int | None = None
    latency_ms: int | None = None
    error: str = ""

    @property
    def up(self) -> bool:
        return self.result == CheckResult.UP


def _down(error: str, status: int | None = None, latency_ms: int | None = None) -> Outcome:
    return Outcome(CheckResult.DOWN, status, latency_ms, error[:300])


def probe(monitor: Monitor) -> Outcome:
    """Run one check of `monitor` (no database access: safe in a worker thread)."""
    started = time.monotonic()
    try:
        response = outbound.get(
            monitor.url,
            {"User-Agent": USER_AGENT, "Accept": "*/*", "Cache-Control": "no-cache"},
            allow_private=monitor.allow_private,
            timeout=timeout_for(monitor),
            limit=BODY_LIMIT if monitor.expected_text else 0,
        )
    except outbound.Refused as exc:
        return _down(f"refused: {exc}")
    except TimeoutError:
        return _down(f"no answer within {timeout_for(monitor):g} s (timeout)")
    except ValueError:
        return _down("refused: the URL is not valid")
    except OSError as exc:  # connection refused or reset, TLS, DNS
        return _down(f"connection failed: {type(exc).__name__}")
    except Exception as exc:  # a malformed answer (http.client.HTTPException and kin)
        return _down(f"bad answer: {type(exc).__name__}")
    return judge(monitor, response.status, response.body, int((time.monotonic() - started) * 1000))


def judge(monitor: Monitor, status: int, body: bytes, latency: int) -> Outcome:
    """Up or down, from an answer: the status, then the latency budget, then the text."""
    if status != monitor.expected_status:
        return _down(
            f"status {status}, expected {monitor.expected_status}",
            status,
            latency,
        )
    if latency > monitor.latency_ms:
        return _down(
            f"answered in {latency} ms, over the {monitor.latency_ms} ms budget",
            status,
            latency,
        )
    if monitor.expected_text:
        text = body.decode("utf-8", errors="replace")
        if monitor.expected_text not in text:
            return _down("the expected text is missing", status, latency)
    return Outcome(CheckResult.UP, status, latency)


# --- running checks (the worker) ---------------------------------------------------------------


def _claim(now: datetime, only: Sequence[int] = ()) -> list[Monitor]:
    """Claim the monitors that are due (or `only` these, due or not): each one's next check is
    moved on first, so two workers sweeping at once never run the same check twice."""
    chosen = Monitor.objects.filter(enabled=True).select_related("component")
    if only:
        chosen = chosen.filter(pk__in=only)
    else:
        chosen = chosen.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
    claimed = []
    for monitor in chosen.order_by("next_check_at", "pk")[:BATCH]:
        moved = Monitor.objects.filter(pk=monitor.pk, next_check_at=monitor.next_check_at)
        if moved.update(next_check_at=now + timedelta(seconds=monitor.interval_seconds)):
            claimed.append(monitor)
    return claimed


def monitors_run(*, now: datetime | None = None, only: Sequence[int] = ()) -> int:
    """Run every due monitor once (or the monitors `only` names, due or not); returns how many
    ran. Checks run a few at a time; their results are recorded one by one."""
    now = now or clock.now()
    claimed = _claim(now, only)
    if not claimed:
        return 0
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(claimed))) as pool:
        outcomes = list(pool.map(probe, claimed))
    for monitor, outcome in zip(claimed, outcomes, strict=True):
        try:
            record(monitor=monitor, outcome=outcome, at=now)
        except Exception:
            log.exception("monitor %s: recording its check failed", monitor.pk)
    checks_prune(now=now)
    return len(claimed)


def _title(monitor: Monitor, outcome: Outcome) -> str:
    return f"{monitor.name} is failing: {outcome.error}"[:200]


def record(*, monitor: Monitor, outcome: Outcome, at: datetime | None = None) -> MonitorCheck:
    """Store one check and act on the run of results: open an incident after `retries`
    failures in a row (none while the one it opened stays open), report recovery after as many
    successes."""
    at = at or clock.now()
    with transaction.atomic():
        current = Monitor.objects.select_for_update().select_related("component").get(pk=monitor.pk)
        check = MonitorCheck.objects.create(
            monitor=current,
            at=at,
            result=outcome.result,
            status=outcome.status,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
        )
        incident = _open_incident(current)
        if outcome.up:
            current.successes = min(current.successes + 1, 1000)
            current.failures = 0
        else:
            current.failures = min(current.failures + 1, 1000)
            current.successes = 0
        current.last_result = outcome.result
        current.last_error = outcome.error
        current.last_checked_at = at
        if incident is None:
            current.incident = None
            if not outcome.up and current.failures >= current.retries:
                current.incident = _declare(current, outcome)
        elif outcome.up and current.successes == current.retries:
            if incident.state != IncidentState.MONITORING:
                incident_update_post(
                    incident=incident,
                    actor=None,
                    state=IncidentState.MONITORING,
                    body=f"Checks are passing again: {current.name} succeeded "
                    f"{current.successes} times in a row. We are monitoring the recovery.",
                )
        elif (
            not outcome.up
            and current.failures == current.retries
            and incident.state == IncidentState.MONITORING
        ):
            incident_update_post(
                incident=incident,
                actor=None,
                state=IncidentState.INVESTIGATING,
                body=f"Checks are failing again ({outcome.error}). We are investigating.",
            )
            component_set_state(
                component=current.component,
                state=ComponentState.MAJOR_OUTAGE,
                incident=incident,
            )
        current.save(
            update_fields=[
                "successes",
                "failures",
                "last_result",
                "last_error",
                "last_checked_at",
                "incident",
            ]
        )
    monitor.refresh_from_db()
    return check


def _open_incident(monitor: Monitor) -> Incident | None:
    if monitor.incident_id is None:
        return None
    return Incident.objects.filter(pk=monitor.incident_id, state__in=OPEN_STATES).first()


def _declare(monitor: Monitor, outcome: Outcome) -> Incident:
    component = monitor.component
    return incident_declare(
        title=_title(monitor, outcome),
        severity=monitor.severity,
        actor=None,
        body=(
            f"The monitor {monitor.name} failed {monitor.failures} checks in a row "
            f"({outcome.error}). We are investigating."
        ),
        components=[(component, ComponentState.MAJOR_OUTAGE)],
        organizations=list(component.organizations.all()),
        source=Source.MONITOR,
        public=component.public,
    )


def checks_prune(*, now: datetime | None = None) -> int:
    """Delete checks older than a week (the monitor's page shows the recent ones)."""
    cutoff = (now or clock.now()) - KEEP_CHECKS
    deleted, _ = MonitorCheck.objects.filter(at__lt=cutoff).delete()
    return deleted


# --- setting up ---------------------------------------------------------------------------------


def monitor_save(*, monitor: Monitor, actor: User | None) -> Monitor:
    """Create or change a monitor; a new, changed or re-enabled one is checked at the next sweep."""
    now = clock.now()
    if monitor.pk is None:
        monitor.created_at = now
    if monitor.enabled:
        monitor.next_check_at = now
    monitor.save()
    log.info("monitor %s saved by %s", monitor.pk, actor.pk if actor else "-")
    return monitor


def monitor_enable(*, monitor: Monitor, enabled: bool, actor: User | None) -> Monitor:
    """Switch a monitor off (no more checks; its run of results starts over) or on again."""
    monitor.enabled = enabled
    monitor.failures = monitor.successes = 0
    monitor.next_check_at = clock.now() if enabled else None
    monitor.save(update_fields=["enabled", "failures", "successes", "next_check_at"])
    log.info("monitor %s %s by %s", monitor.pk, "enabled" if enabled else "disabled",
             actor.pk if actor else "-")  # fmt: skip
    return monitor


def component_save(
    *,
    component: Component,
    state: str,
    organizations: Iterable[Organization],
    actor: User | None,
) -> Component:
    """Create or change a component; a changed state goes through the one writer of states
    (one history row)."""
    now = clock.now()
    if state not in ComponentState.values:
        raise ValidationFailed(
            "Unknown component state.", errors={"state": ["Unknown component state."]}
        )
    with transaction.atomic():
        new = component.pk is None
        if new:
            component.created_at = now
            component.state_since = now
            component.state = state
        component.save()
        component.organizations.set(list(organizations))
        if not new:
            component_set_state(component=component, state=state, at=now)
    log.info("component %s saved by %s", component.pk, actor.pk if actor else "-")
    return component


def monitor_summary(monitors: Iterable[Monitor]) -> dict[str, Any]:
    """Counts for the list's heading."""
    rows = list(monitors)
    return {
        "enabled": sum(1 for m in rows if m.enabled),
        "down": sum(1 for m in rows if m.enabled and m.last_result == CheckResult.DOWN),
    }
