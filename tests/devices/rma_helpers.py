"""A unit in warranty, a ticket naming it, and a technician: the start of every RMA test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from caredesk.accounts.roles import ROLE_TECHNICIAN
from caredesk.core import clock as clock_module
from caredesk.devices.models import Asset, Part, ProductModel
from caredesk.tickets.models import ChecklistTemplate, ChecklistTemplateItem
from tests.devices.conftest import make_asset
from tests.factories import AgentFactory, OrganizationFactory, make_ticket, requester_with_login


@dataclass
class Bench:
    asset: Asset
    ticket: Any
    requester: Any
    agent: Any
    technician: Any
    part: Part


def checklist_for(model: ProductModel, *steps: str) -> ChecklistTemplate:
    now = clock_module.now()
    template = ChecklistTemplate.objects.create(
        name=f"Bench check {model.sku}", created_at=now, updated_at=now
    )
    for i, text in enumerate(steps):
        ChecklistTemplateItem.objects.create(template=template, text=text, position=i)
    model.validation_checklist = template
    model.save(update_fields=["validation_checklist"])
    return template


def bench(catalogue: dict[str, ProductModel], serial: str = "PX-5001", **asset_kw: Any) -> Bench:
    org = OrganizationFactory(name="Brookfield Physio")
    requester = requester_with_login(organization=org, email="office@brookfield.example")
    asset_kw.setdefault("purchased_on", date(2026, 3, 1))
    asset = make_asset(catalogue["PX-200"], serial, organization=org, **asset_kw)
    agent = AgentFactory()
    ticket = make_ticket(requester, structured={"device_serial": serial}, assignee=agent)
    technician = AgentFactory(role=ROLE_TECHNICIAN)
    part = Part.objects.create(number="BAT-2", name="Battery pack", unit_cost="42.50")
    stocked(part)
    return Bench(asset, ticket, requester, agent, technician, part)


def stocked(part: Part, quantity: int = 20) -> Part:
    """`part` on the shelf of the repair stock (made when there is none), so a repair can fit it."""
    from caredesk.devices.models import StockLocation
    from caredesk.devices.stock import stock_receive

    depot = StockLocation.objects.filter(repair_default=True).first()
    if depot is None:
        depot = StockLocation.objects.create(name="Repair depot", repair_default=True)
    stock_receive(part=part, location=depot, quantity=quantity, actor=None, reference="PO-1")
    return part


def another_unit(b: Bench, serial: str) -> Any:
    """Another unit of the same clinic, and a ticket naming it."""
    make_asset(b.asset.product_model, serial, organization=b.asset.organization)
    return make_ticket(b.requester, structured={"device_serial": serial}, assignee=b.agent)
