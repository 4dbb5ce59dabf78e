"""Service plans and contracts: shipped plans, price and volume discount, money-back refund,
cancellation, the entitlement an asset reads from its contract, rules facts, renewals with a
moving clock, and a device plan choosing the SLA policy."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from caredesk.accounts.models import ContactKind
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.models import OutboxItem
from caredesk.devices.models import (
    ChurnReason,
    Contract,
    ContractEvent,
    ContractStatus,
    Coverage,
    ServicePlan,
)
from caredesk.devices.plan_defaults import install_plans
from caredesk.devices.plans import (
    NewContract,
    contract_cancel,
    contract_create,
    contract_decline,
    renewals_sweep,
)
from caredesk.devices.pure import contract_price, refund_due, term_end
from caredesk.devices.selectors import card_for_serial, entitlement_of, facts_for_serial
from caredesk.sla.defaults import SHIPPED_NAMES
from caredesk.sla.models import SlaClock
from caredesk.tickets.models import Message, MessageKind, Ticket
from tests.api.conftest import ApiClient
from tests.devices.conftest import make_asset
from tests.factories import AgentFactory, ContactFactory, OrganizationFactory, supervisor

pytestmark = pytest.mark.django_db


def plan(name: str) -> ServicePlan:
    install_plans(ServicePlan)  # no-op: the migration shipped them
    return ServicePlan.objects.get(name=name)


@pytest.fixture
def org():
    return OrganizationFactory(name="Kestrel Rehab", account_manager=AgentFactory(name="Ada AM"))


def units(model, org, n, prefix="KR"):
    return [make_asset(model, f"{prefix}-{i:03d}", organization=org) for i in range(n)]


def new(org, assets, name="Standard", **kw):
    kw.setdefault("starts_on", date(2026, 11, 2))
    return NewContract(organization=org, plan=plan(name), assets=assets, **kw)


# -- shipped plans and arithmetic ------------------------------------------------------------


def test_a_fresh_install_ships_basic_standard_and_premium():
    got = {p.name: p for p in ServicePlan.objects.all()}
    assert {n: got[n].price_per_unit_year for n in ("Basic", "Standard", "Premium")} == {
        "Basic": Decimal("49.00"),
        "Standard": Decimal("149.00"),
        "Premium": Decimal("399.00"),
    }
    premium = got["Premium"]
    assert (premium.loaner, premium.replacement_hours, premium.sla_tier) == (True, 48, "premium")
    assert "phone_24_7" in premium.channels


def test_more_than_five_units_take_ten_per_cent_off():
    start, end = date(2026, 1, 1), term_end(date(2026, 1, 1))
    assert end == date(2026, 12, 31)
    five = contract_price(Decimal("149"), 5, start, end)
    assert (five.list_price, five.discount_percent, five.total) == (
        Decimal("745.00"),
        Decimal("0"),
        Decimal("745.00"),
    )
    six = contract_price(Decimal("149"), 6, start, end)
    assert (six.list_price, six.discount_percent, six.total) == (
        Decimal("894.00"),
        Decimal("10"),
        Decimal("804.60"),
    )
    half = contract_price(Decimal("399"), 1, start, term_end(start, 6))
    assert half.total == Decimal("199.50")


def test_refund_in_full_within_thirty_days_then_the_unused_share():
    start, end, total = date(2026, 1, 1), date(2026, 12, 31), Decimal("365.00")
    assert refund_due(total, start, end, date(2026, 1, 30)) == total  # day 30
    assert refund_due(total, start, end, date(2026, 1, 31)) == Decimal("334.00")  # 334 days left
    assert refund_due(total, start, end, date(2026, 12, 31)) == Decimal("0.00")


# -- contracts --------------------------------------------------------------------------------


def test_a_contract_for_six_units_is_discounted_and_recorded(clock, catalogue, org):
    lead = supervisor()
    contract = contract_create(
        data=new(org, units(catalogue["PX-200"], org, 6), auto_renew=True), actor=lead
    )
    assert contract.reference == f"SC-2026-{contract.pk:05d}"
    assert (contract.units, contract.discount_percent, contract.total) == (
        6,
        Decimal("10"),
        Decimal("804.60"),
    )
    assert contract.ends_on == date(2027, 11, 1)
    event = ContractEvent.objects.get(contract=contract)
    assert (event.kind, event.actor, event.data["units"]) == ("created", lead, 6)


def test_refused_contracts_name_their_fields(clock, catalogue, org):
    other = OrganizationFactory()
    theirs = make_asset(catalogue["PX-200"], "OT-1", organization=other)
    with pytest.raises(ValidationFailed) as refused:
        contract_create(data=new(org, [theirs], months=0), actor=None)
    assert set(refused.value.errors) == {"assets", "months"}
    with pytest.raises(ValidationFailed) as refused:
        contract_create(data=new(org, [], coverage=Coverage.MODELS), actor=None)
    assert set(refused.value.errors) == {"product_models"}
    assert not Contract.objects.exists()


def test_the_asset_card_shows_the_plan_and_what_it_entitles(clock, catalogue, org):
    [unit] = units(catalogue["PX-200"], org, 1)
    before = entitlement_of(unit)
    assert before.plan == "" and before.response_minutes is None
    contract = contract_create(data=new(org, [unit], name="Premium"), actor=None)
    ent = entitlement_of(unit)
    assert (ent.plan, ent.contract, ent.loaner, ent.replacement_hours, ent.response_minutes) == (
        "Premium",
        contract.reference,
        True,
        48,
        60,
    )
    assert "Phone 24/7" in ent.channels and ent.free_repair
    facts = facts_for_serial("KR-000", clock.current.date())
    assert facts["asset.plan"] == "Premium" and facts["asset.loaner"] is True
    assert facts["asset.replacement_hours"] == 48
    assert facts_for_serial("NOPE-1", clock.current.date())["asset.plan"] == ""
    assert card_for_serial("NOPE-1").unknown  # an unknown serial is said so


def test_all_units_of_a_model_are_covered_those_registered_later_too(clock, catalogue, org):
    units(catalogue["PX-200"], org, 2)
    contract_create(
        data=new(
            org, [], coverage=Coverage.MODELS, product_models=[catalogue["PX-200"]], name="Basic"
        ),
        actor=None,
    )
    later = make_asset(catalogue["PX-200"], "KR-LATE", organization=org)
    pads = make_asset(catalogue["GEL-10"], "KR-PAD", organization=org)
    assert entitlement_of(later).plan == "Basic"
    assert entitlement_of(pads).plan == ""


def test_the_card_costs_the_same_for_one_unit_or_five(
    clock, catalogue, org, django_assert_max_num_queries
):
    # five models share one serial: the card lists them all with their contracts
    for i in range(5):
        model = type(catalogue["PX-200"]).objects.create(
            name=f"M{i}", sku=f"M-{i}", product_class=catalogue["PX-200"].product_class
        )
        unit = make_asset(model, "SAME-1", organization=org)
        contract_create(data=new(org, [unit]), actor=None)
    with django_assert_max_num_queries(3):
        card = card_for_serial("SAME-1")
    assert len(card.found) == 5 and all(e.plan == "Standard" for _a, e in card.found)
    with django_assert_max_num_queries(3):
        card_for_serial("KR-NONE")


def test_cancelling_within_thirty_days_refunds_everything(clock, catalogue, org):
    contract = contract_create(data=new(org, units(catalogue["PX-200"], org, 6)), actor=None)
    lead = supervisor()
    clock.advance(days=20)
    with pytest.raises(ValidationFailed) as refused:
        contract_cancel(contract=contract, reason="", actor=lead)
    assert "reason" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        contract_cancel(contract=contract, reason=ChurnReason.OTHER, note=" ", actor=lead)
    assert "note" in refused.value.errors
    done = contract_cancel(contract=contract, reason=ChurnReason.PRICE, actor=lead)
    assert done.in_money_back and done.refund == contract.total == Decimal("804.60")
    contract.refresh_from_db()
    assert (contract.status, contract.churn_reason) == (ContractStatus.CANCELLED, "price")
    assert entitlement_of(contract.assets.first()).plan == ""  # no longer covered
    with pytest.raises(Conflict):
        contract_cancel(contract=contract, reason=ChurnReason.PRICE, actor=lead)
    event = contract.events.filter(kind="cancelled").get()
    assert event.actor == lead and event.data["refund"] == "804.60"


def test_cancelling_after_thirty_days_refunds_the_unused_share(clock, catalogue, org):
    contract = contract_create(data=new(org, units(catalogue["PX-200"], org, 1)), actor=None)
    clock.advance(days=100)  # 2027-02-10: 264 of 365 days left
    done = contract_cancel(contract=contract, reason=ChurnReason.BUDGET, actor=None)
    assert not done.in_money_back
    assert done.refund == (Decimal("149.00") * 264 / 365).quantize(Decimal("0.01"), "ROUND_DOWN")


# -- renewals with a moving clock -------------------------------------------------------------


def _world_for_renewal(catalogue, org, *, auto_renew, prefix="KR"):
    admin = ContactFactory(
        organization=org, kind=ContactKind.CLIENT_ADMIN, email=f"office@{prefix.lower()}.example"
    )
    contract = contract_create(
        data=new(org, units(catalogue["PX-200"], org, 2, prefix), auto_renew=auto_renew),
        actor=None,
    )
    return admin, contract


def test_outreach_starts_sixty_days_before_the_end_once(clock, catalogue, org):
    admin, contract = _world_for_renewal(catalogue, org, auto_renew=False)
    clock.set(datetime(2027, 9, 1, 9, tzinfo=UTC))  # 61 days before 2027-11-01
    assert renewals_sweep().outreach == 0
    clock.advance(days=1)
    OutboxItem.objects.all().delete()
    assert renewals_sweep().outreach == 1
    contract.refresh_from_db()
    ticket = Ticket.objects.get(pk=contract.outreach_ticket_id)
    assert ticket.assignee == org.account_manager and ticket.requester == admin
    assert ticket.organization == org and "renewal" in ticket.subject.lower()
    kinds = list(ticket.messages.order_by("id").values_list("kind", flat=True))
    assert kinds == [MessageKind.INTERNAL, MessageKind.PUBLIC]
    to_client = [i for i in OutboxItem.objects.all() if i.payload["to"] == [admin.email]]
    assert len(to_client) == 1 and contract.reference in to_client[0].payload["subject"]
    # once only: later sweeps leave it alone
    clock.advance(days=3)
    assert renewals_sweep().outreach == 0
    assert Ticket.objects.filter(subject__icontains="renewal").count() == 1
    assert contract.events.filter(kind="outreach").count() == 1


def test_auto_renewal_starts_a_new_period_at_the_end(clock, catalogue, org):
    _admin, contract = _world_for_renewal(catalogue, org, auto_renew=True)
    clock.set(datetime(2027, 11, 1, 12, tzinfo=UTC))  # the last day: still covered
    result = renewals_sweep()
    assert (result.renewed, result.lapsed) == (0, 0)
    clock.advance(days=1)
    result = renewals_sweep()
    assert result.renewed == 1
    contract.refresh_from_db()
    successor = contract.renewed_by
    assert contract.status == ContractStatus.RENEWED
    assert (successor.starts_on, successor.ends_on, successor.units) == (
        date(2027, 11, 2),
        date(2028, 11, 1),
        2,
    )
    assert successor.auto_renew and successor.status == ContractStatus.ACTIVE
    assert entitlement_of(contract.assets.first()).contract == successor.reference


def test_without_auto_renewal_it_lapses_and_the_churn_reason_is_kept(clock, catalogue, org):
    _admin, contract = _world_for_renewal(catalogue, org, auto_renew=False)
    clock.set(datetime(2027, 11, 2, 12, tzinfo=UTC))
    assert renewals_sweep().lapsed == 1
    contract.refresh_from_db()
    assert (contract.status, contract.churn_reason) == (ContractStatus.LAPSED, "no_answer")
    assert entitlement_of(contract.assets.first()).plan == ""

    # a client who said why keeps that reason, and an auto-renewing contract then lapses too
    _admin2, other = _world_for_renewal(
        catalogue, OrganizationFactory(), auto_renew=True, prefix="OT"
    )
    contract_decline(
        contract=other, reason=ChurnReason.COMPETITOR, note="Chose a rival", actor=None
    )
    clock.advance(days=1)
    renewals_sweep()
    other.refresh_from_db()
    assert (other.status, other.churn_reason, other.auto_renew) == (
        ContractStatus.LAPSED,
        "competitor",
        False,
    )


# -- the SLA policy follows the device's plan --------------------------------------------------


def test_a_ticket_naming_a_premium_unit_gets_premium_targets(clock, catalogue, org):
    from tests.factories import requester_with_login

    requester = requester_with_login(organization=org)
    premium_unit = make_asset(catalogue["PX-200"], "PREM-1", organization=org)
    make_asset(catalogue["PX-200"], "PLAIN-1", organization=org)
    contract_create(data=new(org, [premium_unit], name="Premium"), actor=None)
    agent = ApiClient(supervisor())

    def open_naming(serial):
        body = {
            "subject": "Pump alarm",
            "body": "Alarm E4",
            "requester_id": requester.pk,
            "priority": 3,
            "fields": {"device_serial": serial},
        }
        response = agent.post("/tickets", body)
        assert response.status_code == 201, response.content
        return SlaClock.objects.select_related("policy", "calendar").get(
            ticket_id=response.json()["id"], metric="first_response"
        )

    premium = open_naming("PREM-1")
    assert premium.policy.name == SHIPPED_NAMES[0]  # Premium: around the clock
    assert premium.calendar.always_open
    plain = open_naming("PLAIN-1")  # the organization is on Standard
    assert plain.policy.name == SHIPPED_NAMES[2] and not plain.calendar.always_open
    assert Message.objects.count() == 2


def test_open_tickets_follow_a_contract_made_or_cancelled_while_they_wait(clock, catalogue, org):
    # Given an open ticket naming a unit not under contract, on the organization's Standard
    from tests.factories import make_ticket, requester_with_login

    requester = requester_with_login(organization=org)
    unit = make_asset(catalogue["PX-200"], "WAIT-1", organization=org)
    ticket = make_ticket(requester, structured={"device_serial": "WAIT-1"})

    def policy():
        return (
            SlaClock.objects.select_related("policy")
            .get(ticket=ticket, metric="first_response")
            .policy.name
        )

    assert policy() == SHIPPED_NAMES[2]
    # When a Premium contract covering the unit is made, the waiting ticket moves to Premium
    contract = contract_create(data=new(org, [unit], name="Premium"), actor=None)
    assert policy() == SHIPPED_NAMES[0]
    # and when it is cancelled, back to the organization's policy
    contract_cancel(contract=contract, reason="budget", actor=None)
    assert policy() == SHIPPED_NAMES[2]


def test_a_unit_in_active_clinical_use_is_on_the_around_the_clock_path(clock, catalogue, org):
    # Given a unit in active clinical use and one that is not, neither under a contract, at an
    # organization on Standard
    from tests.factories import requester_with_login

    requester = requester_with_login(organization=org)
    make_asset(catalogue["PX-200"], "ICU-1", organization=org, in_clinical_use=True)
    make_asset(catalogue["PX-200"], "SHELF-1", organization=org)
    agent = ApiClient(supervisor())

    def first_response(serial):
        body = {
            "subject": "Monitor report export",
            "body": "The weekly export has last month's dates on it.",
            "requester_id": requester.pk,
            "priority": 3,
            "fields": {"device_serial": serial},
        }
        response = agent.post("/tickets", body)
        assert response.status_code == 201, response.content
        return SlaClock.objects.select_related("policy", "calendar").get(
            ticket_id=response.json()["id"], metric="first_response"
        )

    # Then the ticket naming the unit in clinical use counts on the 24/7 calendar
    in_use = first_response("ICU-1")
    assert in_use.policy.name == SHIPPED_NAMES[0] and in_use.calendar.always_open
    # and the other keeps the organization's business hours
    shelf = first_response("SHELF-1")
    assert shelf.policy.name == SHIPPED_NAMES[2] and not shelf.calendar.always_open


def test_the_demo_has_contracts_a_renewal_under_way_and_a_lapse(clock):
    from caredesk.demo import demo_load

    demo_load(tickets=20)
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert statuses >= {ContractStatus.ACTIVE, ContractStatus.LAPSED}
    assert Contract.objects.filter(outreach_ticket_id__isnull=False).exists()
    assert Contract.objects.filter(plan__name="Premium").exists()
