"""The executive's figures: request types week by week, incidents per severity, the service
contracts' revenue and customer lifetime value, and the page that shows them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.incidents.services import incident_acknowledge, incident_declare, incident_resolve
from caredesk.reports import charts, executive, pure, rollup
from caredesk.reports.selectors import Filters, weekly
from tests.devices.conftest import catalogue  # noqa: F401 - the fixture
from tests.factories import (
    AgentFactory,
    OrganizationFactory,
    RequestTypeFactory,
    make_ticket,
    signed_in,
    supervisor,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, 10, tzinfo=UTC)


def test_request_types_week_by_week_with_the_rest_as_others(clock: Any) -> None:
    clock.set(MONDAY)
    camera, billing, login = (RequestTypeFactory(name=n) for n in ("Camera", "Billing", "Login"))
    opened = {  # week -> request type -> tickets opened
        0: {camera: 3, billing: 1},
        1: {camera: 1, login: 1},
        2: {billing: 2, login: 1},
    }
    for week, counts in opened.items():
        clock.set(MONDAY + timedelta(weeks=week, days=2))
        for kind, n in counts.items():
            for _ in range(n):
                make_ticket(category=kind)
    rollup.advance()
    # from the Wednesday of the first week to the Monday of the third: partial weeks at each end
    found = weekly(Filters(start=date(2026, 11, 4), end=date(2026, 11, 18)), top=2)
    assert found.weeks == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert found.series == [("Camera", [3, 1, 0]), ("Billing", [1, 0, 2]), ("Others", [0, 1, 1])]
    chart = charts.weekly_chart("Opened", found.weeks, found.series)
    assert [line.style for line in chart.lines] == ["solid", "dashed", "dotted"]
    assert chart.step == "Week of" and "3 weeks" in chart.summary
    assert chart.rows[0] == (date(2026, 11, 2), [3, 1, 0])


def test_six_weekly_lines_each_have_their_own_dash_pattern() -> None:
    """Five request types and "Others": the sixth line must not repeat the first's pattern,
    or the two are told apart by colour alone."""
    weeks = [date(2026, 11, 2), date(2026, 11, 9)]
    series = [(f"Kind {i}", [i, i + 1]) for i in range(5)] + [("Others", [1, 1])]
    chart = charts.weekly_chart("Opened", weeks, series)
    styles = [line.style for line in chart.lines]
    assert len(styles) == 6 and len(set(styles)) == 6, styles


def test_incidents_per_severity_against_their_targets(clock: Any) -> None:
    admin = supervisor()
    clock.set(MONDAY)
    times = [(1, 3, 50), (1, 7, 80), (2, None, 200)]  # severity, acknowledged, resolved (min)
    for severity, ack, fixed in times:
        start = clock()
        incident = incident_declare(title="Video outage", severity=severity, actor=admin)
        if ack is not None:
            incident_acknowledge(incident=incident, user=admin, at=start + timedelta(minutes=ack))
        clock.set(start + timedelta(minutes=fixed))
        incident_resolve(incident=incident, actor=admin)
        clock.set(start + timedelta(days=1))
    open_one = incident_declare(title="Still down", severity=1, actor=admin)
    assert open_one.resolved_at is None
    rows = executive.incidents(MONDAY, MONDAY + timedelta(days=7))
    sev1, sev2, sev3, _sev4 = rows
    assert (sev1.resolved, sev1.within, sev1.target_minutes) == (2, 1, 60)  # shipped target
    assert sev1.mtta == pytest.approx(5) and sev1.mttr == pytest.approx(65)
    assert (sev2.resolved, sev2.mtta, sev2.mttr) == (1, None, pytest.approx(200))
    assert sev3.resolved == 0 and sev3.within_share is None
    assert (
        executive.incidents(MONDAY + timedelta(days=7), MONDAY + timedelta(days=14))[0].resolved
        == 0
    )


def test_revenue_churn_and_customer_lifetime_value(clock: Any, catalogue: Any) -> None:  # noqa: F811
    from caredesk.devices.plans import contract_cancel, contract_create
    from tests.devices.test_plans import new, units

    clock.set(datetime(2025, 10, 1, 9, tzinfo=UTC))
    org, other = OrganizationFactory(name="Harbour Clinic"), OrganizationFactory(name="Elm Care")
    kept = contract_create(
        data=new(org, units(catalogue["PX-200"], org, 2, "K"), starts_on=date(2025, 10, 1)),
        actor=None,
    )
    lost = contract_create(
        data=new(other, units(catalogue["PX-200"], other, 1, "L"), starts_on=date(2025, 10, 1)),
        actor=None,
    )
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    cancelled = contract_cancel(contract=lost, reason="price", actor=None, on=date(2026, 3, 1))
    lost.refresh_from_db()
    assert kept.ends_on == date(2026, 9, 30) and lost.refund == cancelled.contract.refund
    # the 12 months to 30 Nov 2026 are 1 Dec 2025 to 30 Nov 2026
    found = executive.money(Filters(start=date(2026, 11, 1), end=date(2026, 11, 30)), churn=50.0)
    kept_share = kept.total * 304 / 365  # 1 Dec 2025 - 30 Sep 2026
    lost_share = (lost.total - lost.refund) * 91 / 152  # 1 Dec 2025 - 1 Mar 2026 of 1 Oct - 1 Mar
    assert found.revenue == (kept_share + lost_share).quantize(Decimal("0.01"))
    assert found.customers == 2
    # under contract 304 + 91 days of the 365: revenue per customer a year counts those
    assert found.per_customer == (found.revenue * 365 / (304 + 91)).quantize(Decimal("0.01"))
    assert found.lifetime_years == pytest.approx(2)  # half the contracts lost a year
    assert found.lifetime_value == found.per_customer * 2
    one = executive.money(
        Filters(start=date(2026, 11, 1), end=date(2026, 11, 30), organization=org.pk), churn=0.0
    )
    assert one.customers == 1 and one.lifetime_value is None  # nothing lost: no lifetime
    assert pure.lifetime_value(1200.0, 8.0) == pytest.approx(15000)


def test_days_under_contract_are_counted_once_however_many_contracts() -> None:
    year = (date(2025, 12, 1), date(2026, 11, 30))
    overlapping = [(date(2025, 6, 1), date(2026, 2, 28)), (date(2026, 1, 1), date(2026, 3, 31))]
    assert executive._days_covered(overlapping, *year) == 121  # 1 Dec to 31 Mar
    apart = [(date(2026, 5, 1), date(2026, 5, 10)), (date(2025, 12, 1), date(2025, 12, 1))]
    assert executive._days_covered(apart, *year) == 11
    assert executive._days_covered([(date(2025, 1, 1), date(2027, 1, 1))], *year) == 365


def test_the_lifetime_note_tells_why_no_lifetime_is_shown(clock: Any, catalogue: Any) -> None:  # noqa: F811
    """The note says no contract was lost only when churn was measured and is nil: a support
    plan's churn is not measured, and a customer whose contracts all started within the 12
    months had none to lose."""
    from caredesk.devices.plans import contract_create
    from tests.devices.test_plans import new, units

    clock.set(datetime(2025, 10, 1, 9, tzinfo=UTC))
    held = OrganizationFactory(name="Harbour Clinic", plan="standard")
    data = new(held, units(catalogue["PX-200"], held, 1, "H"), starts_on=date(2025, 10, 1))
    contract_create(data=data, actor=None)
    clock.set(datetime(2026, 2, 1, 9, tzinfo=UTC))
    late = OrganizationFactory(name="Elm Care", plan="standard")
    data = new(late, units(catalogue["PX-200"], late, 1, "E"), starts_on=date(2026, 2, 1))
    contract_create(data=data, actor=None)
    clock.set(datetime(2026, 11, 30, 12, tzinfo=UTC))
    period = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}

    def notes(**filters: Any) -> list[str]:
        return executive.executive(Filters(**period, **filters)).notes

    lost = "No contract was lost in the 12 months: a lifetime cannot be measured yet."
    assert notes(organization=held.pk) == [lost]  # held on 1 Dec 2025, still held
    assert notes() == [lost]
    (plan,) = notes(plan="standard")
    assert "not measured for a support plan" in plan
    (started,) = notes(organization=late.pk)
    assert "no contract to lose" in started


def _kpi(html: str, label: str) -> str:
    found = re.search(rf"{label}</p>\s*<p class=\"rp-kpi-value\">(?:<a [^>]*>)?([^<]+)<", html)
    assert found, label
    return found.group(1).strip()


def test_the_executive_page_shows_the_business_around_the_desk(clock: Any) -> None:
    lead = supervisor()
    clock.set(MONDAY)
    camera = RequestTypeFactory(name="Camera")
    for _ in range(11):
        make_ticket(category=camera)
    clock.set(MONDAY + timedelta(days=30))
    for _ in range(10):
        make_ticket(category=camera)
    start = clock()
    incident = incident_declare(title="Video outage", severity=1, actor=lead)
    clock.set(start + timedelta(minutes=45))
    incident_resolve(incident=incident, actor=lead)
    rollup.advance()
    client = signed_in(lead)
    response = client.get("/agent/reports/executive/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Executive summary" in html
    assert _kpi(html, "Time to resolve a Sev 1 incident") == "45.0 min"
    assert _kpi(html, "Volume against the period before") == "-9.1 %"  # 10 against 11
    assert "Tickets opened per week, by request type" in html
    escalations = html[html.index("Escalations per week, by level") :]
    assert escalations.index("Nothing counted in this period.") < escalations.index("</figure>")
    assert re.search(r"Sev 1 \(critical\)</th><td class=\"num\">1<", html)
    assert "Customer lifetime value" in html
    ids = re.findall(r'\bid="([^"]+)"', html)  # the desk's sidebar has its own "Incidents"
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    few = _statements(lead)
    for i in range(5):  # more incidents and request types: the same statements
        clock.set(start + timedelta(hours=i + 1))
        make_ticket(category=RequestTypeFactory(name=f"Kind {i}"))
        incident_resolve(
            incident=incident_declare(title=f"Outage {i}", severity=2, actor=lead), actor=lead
        )
    rollup.advance()
    assert _statements(lead) == few


def _statements(user: Any) -> list[str]:
    client = signed_in(user)
    client.get("/agent/reports/executive/")
    with CaptureQueriesContext(connection) as seen:
        assert client.get("/agent/reports/executive/").status_code == 200
    return [q["sql"].split(" FROM ")[1][:40] if " FROM " in q["sql"] else q["sql"][:40]
            for q in seen.captured_queries]  # fmt: skip


def test_only_those_who_see_the_whole_desk_open_the_executive_page(clock: Any) -> None:
    clock.set(MONDAY)
    assert signed_in(AgentFactory()).get("/agent/reports/executive/").status_code == 403
    assert signed_in(supervisor()).get("/agent/reports/executive/").status_code == 200
