"""The Executive summary in a real browser. A year of a small desk is worked through the real
services with the clock moved: three service contracts (one cancelled with its refund),
21 tickets in October and 23 of seven request types in November, incidents of three severities
resolved against the shipped targets, and two RMAs, one repaired with a part and shipped back.
On 30 November a support lead opens Reports, then Executive summary, and reads the key figures
with their band words, the volume against October, the incidents per severity, the contracts'
revenue, churn and customer lifetime value (worked out here from the contracts' totals and
days), the weekly request types' table and the repairs; then the last seven days from the
keyboard, and one organization's contracts. An agent is refused the page. Screenshots at 1440
and 390."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_TECHNICIAN
from caredesk.devices.models import Part, ProductClass, ProductModel, ServicePlan
from caredesk.devices.plan_defaults import install_plans
from caredesk.devices.plans import NewContract, contract_cancel, contract_create
from caredesk.devices.rma import rma_open, rma_part_add, rma_transition, rma_update
from caredesk.incidents.services import incident_acknowledge, incident_declare, incident_resolve
from caredesk.reports import rollup
from tests.devices.conftest import make_asset
from tests.devices.rma_helpers import stocked
from tests.e2e import conftest as e2e
from tests.e2e.reports_steps import SHOTS, choose_and_show, open_reports
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    RequestTypeFactory,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.e2e

CENT = Decimal("0.01")

# The request types, most frequent in November first, and the tickets of each November day:
# (day, request type, organization). The five most frequent have a line each, the last two
# share "Others"; "fault" tickets name a monitor (RMAs A and B).
KINDS = {
    "camera": "Camera or microphone",
    "link": "Visit link",
    "fault": "Device fault",
    "billing": "Billing question",
    "password": "Password reset",
    "refill": "Prescription refill",
    "access": "Accessibility request",
}
NOVEMBER = [
    (1, "camera", "larkspur"),
    (3, "camera", "larkspur"), (3, "camera", "brackenfield"), (3, "link", "larkspur"),
    (3, "billing", "quillon"),
    (5, "camera", "larkspur"), (5, "link", "brackenfield"), (5, "fault", "larkspur"),  # RMA A
    (10, "camera", "larkspur"), (10, "fault", "quillon"), (10, "password", "quillon"),
    (12, "link", "larkspur"), (12, "fault", "quillon"), (12, "billing", "quillon"),  # RMA B
    (18, "camera", "larkspur"), (18, "link", "larkspur"), (18, "refill", "quillon"),
    (18, "billing", "larkspur"),
    (20, "fault", "quillon"),
    (24, "camera", "brackenfield"), (24, "link", "larkspur"), (24, "access", "quillon"),
    (30, "password", "quillon"),
]  # fmt: skip


# (start, severity, title, minutes to acknowledge or None, minutes to resolve or None: open)
INCIDENTS = [
    (datetime(2026, 10, 20, 14, tzinfo=UTC), 1, "Visit rooms fail to open", 5, 75),
    (datetime(2026, 11, 5, 14, tzinfo=UTC), 1, "Video visits fail to start", 6, 150),
    (datetime(2026, 11, 10, 13, tzinfo=UTC), 2, "Device readings arrive late", 12, 200),
    (datetime(2026, 11, 12, 13, tzinfo=UTC), 3, "Portal search is slow", None, 1500),
    (datetime(2026, 11, 25, 10, tzinfo=UTC), 1, "Sign-in page times out", 2, 40),
    (datetime(2026, 11, 27, 16, tzinfo=UTC), 2, "Chat messages arrive twice", 3, None),
]


def _at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class _Desk:
    """Three clinics under contract, their people, the request types, a technician's bench."""

    def __init__(self) -> None:
        install_plans(ServicePlan)  # the shipped plans (a flush removes them)
        self.plans = {p.name: p for p in ServicePlan.objects.all()}
        pumps = ProductClass.objects.create(name="Infusion pumps", warranty_months=24)
        self.pump = ProductModel.objects.create(
            name="Ostrander IP-5", sku="IP-5", product_class=pumps
        )
        self.orgs = {
            "larkspur": OrganizationFactory(name="Larkspur Renal Clinic"),
            "brackenfield": OrganizationFactory(name="Brackenfield Hospice"),
            "quillon": OrganizationFactory(name="Quillon Eye Centre"),
        }
        self.people = {k: ContactFactory(organization=o) for k, o in self.orgs.items()}
        self.kinds = {k: RequestTypeFactory(name=name) for k, name in KINDS.items()}
        self.lead = supervisor(name="Odalys Fenwright", email="odalys.fenwright@caredesk.example")
        self.agent = AgentFactory(
            name="Teodor Blakesley", email="teodor.blakesley@caredesk.example"
        )
        self.tech = AgentFactory(
            role=ROLE_TECHNICIAN, name="Ines Carrowmore", email="ines.carrowmore@caredesk.example"
        )
        self.pack = Part.objects.create(number="IP-BAT-2", name="Pump battery", unit_cost="42.50")
        stocked(self.pack, quantity=1)  # the one the repair fits: none left after it
        self.rmas: dict[str, Any] = {}
        self.incidents: dict[str, Any] = {}

    def contract(self, org: str, plan: str, units: int, starts_on: date, months: int = 12) -> Any:
        assets = [
            make_asset(self.pump, f"{org[:3].upper()}-{i:03d}", organization=self.orgs[org])
            for i in range(units)
        ]
        data = NewContract(organization=self.orgs[org], plan=self.plans[plan], assets=assets,
                           starts_on=starts_on, months=months)  # fmt: skip
        return contract_create(data=data, actor=None)

    def ticket(self, kind: str | None, org: str, rma: str = "") -> None:
        """A ticket; with `rma`, one naming a pump that goes to the bench (A in warranty, B
        paid)."""
        category = self.kinds[kind] if kind else None
        if not rma:
            make_ticket(self.people[org], subject="Help with a visit", category=category)
            return
        serial = {"A": "IP-9001", "B": "IP-9002"}[rma]
        make_asset(self.pump, serial, organization=self.orgs[org], purchased_on=date(2026, 2, 1))
        opened = make_ticket(
            self.people[org], subject=f"Pump {serial} alarms at start-up", category=category,
            assignee=self.agent, structured={"device_serial": serial},
        )  # fmt: skip
        paid = {"warranty": False, "reason": "Dropped"} if rma == "B" else {}
        self.rmas[rma] = rma_open(ticket=opened, actor=self.agent, **paid)

    def bench(self, rma: str, *steps: str) -> None:
        """Move an RMA on: a failure mode is its diagnosis; "repaired" fits the battery and
        books 30 minutes at 90.00."""
        for step in steps:
            if step in ("battery", "display"):
                self._to(rma, "diagnosed")
                self.rmas[rma] = rma_update(
                    rma=self.rmas[rma], changes={"failure_mode": step}, actor=self.tech
                )
                continue
            if step == "repaired":
                rma_part_add(rma=self.rmas[rma], part=self.pack, quantity=1, actor=self.tech)
                self.rmas[rma] = rma_update(
                    rma=self.rmas[rma], changes={"labour_minutes": 30, "labour_rate": "90.00"},
                    actor=self.tech,
                )  # fmt: skip
            self._to(rma, step)

    def _to(self, rma: str, status: str) -> None:
        self.rmas[rma] = rma_transition(rma=self.rmas[rma], to=status, actor=self.tech)

    def declare(self, title: str, severity: int) -> None:
        self.incidents[title] = incident_declare(title=title, severity=severity, actor=self.lead)

    def acknowledge(self, title: str, at: datetime) -> None:
        incident_acknowledge(incident=self.incidents[title], user=self.lead, at=at)

    def resolve(self, title: str) -> None:
        incident_resolve(incident=self.incidents[title], actor=self.lead)


