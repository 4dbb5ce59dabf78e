"""RMA repairs: the flow and its refusals, the events on the RMA and the ticket, the customer's
mail at every status, the bench checklist, parts and labour, and the clocks on a moving clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.models import Notification, OutboxItem
from caredesk.devices.models import RmaEvent, RmaEventKind
from caredesk.devices.pure import rma_moves, rma_refusal
from caredesk.devices.rma import (
    rma_check_tick,
    rma_coverage,
    rma_open,
    rma_part_add,
    rma_transition,
    rma_update,
)
from caredesk.devices.rma_selectors import RmaFilters, clocks_of, rma_list
from caredesk.rules.selectors import ticket_facts
from caredesk.sla.services import sla_tick
from caredesk.tickets.models import EventKind, TicketEvent
from tests.devices.rma_helpers import bench, checklist_for
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 12, tzinfo=UTC)


def mails() -> list[str]:
    return [i.payload["subject"] for i in OutboxItem.objects.filter(kind="email").order_by("id")]


def test_the_flow_is_a_pure_function():
    assert rma_moves("issued") == ("received", "cancelled")
    assert rma_moves("diagnosed") == ("repaired", "replaced", "cancelled")
    assert rma_moves("closed") == ()
    assert "cannot become shipped" in rma_refusal("received", "shipped")
    assert rma_refusal("issued", "cancelled") == "Say why the RMA is cancelled."
    assert "2 required steps" in rma_refusal("repaired", "validated", checks_left=2)
    assert rma_refusal("repaired", "validated") == ""


def test_an_rma_from_a_ticket_in_warranty_runs_to_closed_and_tells_the_customer(clock, catalogue):
    clock.set(T0)
    b = bench(catalogue)
    OutboxItem.objects.all().delete()
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    assert rma.number == f"RMA-{rma.pk:06d}" and rma.warranty is True
    assert rma.organization == b.asset.organization
    for to in ("received", "diagnosed", "repaired", "validated", "shipped", "closed"):
        clock.advance(hours=5)
        rma = rma_transition(
            rma=rma, to=to, actor=b.technician, tracking="1Z999" if to == "shipped" else ""
        )
    assert rma.status == "closed" and rma.tracking_out == "1Z999"
    assert rma.received_at == T0 + (rma.received_at - T0) and rma.shipped_at is not None
    kinds = list(RmaEvent.objects.filter(rma=rma).values_list("kind", "to_status"))
    assert kinds[0] == (RmaEventKind.OPENED, "issued") and kinds[-1] == (
        RmaEventKind.STATUS,
        "closed",
    )
    history = TicketEvent.objects.filter(ticket=b.ticket, kind=EventKind.RMA)
    assert [e.data["status"] for e in history] == [
        "issued", "received", "diagnosed", "repaired", "validated", "shipped", "closed"
    ]  # fmt: skip
    assert len(mails()) == 7 and mails()[-2].endswith(": shipped")
    body = OutboxItem.objects.filter(kind="email").order_by("id").last().payload["body"]
    assert "/portal/rmas/" in body


def test_refusals_are_clear(clock, catalogue):
    clock.set(T0)
    b = bench(catalogue)
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    with pytest.raises(Conflict, match="cannot become shipped"):
        rma_transition(rma=rma, to="shipped", actor=b.agent)
    with pytest.raises(ValidationFailed) as exc:
        rma_transition(rma=rma, to="cancelled", actor=b.agent)
    assert exc.value.errors == {"reason": ["Say why the RMA is cancelled."]}
    with pytest.raises(ValidationFailed):
        rma_transition(rma=rma, to="nonsense", actor=b.agent)
    rma = rma_transition(rma=rma, to="cancelled", actor=b.agent, reason="Fixed by a reset")
    assert rma.cancel_reason == "Fixed by a reset" and rma.closed_at == T0
    with pytest.raises(Conflict):
        rma_transition(rma=rma, to="received", actor=b.agent)


def test_an_unknown_serial_is_refused_and_paid_needs_a_reason(clock, catalogue):
    clock.set(T0)
    b = bench(catalogue)
    stranger = make_ticket(structured={"device_serial": "NOPE-1"})
    with pytest.raises(ValidationFailed) as exc:
        rma_open(ticket=stranger, actor=b.agent)
    assert "NOPE-1" in exc.value.errors["asset"][0]
    with pytest.raises(ValidationFailed) as exc:
        rma_open(ticket=b.ticket, actor=b.agent, warranty=False)
    assert "reason" in exc.value.errors
    rma = rma_open(ticket=b.ticket, actor=b.agent, warranty=False, reason="Dropped on the floor")
    with pytest.raises(Conflict, match="is already open for this unit"):
        rma_open(ticket=b.ticket, actor=b.agent)
    assert rma.warranty is False and rma.warranty_reason == "Dropped on the floor"
    rma = rma_coverage(rma=rma, warranty=True, reason="Goodwill", actor=b.agent)
    assert rma.warranty is True
    assert RmaEvent.objects.filter(rma=rma, kind=RmaEventKind.COVERAGE).count() == 1


def test_an_out_of_warranty_unit_is_a_paid_repair(clock, catalogue):
    clock.set(T0)
    b = bench(catalogue, purchased_on=date(2023, 1, 1))
    assert rma_open(ticket=b.ticket, actor=b.agent).warranty is False


def test_validation_waits_for_the_bench_checklist_and_costs_add_up(clock, catalogue):
    clock.set(T0)
    checklist_for(catalogue["PX-200"], "Power-on self test", "Leakage current within limits")
    b = bench(catalogue)
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    steps = list(rma.checks.all())
    assert [s.text for s in steps] == ["Power-on self test", "Leakage current within limits"]
    with pytest.raises(Conflict):
        rma_part_add(rma=rma, part=b.part, quantity=1, actor=b.technician)  # not received yet
    for to in ("received", "diagnosed", "repaired"):
        rma = rma_transition(rma=rma, to=to, actor=b.technician)
    assert rma.technician == b.technician  # the first to work it on the bench
    rma_part_add(rma=rma, part=b.part, quantity=2, actor=b.technician)
    b.part.unit_cost = Decimal("99.00")
    b.part.save()  # a later price does not change the repair's cost
    rma = rma_update(
        rma=rma,
        changes={
            "technician": b.technician,
            "findings": "Battery swollen",
            "failure_mode": "battery",
            "labour_minutes": 30,
            "labour_rate": "80",
        },
        actor=b.technician,
    )
    with pytest.raises(ValidationFailed) as exc:
        rma_update(rma=rma, changes={"failure_mode": "other"}, actor=b.technician)
    assert "failure_other" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        rma_update(rma=rma, changes={"labour_minutes": "lots"}, actor=b.technician)
    assert exc.value.errors == {"labour_minutes": ["Give whole minutes."]}
    rma.refresh_from_db()
    assert rma.parts_cost == Decimal("85.00") and rma.labour_cost == Decimal("40.00")
    assert rma.repair_cost == Decimal("125.00")
    with pytest.raises(Conflict, match="2 required steps are not done"):
        rma_transition(rma=rma, to="validated", actor=b.technician)
    for step in steps:
        rma_check_tick(rma=rma, check_id=step.pk, done=True, actor=b.technician)
    assert rma_transition(rma=rma, to="validated", actor=b.technician).status == "validated"


def test_the_clocks_warn_and_breach_through_the_sla_sweep(clock, catalogue):
    clock.set(T0)
    b = bench(catalogue)
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    rma = rma_transition(rma=rma, to="received", actor=b.technician)
    rma_update(rma=rma, changes={"technician": b.technician}, actor=b.technician)
    views = {v.metric: v for v in clocks_of([rma])[rma.pk]}
    assert set(views) == {"rma.diagnosis", "rma.repair"}
    assert views["rma.diagnosis"].due_at == datetime(2026, 11, 4, 12, tzinfo=UTC)
    clock.advance(hours=37)  # 0.75 of 48 h
    sla_tick()
    warned = TicketEvent.objects.filter(ticket=b.ticket, kind=EventKind.SLA_WARNING)
    assert [e.data["label"] for e in warned if "subject" in e.data] == ["RMA diagnosis"]
    clock.advance(hours=12)  # past 48 h
    sla_tick()
    breached = TicketEvent.objects.filter(ticket=b.ticket, kind=EventKind.SLA_BREACHED)
    assert [e.data["metric"] for e in breached if "subject" in e.data] == ["rma.diagnosis"]
    assert RmaEvent.objects.filter(rma=rma, kind=RmaEventKind.SLA_BREACHED).count() == 1
    told = set(
        Notification.objects.filter(text__contains=rma.number).values_list("user", flat=True)
    )
    assert told == {b.technician.pk, b.agent.pk}
    assert list(rma_list(RmaFilters(overdue=True))) == [rma]
    sla_tick()  # exactly once
    again = TicketEvent.objects.filter(ticket=b.ticket, kind=EventKind.SLA_BREACHED)
    assert len([e for e in again if "subject" in e.data]) == 1
    rma = rma_transition(rma=rma, to="diagnosed", actor=b.technician)
    clock.set(datetime(2026, 11, 9, 12, 1, tzinfo=UTC))  # 7 days after receipt: the warning
    sla_tick()
    repair = [
        e
        for e in TicketEvent.objects.filter(ticket=b.ticket, kind=EventKind.SLA_WARNING)
        if e.data["metric"] == "rma.repair"
    ]
    assert len(repair) == 1
    rma = rma_transition(rma=rma, to="repaired", actor=b.technician)
    clock.set(datetime(2026, 11, 20, tzinfo=UTC))
    sla_tick()  # the repair clock stopped in time: no breach
    assert not TicketEvent.objects.filter(
        ticket=b.ticket, kind=EventKind.SLA_BREACHED, data__metric="rma.repair"
    ).exists()
    states = {v.metric: v.state for v in clocks_of([rma])[rma.pk]}
    assert states == {"rma.diagnosis": "breached", "rma.repair": "met"}


def test_a_replacement_the_plan_promises_is_timed_from_opening(clock, catalogue, monkeypatch):
    from caredesk.devices import rma as rma_module
    from caredesk.devices.pure import Entitlement

    clock.set(T0)
    b = bench(catalogue)
    premium = Entitlement(
        warranty="in", warranty_ends_on=None, free_repair=True, replacement_hours=48
    )
    monkeypatch.setattr(rma_module, "entitlement_of", lambda asset: premium)
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    assert rma.replacement_hours == 48
    assert [v.metric for v in clocks_of([rma])[rma.pk]] == ["rma.replacement"]
    clock.advance(hours=49)
    sla_tick()
    assert (
        TicketEvent.objects.filter(
            ticket=b.ticket, kind=EventKind.SLA_BREACHED, data__metric="rma.replacement"
        ).count()
        == 1
    )


def test_repeat_failure_within_30_days_is_a_fact_and_a_rule_can_open_an_rma(clock, catalogue):
    from caredesk.devices.models import Rma
    from caredesk.rules.policies import policy_save

    clock.set(T0)
    b = bench(catalogue)
    assert ticket_facts(b.ticket, clock.current).value("asset.repeat_failure") is False
    policy_save(
        data={
            "name": "Repeat failures go to the bench",
            "rules": [
                {
                    "name": "Open an RMA",
                    "on": ["ticket.created"],
                    "when": {"field": "asset.repeat_failure", "op": "eq", "value": True},
                    "actions": [{"type": "open_rma"}],
                }
            ],
        },
        actor=None,
    )
    clock.advance(days=10)
    again = make_ticket(b.requester, structured={"device_serial": b.asset.serial})
    assert ticket_facts(again, clock.current).value("asset.repeat_failure") is True
    assert Rma.objects.filter(ticket=again).count() == 1
    clock.advance(days=31)
    late = make_ticket(b.requester, structured={"device_serial": b.asset.serial})
    assert ticket_facts(late, clock.current).value("asset.repeat_failure") is False


def test_the_demo_has_rmas_in_different_statuses(clock):
    from caredesk.demo import demo_load
    from caredesk.devices.models import Rma

    demo_load(tickets=120)
    statuses = set(Rma.objects.values_list("status", flat=True))
    assert {"issued", "diagnosed", "shipped"} <= statuses
    shipped = Rma.objects.get(status="shipped")
    assert shipped.tracking_out and shipped.checks.filter(done_at__isnull=True).count() == 0
    assert Rma.objects.get(status="diagnosed").repair_cost > 0
