"""Writes: service plans, contracts (made, changed, cancelled with their refund, renewed or
lapsed) and the renewal sweep. Every change of a contract is a `ContractEvent` naming who made
it (None: the desk itself, e.g. the sweep), written in the change's transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from caredesk.accounts.models import Contact, ContactKind, Organization, User
from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.notify import notify
from caredesk.devices.models import (
    Asset,
    ChurnReason,
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractStatus,
    Coverage,
    PlanChannel,
    ProductModel,
    ServicePlan,
)
from caredesk.devices.pure import (
    OUTREACH_DAYS,
    contract_price,
    money_back_until,
    refund_due,
    term_end,
    term_months,
)
from caredesk.devices.selectors import today
from caredesk.tickets.models import Channel, MessageKind, Priority, Ticket
from caredesk.tickets.services import Body, NewTicket, message_add, ticket_open
from caredesk.tickets.services.clocks import clocks_sync_many
from caredesk.tickets.services.events import record

log = logging.getLogger(__name__)
MAX_UNITS = 10_000
MAX_MONTHS = 60
SWEEP_BATCH = 200


def _event(contract: Contract, kind: str, actor: Any, **data: Any) -> ContractEvent:
    return ContractEvent.objects.create(
        contract=contract,
        kind=kind,
        data=data,
        actor=actor if isinstance(actor, User) else None,
        created_at=clock.now(),
    )


# -- plans ---------------------------------------------------------------------------------------


def plan_save(*, plan: ServicePlan) -> ServicePlan:
    """Store a plan after its checks (name unique, known channels, sensible numbers)."""
    errors: dict[str, list[str]] = {}
    name = (plan.name or "").strip()
    if not name:
        errors["name"] = ["Give the plan a name."]
    elif ServicePlan.objects.filter(name__iexact=name).exclude(pk=plan.pk).exists():
        errors["name"] = ["Another plan has this name."]
    unknown = [c for c in plan.channels or [] if c not in PlanChannel.values]
    if unknown:
        errors["channels"] = [f"Unknown channels: {', '.join(map(str, unknown))}."]
    if plan.price_per_unit_year is None or plan.price_per_unit_year < 0:
        errors["price_per_unit_year"] = ["Give a price of 0 or more."]
    if errors:
        raise ValidationFailed("The plan is not valid.", errors=errors)
    plan.name = name
    plan.updated_at = clock.now()
    plan.save()
    return plan


# -- contracts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewContract:
    organization: Organization
    plan: ServicePlan
    starts_on: date
    months: int = 12
    coverage: str = Coverage.UNITS
    assets: Sequence[Asset] = ()
    product_models: Sequence[ProductModel] = ()
    auto_renew: bool = False
    reference: str = ""


def _units_of_models(org_id: int, models: Sequence[ProductModel]) -> int:
    return Asset.objects.filter(organization_id=org_id, product_model__in=models).count()


def _check_units(data: NewContract, errors: dict[str, list[str]]) -> int:
    """The number of units covered now; refusals into `errors`."""
    if data.coverage == Coverage.MODELS:
        if not data.product_models:
            errors["product_models"] = ["Choose the models whose units the contract covers."]
            return 0
        units = _units_of_models(data.organization.pk, data.product_models)
        if not units:
            errors["product_models"] = ["The organization has no unit of these models."]
        return units
    if data.coverage != Coverage.UNITS:
        errors["coverage"] = ["Choose the units listed or all units of some models."]
        return 0
    foreign = [a.serial for a in data.assets if a.organization_id != data.organization.pk]
    if foreign:
        more = " ..." if len(foreign) > 10 else ""
        errors["assets"] = [f"Not the organization's units: {', '.join(foreign[:10])}.{more}"]
    units = len({a.pk for a in data.assets})
    if not units and "assets" not in errors:
        errors["assets"] = ["Choose the units the contract covers."]
    return units


def _check(data: NewContract) -> tuple[date, int]:
    errors: dict[str, list[str]] = {}
    if not data.plan.active:
        errors["plan"] = ["This plan is no longer sold."]
    if not 1 <= data.months <= MAX_MONTHS:
        errors["months"] = [f"Give a term of 1 to {MAX_MONTHS} months."]
    ref = data.reference.strip()
    if len(ref) > 32:
        errors["reference"] = ["At most 32 characters."]
    elif ref and Contract.objects.filter(reference__iexact=ref).exists():
        errors["reference"] = ["Another contract has this reference."]
    units = _check_units(data, errors)
    if units > MAX_UNITS:
        errors["assets"] = [f"At most {MAX_UNITS} units in one contract."]
    if errors:
        raise ValidationFailed("The contract is not valid.", errors=errors)
    return term_end(data.starts_on, data.months), units


def _reference(contract: Contract) -> str:
    return f"SC-{contract.starts_on.year}-{contract.pk:05d}"


@transaction.atomic
def contract_create(
    *, data: NewContract, actor: Any, renewed_from: Contract | None = None
) -> Contract:
    """Make a contract: its units counted now, its price from the plan's current price (10 %
    off above five units), a "made" event."""
    ends_on, units = _check(data)
    price = contract_price(data.plan.price_per_unit_year, units, data.starts_on, ends_on)
    now = clock.now()
    contract = Contract.objects.create(
        reference=data.reference.strip() or f"pending-{now.timestamp()}-{id(data)}"[:32],
        organization=data.organization,
        plan=data.plan,
        starts_on=data.starts_on,
        ends_on=ends_on,
        coverage=data.coverage,
        units=units,
        unit_price=data.plan.price_per_unit_year,
        list_price=price.list_price,
        discount_percent=price.discount_percent,
        total=price.total,
        auto_renew=data.auto_renew,
        renewed_from=renewed_from,
        created_by=actor if isinstance(actor, User) else None,
        created_at=now,
        updated_at=now,
    )
    if not data.reference.strip():
        contract.reference = _reference(contract)
        contract.save(update_fields=["reference"])
    if data.coverage == Coverage.UNITS:
        contract.assets.set(data.assets)
    else:
        contract.product_models.set(data.product_models)
    _event(
        contract,
        ContractEventKind.CREATED,
        actor,
        plan=data.plan.name,
        units=units,
        total=str(price.total),
        discount_percent=str(price.discount_percent),
        renewal_of=renewed_from.reference if renewed_from else "",
    )
    if renewed_from is None:  # a renewal continues the cover: nothing changes for the tickets
        _recheck_tickets(contract)
    return contract


# at most this many open tickets (the most recent) are moved to their new policy at once when a
# contract starts or ends; any other moves the next time it changes
RECHECK_LIMIT = 500


def _recheck_tickets(contract: Contract) -> None:
    """The open tickets naming a unit the contract covers meet another SLA plan from now: their
    clocks are re-planned with the policy that now applies (the caller's transaction)."""
    if contract.coverage == Coverage.UNITS:
        units = contract.assets.all()
    else:
        units = Asset.objects.filter(
            organization_id=contract.organization_id,
            product_model__in=contract.product_models.all(),
        )
    serials = list(units.values_list("serial", flat=True))
    if not serials:
        return
    tickets = list(
        Ticket.objects.filter(is_open=True, device_serial__in=serials)
        .select_related("organization")
        .order_by("-pk")[:RECHECK_LIMIT]
    )
    record(*clocks_sync_many(tickets=tickets, now=clock.now()))


def _locked(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("plan", "organization")
        .get(pk=contract.pk)
    )


@transaction.atomic
def contract_set_auto_renew(*, contract: Contract, auto_renew: bool, actor: Any) -> Contract:
    contract = _locked(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise Conflict("Only an active contract can be changed.")
    if contract.auto_renew != auto_renew:
        contract.auto_renew = auto_renew
        contract.updated_at = clock.now()
        contract.save(update_fields=["auto_renew", "updated_at"])
        _event(contract, ContractEventKind.CHANGED, actor, auto_renew=auto_renew)
    return contract


def _check_reason(reason: str, note: str) -> None:
    errors: dict[str, list[str]] = {}
    if reason not in ChurnReason.values:
        errors["reason"] = ["Choose a reason from the list."]
    if len(note) > 500:
        errors["note"] = ["At most 500 characters."]
    elif reason == ChurnReason.OTHER and not note.strip():
        errors["note"] = ["Say what the other reason is."]
    if errors:
        raise ValidationFailed("The reason is missing.", errors=errors)


@dataclass(frozen=True)
class Cancelled:
    contract: Contract
    refund: Decimal
    in_money_back: bool


@transaction.atomic
def contract_cancel(
    *, contract: Contract, reason: str, note: str = "", actor: Any, on: date | None = None
) -> Cancelled:
    """Cancel now: the units are no longer covered from today. Within the 30-day money-back
    period the whole total is refunded; after it, the unused days' share (pure.refund_due).
    The reason is the churn reason."""
    _check_reason(reason, note)
    contract = _locked(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise Conflict("This contract is not active; there is nothing to cancel.")
    on = on or today()
    day = max(on, contract.starts_on)
    refund = refund_due(contract.total, contract.starts_on, contract.ends_on, day)
    in_window = day <= money_back_until(contract.starts_on)
    contract.status = ContractStatus.CANCELLED
    contract.cancelled_on = on
    contract.refund = refund
    contract.churn_reason = reason
    contract.churn_note = note.strip()
    contract.auto_renew = False
    contract.updated_at = clock.now()
    contract.save()
    _event(
        contract,
        ContractEventKind.CANCELLED,
        actor,
        reason=reason,
        note=contract.churn_note,
        refund=str(refund),
        money_back=in_window,
    )
    _recheck_tickets(contract)
    return Cancelled(contract=contract, refund=refund, in_money_back=in_window)


@transaction.atomic
def contract_decline(*, contract: Contract, reason: str, note: str = "", actor: Any) -> Contract:
    """The client will not renew: no auto-renewal, the churn reason kept; the contract runs to
    its end and then lapses."""
    _check_reason(reason, note)
    contract = _locked(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise Conflict("This contract is not active.")
    contract.auto_renew = False
    contract.churn_reason = reason
    contract.churn_note = note.strip()
    contract.updated_at = clock.now()
    contract.save(update_fields=["auto_renew", "churn_reason", "churn_note", "updated_at"])
    _event(contract, ContractEventKind.DECLINED, actor, reason=reason, note=contract.churn_note)
    return contract


# -- renewals ------------------------------------------------------------------------------------


def _client_contact(org_id: int) -> Contact | None:
    """Whom renewal mail goes to: the organization's client admin with an address, else any
    of its contacts with one."""
    found = Contact.objects.filter(organization_id=org_id).exclude(email="").order_by("id")
    return found.filter(kind=ContactKind.CLIENT_ADMIN).first() or found.first()


def _outreach_texts(contract: Contract, manager: User | None) -> tuple[str, str, str]:
    plan = contract.plan
    ends = f"{contract.ends_on:%-d %B %Y}"
    subject = f"Renewal of service contract {contract.reference} (ends {ends})"
    renewal = (
        "It renews on its own for another term unless you tell us otherwise."
        if contract.auto_renew
        else "It does not renew on its own: tell us whether you wish to renew it."
    )
    letter = (
        f"Hello,\n\nYour {plan.name} service contract {contract.reference} for "
        f"{contract.units} device{'s' if contract.units != 1 else ''} ends on {ends}. "
        f"{renewal}\n\nReply to this message with any question about the renewal"
        f"{f'; {manager.name}, your account manager, will answer' if manager else ''}.\n"
    )
    note = (
        f"Renewal outreach: contract {contract.reference} ({plan.name}, {contract.units} units, "
        f"total {contract.total}) ends on {ends}; auto-renewal "
        f"{'on' if contract.auto_renew else 'off'}. Call the client, and record on the contract "
        "whether they renew (or why not)."
    )
    return subject, letter, note


def _outreach(contract: Contract, now: Any) -> None:
    """Open the account manager's renewal ticket, mail the client on it; once (the caller
    claimed the contract)."""
    org = contract.organization
    manager = org.account_manager if org.account_manager_id else None
    if manager is not None and not manager.is_active:
        manager = None
    subject, letter, note = _outreach_texts(contract, manager)
    contact = _client_contact(org.pk)
    ticket_id = None
    if contact is not None:
        ticket = ticket_open(
            data=NewTicket(
                requester=contact,
                subject=subject,
                channel=Channel.API,
                priority=Priority.LEVEL4,
                organization=org,
                assignee=manager,
                tags=("renewal",),
            ),
            actor=None,
        )
        message_add(ticket=ticket, kind=MessageKind.INTERNAL, body=Body(text=note), actor=None)
        message_add(ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text=letter), actor=None)
        ticket_id = ticket.pk
    elif manager is not None:
        notify(users=[manager], text=f"{note} (The client has no contact with an address.)")
    contract.outreach_ticket_id = ticket_id
    contract.save(update_fields=["outreach_ticket_id"])
    _event(
        contract,
        ContractEventKind.OUTREACH,
        None,
        ticket=ticket_id,
        mailed=contact.email if contact else "",
        account_manager=manager.name if manager else "",
    )


def _end(contract: Contract) -> Contract | None:
    """A contract past its last day: renewed for another term of the same length when it says
    so, else lapsed with its churn reason (no answer to the outreach when none was given)."""
    if contract.auto_renew and contract.plan.active:
        months = term_months(contract.starts_on, contract.ends_on)
        if contract.coverage == Coverage.UNITS:
            units = list(contract.assets.filter(organization_id=contract.organization_id))
            models: list[ProductModel] = []
        else:
            units, models = [], list(contract.product_models.all())
        data = NewContract(
            organization=contract.organization,
            plan=contract.plan,
            starts_on=contract.ends_on + timedelta(days=1),
            months=months,
            coverage=contract.coverage,
            assets=units,
            product_models=models,
            auto_renew=True,
        )
        try:
            with transaction.atomic():
                successor = contract_create(data=data, actor=None, renewed_from=contract)
        except ValidationFailed as exc:  # no units left to cover: it lapses
            log.info("contract %s not renewed: %s", contract.reference, exc.errors)
        else:
            contract.status = ContractStatus.RENEWED
            contract.updated_at = clock.now()
            contract.save(update_fields=["status", "updated_at"])
            _event(contract, ContractEventKind.RENEWED, None, successor=successor.reference)
            return successor
    contract.status = ContractStatus.LAPSED
    contract.churn_reason = contract.churn_reason or ChurnReason.NO_ANSWER
    contract.updated_at = clock.now()
    contract.save(update_fields=["status", "churn_reason", "updated_at"])
    _event(contract, ContractEventKind.LAPSED, None, reason=contract.churn_reason)
    _recheck_tickets(contract)
    return None


@dataclass
class SweepResult:
    outreach: int = 0
    renewed: int = 0
    lapsed: int = 0


def renewals_sweep() -> SweepResult:
    """The worker's daily look at contracts: outreach 60 days before the last day (once: a
    conditional claim), then, after the last day, renewal or lapse. Each contract in its own
    transaction; a failure is logged and the contract tried again on the next sweep."""
    on = today()
    now = clock.now()
    result = SweepResult()
    due = list(
        Contract.objects.filter(
            status=ContractStatus.ACTIVE,
            outreach_at__isnull=True,
            ends_on__lte=on + timedelta(days=OUTREACH_DAYS),
            ends_on__gte=on,
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in due:
        try:
            with transaction.atomic():
                claimed = Contract.objects.filter(
                    pk=pk, status=ContractStatus.ACTIVE, outreach_at__isnull=True
                ).update(outreach_at=now)
                if not claimed:
                    continue  # another worker took it
                contract = Contract.objects.select_related(
                    "organization__account_manager", "plan"
                ).get(pk=pk)
                _outreach(contract, now)
                result.outreach += 1
        except Exception:  # one contract's trouble never stops the others
            log.exception("renewal outreach failed for contract %s", pk)
    ended = list(
        Contract.objects.filter(status=ContractStatus.ACTIVE, ends_on__lt=on).values_list(
            "pk", flat=True
        )[:SWEEP_BATCH]
    )
    for pk in ended:
        try:
            with transaction.atomic():
                ending = (
                    Contract.objects.select_for_update(of=("self",))
                    .select_related("plan", "organization")
                    .filter(pk=pk, status=ContractStatus.ACTIVE)
                    .first()
                )
                if ending is None:
                    continue
                if _end(ending) is not None:
                    result.renewed += 1
                else:
                    result.lapsed += 1
        except Exception:
            log.exception("renewal failed for contract %s", pk)
    return result