def _timeline(desk: _Desk) -> list[tuple[datetime, Any]]:
    """October's and November's work, each step at its time (sorted by the caller)."""
    steps: list[tuple[datetime, Any]] = []
    for day, n in ((14, 10), (28, 11)):  # October: 21 tickets without a request type
        steps += [(_at(day, minute=i, month=10), lambda: desk.ticket(None, "larkspur"))
                  for i in range(n)]  # fmt: skip
    seen: dict[int, int] = {}
    for day, kind, org in NOVEMBER:
        seen[day] = seen.get(day, -1) + 1
        rma = {(5, "fault"): "A", (12, "fault"): "B"}.get((day, kind), "")
        steps.append((_at(day, minute=seen[day]),
                      lambda k=kind, o=org, r=rma: desk.ticket(k, o, r)))  # fmt: skip
    # RMA A: received on the 6th, diagnosed (battery) on the 9th, repaired on the 10th,
    # validated and shipped back on the 11th. RMA B: received on the 17th, diagnosed (display)
    # on the 18th, still on the bench.
    for when, rma, moves in (
        (_at(6, 15), "A", ("received",)),
        (_at(9, 15), "A", ("battery",)),
        (_at(10, 15), "A", ("repaired",)),
        (_at(11, 15), "A", ("validated", "shipped")),
        (_at(17, 15), "B", ("received",)),
        (_at(18, 15), "B", ("display",)),
    ):
        steps.append((when, lambda r=rma, m=moves: desk.bench(r, *m)))
    for start, severity, title, ack, fix in INCIDENTS:
        steps.append((start, lambda t=title, s=severity: desk.declare(t, s)))
        if ack is not None:
            at = start + timedelta(minutes=ack)
            steps.append((at, lambda t=title, a=at: desk.acknowledge(t, a)))
        if fix is not None:
            steps.append((start + timedelta(minutes=fix), lambda t=title: desk.resolve(t)))
    return steps


