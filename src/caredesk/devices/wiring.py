"""What the devices app lends the layers below it (filled in DevicesConfig.ready())."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caredesk.core.notify import notify
from caredesk.devices import history
from caredesk.devices.models import Asset, Rma, RmaEventKind
from caredesk.devices.selectors import facts_for_serial, sla_plans_for_serials, today
from caredesk.rules.actions import action_register
from caredesk.rules.facts import FactSource, fact_source_register
from caredesk.sla.plans import PlanSource, plan_source_register
from caredesk.tickets.models import EventKind, Ticket, TicketEvent
from caredesk.tickets.services.keys import Sealed, sealed_register
from caredesk.tickets.services.reactions import watcher_register

ASSET_FACTS = frozenset(
    {
        "asset.known",
        "asset.warranty",
        "asset.clinical_use",
        "asset.model",
        "asset.free_repair",
        "asset.plan",
        "asset.contract",
        "asset.loaner",
        "asset.replacement_hours",
        "asset.response_minutes",
        "asset.repeat_failure",
    }
)
# what a unit lets a ticket meet in the SLA policies' plan condition
DEVICE_PLANS = frozenset({"basic", "standard", "premium", "warranty", "clinical_use"})


def _asset_facts(ticket: Any) -> dict[str, Any]:
    from caredesk.devices.rma_selectors import repeat_failure

    facts = facts_for_serial(ticket.device_serial, today())
    facts["asset.repeat_failure"] = repeat_failure(ticket)
    return facts


def _open_rma(ticket: Ticket, params: Mapping[str, Any]) -> None:
    """The protocols' `open_rma`: an RMA for the unit the ticket names, unless one is open."""
    from caredesk.core.errors import DomainError
    from caredesk.devices.pure import RMA_OPEN
    from caredesk.devices.rma import rma_open

    if Rma.objects.filter(ticket=ticket, status__in=RMA_OPEN).exists():
        return
    try:
        rma_open(ticket=ticket, actor=None)
    except DomainError:
        return  # no known unit: nothing to return


class RmaWatcher:
    """An RMA's clock warned or breached (the SLA sweep): the RMA records it and, when late,
    its technician and the ticket's assignee are told."""

    def changed(self, *, ticket: Ticket, trigger: str, changed: frozenset[str]) -> None:
        return None

    def clocks_fired(self, *, written: list[TicketEvent]) -> None:
        from caredesk.devices.rma import rma_clock_fired

        ours = [e for e in written if str((e.data or {}).get("subject", "")).startswith("rma:")]
        if not ours:
            return
        ids = {int(str(e.data["subject"]).split(":", 1)[1]) for e in ours}
        found = Rma.objects.select_related("ticket__assignee", "technician").in_bulk(ids)
        for e in ours:
            rma = found.get(int(str(e.data["subject"]).split(":", 1)[1]))
            if rma is None:
                continue
            label = str(e.data.get("label", "RMA clock"))
            breached = e.kind == EventKind.SLA_BREACHED
            kind = RmaEventKind.SLA_BREACHED if breached else RmaEventKind.SLA_WARNING
            rma_clock_fired(rma_id=rma.pk, kind=kind, label=label)
            if breached:
                notify(
                    users=[rma.technician, rma.ticket.assignee],
                    text=f"{rma.number}: {label} is late",
                    ticket=rma.ticket,
                )


def _device_plans(serials: set[str]) -> Mapping[str, set[str]]:
    return sla_plans_for_serials(serials, today())


def register() -> None:
    history.register_own()
    fact_source_register(FactSource("asset", ASSET_FACTS, _asset_facts))
    plan_source_register(PlanSource("devices", DEVICE_PLANS, _device_plans))
    sealed_register(Sealed("assets", Asset, ("patient_id",), index_part="asset patient indexes"))
    action_register("open_rma", _open_rma)
    watcher_register("rma clocks", RmaWatcher())
