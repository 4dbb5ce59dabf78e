"""RMA repairs: the one writer of RMAs, their events, parts used and bench checks.

Every change is an `RmaEvent` (timed, attributed); each status change is also written in the
ticket's history and mailed to the customer through the outbox, in the same transaction. The
clocks (diagnosis, repair or replacement, replacement shipping) are the SLA engine's subject
clocks: started and stopped here, fired by the SLA sweep.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.text import problem as storable_problem
from caredesk.devices import pure, stock
from caredesk.devices.models import (
    Asset,
    FailureMode,
    Part,
    Rma,
    RmaCheck,
    RmaEvent,
    RmaEventKind,
    RmaPart,
    RmaStatus,
)
from caredesk.devices.selectors import card_for_serial, entitlement_of
from caredesk.sla.subjects import subject_clock_start, subject_clock_stop
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import events as ticket_events
from caredesk.tickets.services.requester_mail import mail_requester

DIAGNOSIS, REPAIR, SHIPPING = "rma.diagnosis", "rma.repair", "rma.replacement"
CLOCK_LABELS = {
    DIAGNOSIS: "RMA diagnosis",
    REPAIR: "RMA repair or replacement",
    SHIPPING: "RMA replacement shipped",
}
# the column each status stamps
STAMPS = {
    RmaStatus.RECEIVED: "received_at",
    RmaStatus.DIAGNOSED: "diagnosed_at",
    RmaStatus.REPAIRED: "repaired_at",
    RmaStatus.REPLACED: "repaired_at",
    RmaStatus.VALIDATED: "validated_at",
    RmaStatus.SHIPPED: "shipped_at",
    RmaStatus.CLOSED: "closed_at",
    RmaStatus.CANCELLED: "closed_at",
}
LIMITS = {"tracking_in": 100, "tracking_out": 100, "failure_other": 200, "reason": 300}
EDITABLE = (
    "tracking_in",
    "tracking_out",
    "technician",
    "findings",
    "failure_mode",
    "failure_other",
    "labour_minutes",
    "labour_rate",
)
MAX_FINDINGS = 10_000
FIELD_WORDS = {
    "tracking_in": "inbound tracking",
    "tracking_out": "outbound tracking",
    "technician_id": "technician",
    "findings": "findings",
    "failure_mode": "failure mode",
    "failure_other": "failure (other)",
    "labour_minutes": "labour minutes",
    "labour_rate": "labour rate",
}
MAX_MINUTES = 100_000


def subject_of(rma: Rma | int) -> str:
    return f"rma:{rma if isinstance(rma, int) else rma.pk}"


def labour_rate_default() -> Decimal:
    """The configured rate per hour of bench time (CAREDESK_RMA_LABOUR_RATE)."""
    try:
        return Decimal(str(settings.CAREDESK_RMA_LABOUR_RATE)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return Decimal("0.00")


def _text(value: Any, name: str, limit: int, errors: dict[str, list[str]]) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        errors.setdefault(name, []).append(f"At most {limit} characters.")
    problem = storable_problem(text)
    if problem:
        errors.setdefault(name, []).append(problem)
    return text


def _event(rma: Rma, kind: str, actor: Any, **fields: Any) -> RmaEvent:
    return RmaEvent(rma=rma, kind=kind, actor=actor, created_at=clock.now(), **fields)


def _mail(rma: Rma) -> None:
    """Tell the customer where their unit is (through the outbox, in this transaction)."""
    context = {
        "rma": rma,
        "status": rma.get_status_display(),
        "base_url": settings.CAREDESK_BASE_URL,
    }
    mail_requester(
        rma.ticket,
        subject=f"[{rma.ticket.ref}] {rma.number}: {rma.get_status_display().lower()}",
        body=render_to_string("mail/rma_status.txt", context),
    )


def _ticket_actor(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "pk", None) else None


def rma_open(
    *,
    ticket: Ticket,
    actor: Any,
    asset: Asset | None = None,
    warranty: bool | None = None,
    reason: str = "",
) -> Rma:
    """Open an RMA for the unit `ticket` names (or `asset`): warranty or paid from what the
    unit is entitled to today, unless the person says otherwise with a reason."""
    errors: dict[str, list[str]] = {}
    if asset is None:
        card = card_for_serial(ticket.device_serial)
        if card is None:
            errors["asset"] = ["The ticket names no serial number."]
        elif card.unknown:
            errors["asset"] = [f"No registered unit has the serial {card.serial}."]
        elif len(card.found) > 1:
            errors["asset"] = ["Several models have this serial; choose the unit."]
        else:
            asset = card.found[0][0]
    reason = _text(reason, "reason", LIMITS["reason"], errors)
    if errors or asset is None:
        raise ValidationFailed("The RMA cannot be opened.", errors=errors)
    busy = (
        Rma.objects.filter(asset=asset)
        .exclude(status__in=pure.RMA_DONE)
        .values_list("number", flat=True)
        .first()
    )
    if busy:
        message = f"{busy} is already open for this unit."
        raise Conflict(message, errors={"asset": [message]})
    ent = entitlement_of(asset)
    covered = ent.free_repair
    if warranty is not None and warranty != covered:
        if not reason:
            errors["reason"] = [
                "Say why the repair is "
                + ("a warranty repair" if warranty else "paid")
                + " against the unit's entitlement."
            ]
            raise ValidationFailed("The RMA cannot be opened.", errors=errors)
        covered = warranty
    now = clock.now()
    with transaction.atomic():
        rma = Rma(
            ticket=ticket,
            asset=asset,
            organization_id=asset.organization_id or ticket.organization_id,
            status=RmaStatus.ISSUED,
            warranty=covered,
            warranty_reason=reason if warranty is not None and warranty != ent.free_repair else "",
            replacement_hours=ent.replacement_hours,
            labour_rate=labour_rate_default(),
            opened_by=_ticket_actor(actor),
            created_at=now,
            updated_at=now,
        )
        rma.save()
        rma.number = f"RMA-{rma.pk:06d}"
        rma.save(update_fields=["number"])
        template = asset.product_model.validation_checklist
        if template is not None and template.active:
            RmaCheck.objects.bulk_create(
                RmaCheck(rma=rma, text=i.text, required=i.required, position=i.position)
                for i in template.items.all()
            )
        RmaEvent.objects.bulk_create(
            [
                _event(
                    rma,
                    RmaEventKind.OPENED,
                    _ticket_actor(actor),
                    to_status=RmaStatus.ISSUED,
                    data={
                        "ticket": ticket.ref,
                        "warranty": covered,
                        "entitled": ent.free_repair,
                        **({"reason": reason} if reason else {}),
                    },
                )
            ]
        )
        ticket_events.record(
            ticket_events.rma_changed(
                ticket, _ticket_actor(actor), number=rma.number, status="issued", opened=True
            )
        )
        if rma.replacement_hours:
            subject_clock_start(
                subject=subject_of(rma),
                metric=SHIPPING,
                label=CLOCK_LABELS[SHIPPING],
                ticket_id=ticket.pk,
                target=timedelta(hours=rma.replacement_hours),
                warn_at=pure.RMA_SHIP_WARN,
                now=now,
            )
        _mail(rma)
    return rma


def _checks_left(rma: Rma) -> int:
    return rma.checks.filter(required=True, done_at__isnull=True).count()


def _clocks_for(rma: Rma, to: str, now: Any) -> None:
    subject = subject_of(rma)
    if to == RmaStatus.RECEIVED:
        subject_clock_start(
            subject=subject,
            metric=DIAGNOSIS,
            label=CLOCK_LABELS[DIAGNOSIS],
            ticket_id=rma.ticket_id,
            target=timedelta(hours=pure.RMA_DIAGNOSIS_HOURS),
            warn_at=pure.RMA_DIAGNOSIS_WARN,
            now=now,
        )
        subject_clock_start(
            subject=subject,
            metric=REPAIR,
            label=CLOCK_LABELS[REPAIR],
            ticket_id=rma.ticket_id,
            target=timedelta(days=pure.RMA_REPAIR_DAYS),
            warn_at=pure.RMA_REPAIR_WARN,
            now=now,
        )
    elif to == RmaStatus.DIAGNOSED:
        subject_clock_stop(subject=subject, metrics=[DIAGNOSIS], now=now)
    elif to in (RmaStatus.REPAIRED, RmaStatus.REPLACED):
        subject_clock_stop(subject=subject, metrics=[DIAGNOSIS, REPAIR], now=now)
    elif to == RmaStatus.SHIPPED or to in (RmaStatus.CLOSED, RmaStatus.CANCELLED):
        subject_clock_stop(subject=subject, now=now)


def rma_lock(pk: int) -> Rma:
    return (
        Rma.objects.select_for_update(of=("self",)).select_related("ticket__requester").get(pk=pk)
    )


# the moves made at the bench: the first person to make one becomes the RMA's technician
BENCH_STEPS = frozenset(
    {RmaStatus.DIAGNOSED, RmaStatus.REPAIRED, RmaStatus.REPLACED, RmaStatus.VALIDATED}
)


def _works_the_bench(actor: Any) -> bool:
    return bool(getattr(actor, "pk", None)) and bool(actor.has_perm("devices.validate_rma"))


def rma_transition(*, rma: Rma, to: str, actor: Any, reason: str = "", tracking: str = "") -> Rma:
    """Move the RMA to status `to`: refused (409) with the reason when the flow does not allow
    it, "cancelled" needs a reason, "validated" a finished bench checklist. Stamps the time,
    starts or stops the clocks, writes the RMA's and the ticket's events and mails the customer.
    `tracking` sets the inbound number on "received" and the outbound one on "shipped"."""
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", LIMITS["reason"], errors)
    tracking = _text(tracking, "tracking", LIMITS["tracking_in"], errors)
    if to not in RmaStatus.values:
        errors.setdefault("status", []).append(f"Unknown status {to!r}.")
    if errors:
        raise ValidationFailed("The change is not valid.", errors=errors)
    now = clock.now()
    with transaction.atomic():
        rma = rma_lock(rma.pk)
        left = _checks_left(rma) if to == RmaStatus.VALIDATED else 0
        refusal = pure.rma_refusal(rma.status, to, reason=reason, checks_left=left)
        if refusal:
            field = "reason" if to == RmaStatus.CANCELLED and not reason else "status"
            if to == RmaStatus.CANCELLED and not reason:
                raise ValidationFailed(refusal, errors={field: [refusal]})
            raise Conflict(refusal, errors={field: [refusal]})
        before = rma.status
        rma.status = to
        setattr(rma, STAMPS[RmaStatus(to)], now)
        changed = ["status", STAMPS[RmaStatus(to)], "updated_at"]
        if to == RmaStatus.CANCELLED:
            rma.cancel_reason = reason
            changed.append("cancel_reason")
        if rma.technician_id is None and to in BENCH_STEPS and _works_the_bench(actor):
            rma.technician = actor  # whoever first works the unit on the bench, until changed
            changed.append("technician")
        if tracking and to == RmaStatus.RECEIVED:
            rma.tracking_in = tracking
            changed.append("tracking_in")
        if tracking and to == RmaStatus.SHIPPED:
            rma.tracking_out = tracking
            changed.append("tracking_out")
        rma.updated_at = now
        rma.save(update_fields=changed)
        data: dict[str, Any] = {}
        if reason:
            data["reason"] = reason
        if tracking:
            data["tracking"] = tracking
        RmaEvent.objects.bulk_create(
            [
                _event(
                    rma,
                    RmaEventKind.STATUS,
                    _ticket_actor(actor),
                    from_status=before,
                    to_status=to,
                    data=data,
                )
            ]
        )
        ticket_events.record(
            ticket_events.rma_changed(
                rma.ticket, _ticket_actor(actor), number=rma.number or "", status=to, **data
            )
        )
        _clocks_for(rma, to, now)
        _mail(rma)
    return rma


def _number(key: str, value: Any, errors: dict[str, list[str]]) -> Any:
    if key == "labour_minutes":
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            errors[key] = ["Give whole minutes."]
            return None
        if not 0 <= minutes <= MAX_MINUTES:
            errors[key] = [f"Between 0 and {MAX_MINUTES} minutes."]
        return minutes
    try:
        rate = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[key] = ["Give an amount such as 90.00."]
        return None
    if not Decimal(0) <= rate < Decimal("1000000"):
        errors[key] = ["Between 0 and 999999.99."]
    return rate


def _cleaned(changes: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            errors[key] = ["This cannot be changed here."]
        elif key in ("tracking_in", "tracking_out", "failure_other"):
            clean[key] = _text(value, key, LIMITS[key], errors)
        elif key == "findings":
            clean[key] = _text(value, key, MAX_FINDINGS, errors)
        elif key == "failure_mode":
            mode = "" if value is None else str(value)
            if mode and mode not in FailureMode.values:
                errors[key] = [f"Choose one of: {', '.join(FailureMode.values)}."]
            clean[key] = mode
        elif key in ("labour_minutes", "labour_rate"):
            number = _number(key, value, errors)
            if number is not None:
                clean[key] = number
        elif key == "technician":
            clean["technician_id"] = getattr(value, "pk", value) if value else None
    return clean


def rma_update(*, rma: Rma, changes: Mapping[str, Any], actor: Any) -> Rma:
    """Record the bench's findings: technician, findings, failure mode (with words for
    "other"), tracking numbers, labour minutes and rate. One event naming what changed."""
    errors: dict[str, list[str]] = {}
    clean = _cleaned(changes, errors)
    mode = clean.get("failure_mode", rma.failure_mode)
    if mode == FailureMode.OTHER and not clean.get("failure_other", rma.failure_other):
        errors.setdefault("failure_other", []).append("Describe the failure.")
    if rma.status in pure.RMA_DONE:
        raise Conflict(f"The RMA is {rma.status}; it can no longer be changed.")
    if errors:
        raise ValidationFailed("The change is not valid.", errors=errors)
    changed = [k for k, v in clean.items() if getattr(rma, k) != v]
    if not changed:
        return rma
    with transaction.atomic():
        for k in changed:
            setattr(rma, k, clean[k])
        rma.updated_at = clock.now()
        rma.save(update_fields=[*changed, "updated_at"])
        fields = sorted(FIELD_WORDS.get(k, k) for k in changed)
        RmaEvent.objects.bulk_create(
            [_event(rma, RmaEventKind.CHANGED, _ticket_actor(actor), data={"fields": fields})]
        )
    return rma


def rma_coverage(*, rma: Rma, warranty: bool, reason: str, actor: Any) -> Rma:
    """Make the repair a warranty or a paid one, with the reason (an event of its own)."""
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", LIMITS["reason"], errors)
    if not reason:
        errors.setdefault("reason", []).append("Say why.")
    if errors:
        raise ValidationFailed("The change is not valid.", errors=errors)
    if rma.status in pure.RMA_DONE:
        raise Conflict(f"The RMA is {rma.status}; it can no longer be changed.")
    if rma.warranty == warranty:
        return rma
    with transaction.atomic():
        rma.warranty, rma.warranty_reason, rma.updated_at = warranty, reason, clock.now()
        rma.save(update_fields=["warranty", "warranty_reason", "updated_at"])
        RmaEvent.objects.bulk_create(
            [
                _event(
                    rma,
                    RmaEventKind.COVERAGE,
                    _ticket_actor(actor),
                    data={"warranty": warranty, "reason": reason},
                )
            ]
        )
    return rma


def rma_part_add(*, rma: Rma, part: Part, quantity: int, actor: Any) -> RmaPart:
    """A part fitted in the repair, at its unit cost now; it leaves the repair stock."""
    if not isinstance(quantity, int) or not 1 <= quantity <= 1000:
        raise ValidationFailed(
            "The part line is not valid.", errors={"quantity": ["Between 1 and 1000."]}
        )
    if not part.active:
        raise ValidationFailed(
            "The part line is not valid.", errors={"part": ["This part is no longer used."]}
        )
    if rma.status in pure.RMA_DONE or rma.status == RmaStatus.ISSUED:
        raise Conflict(
            "Parts are recorded once the unit is received and until the RMA is closed.",
            errors={"part": ["The unit is not on the bench."]},
        )
    with transaction.atomic():
        line = RmaPart(
            rma=rma,
            part=part,
            quantity=quantity,
            unit_cost=part.unit_cost,
            added_by=_ticket_actor(actor),
            created_at=clock.now(),
        )
        line.save()
        RmaEvent.objects.bulk_create(
            [
                _event(
                    rma,
                    RmaEventKind.PART,
                    _ticket_actor(actor),
                    data={
                        "part": part.number,
                        "quantity": quantity,
                        "unit_cost": str(part.unit_cost),
                    },
                )
            ]
        )
        stock.take_for_repair(part, quantity, actor=actor, reference=rma.number or "")
    return line


def rma_check_tick(*, rma: Rma, check_id: int, done: bool, actor: Any) -> RmaCheck:
    """Tick (or untick) a bench validation step."""
    check = rma.checks.filter(pk=check_id).first()
    if check is None:
        raise ValidationFailed("No such step.", errors={"check": ["No such step on this RMA."]})
    if rma.status in pure.RMA_DONE or rma.status in (RmaStatus.VALIDATED, RmaStatus.SHIPPED):
        raise Conflict(
            "The bench validation is over.", errors={"check": ["It can no longer change."]}
        )
    if check.done == done:
        return check
    with transaction.atomic():
        check.done_at = clock.now() if done else None
        check.done_by = _ticket_actor(actor) if done else None
        check.save(update_fields=["done_at", "done_by"])
        RmaEvent.objects.bulk_create(
            [
                _event(
                    rma,
                    RmaEventKind.CHECK,
                    _ticket_actor(actor),
                    data={"step": check.text, "done": done},
                )
            ]
        )
    return check


def rma_clock_fired(*, rma_id: int, kind: str, label: str, actor: Any = None) -> None:
    """The SLA sweep fired one of the RMA's clocks (called from the devices' ticket watcher,
    inside the sweep's transaction)."""
    RmaEvent.objects.bulk_create(
        [
            RmaEvent(
                rma_id=rma_id,
                kind=kind,
                actor=actor,
                data={"clock": label},
                created_at=clock.now(),
            )
        ]
    )
