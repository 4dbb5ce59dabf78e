"""The plans a ticket meets, for the SLA policies' plan condition.

A ticket meets its organization's support plan (basic, standard, premium). Other apps add
plans they know from the ticket's device serial without the sla app importing them: the
devices app registers a source (in its AppConfig.ready()) that names the SLA plan of the service
plan covering the unit, and "warranty" for a unit in warranty. A policy's plan condition holds
when any plan the ticket meets is listed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from caredesk.core.registries import Registry
from caredesk.tickets.models import Ticket

ORGANIZATION_PLANS = frozenset({"basic", "standard", "premium"})


@dataclass(frozen=True)
class PlanSource:
    key: str
    names: frozenset[str]  # the plan names it may answer, beyond the organizations' plans
    read: Callable[[set[str]], Mapping[str, set[str]]]  # serials -> plans met, by serial


_sources: Registry[PlanSource] = Registry("plans other apps know from a ticket's device")


def plan_source_register(source: PlanSource) -> None:
    _sources.register(source.key, source)


def plan_names() -> frozenset[str]:
    """Every name a policy's plan condition may list."""
    names = set(ORGANIZATION_PLANS)
    for source in _sources:
        names |= source.names
    return frozenset(names)


def ticket_plans(tickets: Sequence[Ticket]) -> list[frozenset[str]]:
    """The plans each ticket meets: its organization's, and what the sources say about the
    device serial it names (each source asked once for the whole batch, not at all when no
    ticket names a serial)."""
    serials = {t.device_serial.strip() for t in tickets if (t.device_serial or "").strip()}
    by_serial: dict[str, set[str]] = {}
    if serials:
        for source in _sources:
            for serial, found in source.read(serials).items():
                by_serial.setdefault(serial, set()).update(found & source.names)
    out = []
    for t in tickets:
        mine = set(by_serial.get((t.device_serial or "").strip(), ()))
        org = t.organization if t.organization_id else None
        if org is not None:
            mine.add(org.plan)
        out.append(frozenset(mine))
    return out