def _desk(clock: Any) -> dict[str, Any]:
    """The contracts from July 2025 (Quillon: two years of Basic; Brackenfield: a year of
    Premium from October 2025, cancelled on 1 March 2026 and refunded its unused days;
    Larkspur: Standard for 2026), then October's and November's work in time order; the
    figures rolled up as the worker does, on 30 November at noon."""
    clock.set(datetime(2025, 6, 20, 9, tzinfo=UTC))
    desk = _Desk()
    quillon = desk.contract("quillon", "Basic", 3, date(2025, 7, 1), months=24)
    clock.set(datetime(2025, 10, 1, 9, tzinfo=UTC))
    brackenfield = desk.contract("brackenfield", "Premium", 1, date(2025, 10, 1))
    clock.set(datetime(2026, 1, 1, 9, tzinfo=UTC))
    larkspur = desk.contract("larkspur", "Standard", 2, date(2026, 1, 1))
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    contract_cancel(contract=brackenfield, reason="price", actor=None, on=date(2026, 3, 1))
    brackenfield.refresh_from_db()
    for when, step in sorted(_timeline(desk), key=lambda s: s[0]):
        clock.set(when)
        step()
    clock.set(_at(30, 12))
    rollup.advance()
    return {
        "lead": desk.lead,
        "contracts": {"quillon": quillon, "brackenfield": brackenfield, "larkspur": larkspur},
    }


def _kpi(page: Any, label: str) -> Any:
    return page.locator(".rp-kpi").filter(has=page.locator(".rp-kpi-label", has_text=label))


def _table(page: Any, region: str) -> dict[str, list[str]]:
    """A table's rows by their header: the cells' texts."""
    rows = page.get_by_role("region", name=region, exact=True).locator("tbody tr").all()
    return {
        r.get_by_role("rowheader").inner_text(): r.get_by_role("cell").all_inner_texts()
        for r in rows
    }


def _week(chart: Any, monday: str) -> dict[str, str]:
    """One row of a chart's table: each line's count that week, by the line's name."""
    names = chart.locator("thead th").all_inner_texts()[1:]
    row = chart.get_by_role("row", name=re.compile(rf"^{monday} "))
    return dict(zip(names, row.get_by_role("cell").all_inner_texts(), strict=True))


def _dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _money(contracts: list[Any]) -> dict[str, Decimal]:
    """The 12 months to 30 Nov 2026 (1 Dec 2025 to 30 Nov 2026, 365 days), worked out from the
    contracts' totals and days: each earns its total less any refund evenly over the days it
    ran (to its cancellation), and the 12 months hold a share of those days."""
    share = {  # (days within the 12 months, days it ran)
        "Larkspur Renal Clinic": (334, 365),  # 1 Jan 2026 - 31 Dec 2026
        "Brackenfield Hospice": (91, 152),  # 1 Oct 2025 - cancelled 1 Mar 2026
        "Quillon Eye Centre": (365, 730),  # 1 Jul 2025 - 30 Jun 2027
    }
    revenue = Decimal(0)
    for c in contracts:
        within, ran = share[c.organization.name]
        revenue += (c.total - (c.refund or Decimal(0))) * within / ran
    revenue = revenue.quantize(CENT, ROUND_HALF_UP)
    # revenue per customer a year: over the days each customer was under contract
    covered = sum(share[c.organization.name][0] for c in contracts)
    return {"revenue": revenue, "per_customer": (revenue * 365 / covered).quantize(CENT)}


def test_a_lead_reads_the_executive_summary_and_narrows_it(open_screen, clock, monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", SHOTS)
    desk = _desk(clock)
    contracts = desk["contracts"]
    assert contracts["brackenfield"].refund > 0  # cancelled after the money-back month
    screen = open_reports(open_screen, desk["lead"])
    page = screen.page
    with page.expect_navigation(wait_until="load"):
        page.locator(".rp-head-links").get_by_role("link", name="Executive summary").click()
    assert page.url.endswith("/agent/reports/executive/")
    expect(page.get_by_role("heading", name="Executive summary", level=1)).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("The whole desk, 1 Nov 2026 to 30 Nov 2026")

    # the key figures with their band words
    for kpi in page.locator(".rp-kpi").all():
        expect(kpi.locator(".rp-band")).to_contain_text(re.compile("Met|At risk|Missed|No data"))
    volume = _kpi(page, "Volume against the period before")
    expect(volume.locator(".rp-kpi-value")).to_have_text("9.5 %")  # 23 opened against 21
    expect(volume.locator(".rp-band")).to_have_text(re.compile(r"Met\s+\(target within ±10 %\)"))
    sev1 = _kpi(page, "Time to resolve a Sev 1 incident")
    expect(sev1.locator(".rp-kpi-value")).to_have_text("95.0 min")  # (150 + 40) / 2
    expect(sev1.locator(".rp-band")).to_have_text(re.compile(r"Missed\s+\(target <= 60 min\)"))
    expect(sev1.get_by_text("Before:")).to_have_text("Before: 75.0 min (+26.7 %)")  # October's
    churn = _kpi(page, "Plan churn (yearly)")
    expect(churn.locator(".rp-kpi-value")).to_have_text("50.0 %")  # Brackenfield of two held
    expect(churn.locator(".rp-band")).to_contain_text("Missed")
    returned = _kpi(page, "Returned to service")
    expect(returned.locator(".rp-kpi-value")).to_have_text("100.0 %")  # A shipped back
    expect(returned.locator(".rp-band")).to_contain_text("Met")
    opened = _table(page, "Volume against the previous period")["Opened"]
    assert opened == ["23", "21", "+2"]

    # incidents per severity: resolved, to acknowledge, to resolve, target, within it (the
    # incident still open is not counted)
    assert _table(page, "Incidents resolved in the period, by severity") == {
        "Sev 1 (critical)": ["2", "4.0 min", "95.0 min", "60 min", "50.0 %"],
        "Sev 2 (major)": ["1", "12.0 min", "200.0 min", "240 min", "100.0 %"],
        "Sev 3 (minor)": ["1", "–", "1500.0 min", "1440 min", "0.0 %"],
        "Sev 4 (low)": ["0", "–", "–", "4320 min", "–"],
    }

    # the service contracts of the 12 months to 30 November
    money = _money(list(contracts.values()))
    assert _table(page, "Service contracts") == {
        "Revenue, 12 months to 30 Nov 2026": [_dollars(money["revenue"])],
        "Customers under contract": ["3"],
        "Revenue per customer a year": [_dollars(money["per_customer"])],
        "Plan churn (12 months)": ["50.0 %"],
        "Expected customer lifetime": ["2.0 years"],  # half the contracts lost a year
        "Customer lifetime value": [_dollars(money["per_customer"] * 2)],
    }

    # the request types week by week: five lines and the rest, each with its own dash
    chart = page.get_by_role("figure", name=re.compile("Tickets opened per week, by request"))
    expect(chart.locator(".rp-key")).to_have_text(
        ["Camera or microphone", "Visit link", "Device fault", "Billing question",
         "Password reset", "Others"]
    )  # fmt: skip
    dashes = [
        next(c for c in line.get_attribute("class").split() if c not in ("rp-line",)
             and not re.fullmatch(r"rp-s\d", c))
        for line in chart.locator("polyline.rp-line").all()
    ]  # fmt: skip
    assert len(dashes) == 6 and len(set(dashes)) == 6, dashes
    keys = chart.locator(".rp-key line")
    assert [k.get_attribute("class").split()[1] for k in keys.all()] == dashes  # as drawn
    chart.get_by_text("Table of the figures").click()
    expect(chart.get_by_role("row", name=re.compile("^2 Nov 2026 "))).to_be_visible()
    rows = chart.locator("tbody tr")
    expect(rows).to_have_count(6)  # 26 Oct (1 Nov only) to 30 Nov (that day only)
    assert _week(chart, "2 Nov 2026") == {
        "Camera or microphone": "3", "Visit link": "2", "Device fault": "1",
        "Billing question": "1", "Password reset": "0", "Others": "0",
    }  # fmt: skip
    assert _week(chart, "16 Nov 2026") == {
        "Camera or microphone": "1", "Visit link": "1", "Device fault": "1",
        "Billing question": "1", "Password reset": "0", "Others": "1",  # a refill
    }  # fmt: skip

    # the repairs
    assert _table(page, "Repairs in the period") == {
        "RMAs opened": ["2"],
        "under warranty / paid": ["1 / 1"],
        "Shipped back (returned to service)": ["1"],
        "Repair cost per unit": ["$87.50"],  # the battery 42.50 and 30 minutes at 90.00
        "Most frequent failure mode": ["Battery or charging (50.0 %)"],  # a tie: alphabetical
        "Spare parts below their floor today": ["1 of 1"],  # the only battery was fitted
    }
    screen.check("executive summary")
    screen.shoot("reports-executive")

    # the last 7 days (24 to 30 November) from the keyboard
    filters = page.get_by_role("form", name="Summary filters")
    choose_and_show(page, filters, "Period", "Last 7", "Last 7 days")
    expect(page.locator(".lead")).to_contain_text("The whole desk, 24 Nov 2026 to 30 Nov 2026")
    expect(volume.locator(".rp-kpi-value")).to_have_text("-20.0 %")  # 4 against 5
    expect(volume.locator(".rp-band")).to_contain_text("Missed")
    expect(sev1.locator(".rp-kpi-value")).to_have_text("40.0 min")
    expect(sev1.locator(".rp-band")).to_contain_text("Met")
    expect(sev1.get_by_text("Before:")).to_have_text("Before: –")
    expect(returned.locator(".rp-band")).to_contain_text("No data")
    incidents = _table(page, "Incidents resolved in the period, by severity")
    assert incidents["Sev 1 (critical)"] == ["1", "2.0 min", "40.0 min", "60 min", "100.0 %"]
    assert incidents["Sev 2 (major)"] == ["0", "–", "–", "240 min", "–"]  # one open
    chart.get_by_text("Table of the figures").click()
    expect(rows).to_have_count(2)
    week = _week(chart, "23 Nov 2026")
    assert {k: v for k, v in week.items() if v != "0"} == {
        "Camera or microphone": "1", "Visit link": "1", "Accessibility request": "1",
    }  # fmt: skip
    assert _week(chart, "30 Nov 2026")["Password reset"] == "1"
    repairs = _table(page, "Repairs in the period")
    assert repairs["RMAs opened"] == ["0"]
    assert repairs["Repair cost per unit"] == ["–"]
    assert "Most frequent failure mode" not in repairs

    # one organization over the month: its contract only, and its own repairs
    filters.get_by_label("Period").select_option(label="Last 30 days")
    choose_and_show(page, filters, "Organization", "Quillon", "Quillon Eye Centre")
    expect(page.locator(".lead")).to_contain_text("Quillon Eye Centre, 1 Nov 2026 to 30 Nov 2026")
    alone = _money([contracts["quillon"]])
    assert alone["revenue"] == Decimal("147.00")  # 294.00 over two years
    assert _table(page, "Service contracts") == {
        "Revenue, 12 months to 30 Nov 2026": ["$147.00"],
        "Customers under contract": ["1"],
        "Revenue per customer a year": ["$147.00"],
        "Plan churn (12 months)": ["0.0 %"],
        "Expected customer lifetime": ["–"],
        "Customer lifetime value": ["–"],
    }
    expect(page.get_by_text("No contract was lost in the 12 months")).to_be_visible()
    expect(chart.locator(".rp-legend")).not_to_contain_text("Camera or microphone")
    assert _table(page, "Repairs in the period")["under warranty / paid"] == ["0 / 1"]  # B
    sev1_rows = _table(page, "Incidents resolved in the period, by severity")["Sev 1 (critical)"]
    assert sev1_rows[0] == "2"  # the whole service's, whichever organization
    screen.check("executive summary of one organization")
    screen.shoot("reports-executive-organization")


def test_an_agent_may_not_open_the_executive_summary(open_screen, clock):
    clock.set(_at(30, 12))
    agent = AgentFactory(name="Teodor Blakesley", email="teodor.blakesley@caredesk.example")
    screen = open_screen()
    page = screen.page
    screen.login(agent.email, PASSWORD)
    screen.goto("/agent/reports/")
    expect(page.get_by_role("heading", name="My figures", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Executive summary")).to_have_count(0)
    screen.allow("403")  # the refusal below is the answer we want
    response = screen.goto("/agent/reports/executive/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You can't open this page")
    expect(page.get_by_text("Customer lifetime value")).to_have_count(0)
    screen.check("executive summary refused")
