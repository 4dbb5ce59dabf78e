"""Stock keeping, the only writer of stock levels, movements and reorder alerts.

Every change is a `StockMovement` (append-only) with who, when, why and, for a repair, its
reference; the level it changes is locked first, so stock never goes below zero (a change that
would is refused with a field message). After each change the part is checked against its
floor: crossing below it opens one reorder alert and tells the people who manage stock (in the
desk and by mail); getting back to the floor clears it, so the next crossing alerts again.

The repair bench calls `take_for_repair`; the desk and the API call the others.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.core.notify import notify
from caredesk.devices.models import (
    MovementKind,
    Part,
    ReorderAlert,
    StockLevel,
    StockLocation,
    StockMovement,
)
from caredesk.devices.stock_selectors import repair_location, stock_managers, stock_state

MAX_QUANTITY = 1_000_000
REASON_MAX = 500
REFERENCE_MAX = 64


def _check_quantity(quantity: Any, *, field: str = "quantity", allow_zero: bool = False) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationFailed("Give a whole number.", errors={field: ["Give a whole number."]})
    low = 0 if allow_zero else 1
    if not low <= quantity <= MAX_QUANTITY:
        message = f"Give a number from {low} to {MAX_QUANTITY}."
        raise ValidationFailed(message, errors={field: [message]})
    return quantity


def _check_text(reason: str, reference: str, *, reason_required: bool) -> tuple[str, str]:
    reason, reference = (reason or "").strip(), (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if reason_required and not reason:
        errors["reason"] = ["Say why the stock changes."]
    if len(reason) > REASON_MAX:
        errors["reason"] = [f"At most {REASON_MAX} characters."]
    if len(reference) > REFERENCE_MAX:
        errors["reference"] = [f"At most {REFERENCE_MAX} characters."]
    if errors:
        raise ValidationFailed("The stock change is not valid.", errors=errors)
    return reason, reference


def _check_location(location: StockLocation, field: str = "location") -> None:
    if not location.active:
        raise ValidationFailed(
            "This location is closed.", errors={field: ["This location is no longer in use."]}
        )


def _locked_level(part: Part, location: StockLocation) -> StockLevel:
    """The part's level at the location, locked until the transaction ends."""
    level = StockLevel.objects.select_for_update().filter(part=part, location=location).first()
    if level is None:
        try:
            with transaction.atomic():
                StockLevel.objects.create(part=part, location=location, on_hand=0)
        except IntegrityError:  # made by someone else meanwhile
            pass
        level = StockLevel.objects.select_for_update().get(part=part, location=location)
    return level


def _move(
    part: Part,
    location: StockLocation,
    delta: int,
    *,
    kind: str,
    actor: Any,
    reason: str = "",
    reference: str = "",
    other: StockLocation | None = None,
    field: str = "quantity",
    level: StockLevel | None = None,
) -> StockMovement:
    level = level or _locked_level(part, location)
    after = level.on_hand + delta
    if after < 0:
        message = (
            f"Only {level.on_hand} of {part.number} on hand at {location.name}; "
            f"{-delta} cannot be taken."
        )
        raise ValidationFailed("Stock cannot go below zero.", errors={field: [message]})
    if delta:
        level.on_hand = after
        level.save(update_fields=["on_hand"])
    movement = StockMovement(
        part=part,
        location=location,
        kind=kind,
        quantity=delta,
        on_hand_after=after,
        other_location=other,
        reason=reason,
        reference=reference,
        actor=actor,
        created_at=clock.now(),
    )
    movement.save()
    return movement


def _fmt_days(days: Any) -> str:
    return f"{days:.1f}".removesuffix(".0")


def _check_floor(part: Part) -> ReorderAlert | None:
    """Open a reorder alert when the part is below its floor and has none open (telling the
    stock managers), clear the open one when it is back at or above it. Returns the alert
    opened now, if any."""
    state = stock_state(part)
    open_alert = ReorderAlert.objects.filter(part=part, cleared_at__isnull=True).first()
    now = clock.now()
    if not state.below_floor:
        if open_alert is not None:
            open_alert.cleared_at = now
            open_alert.save(update_fields=["cleared_at"])
        return None
    if open_alert is not None:
        return None  # still below: alerted once for this crossing
    assert state.days is not None
    alert = ReorderAlert(
        part=part,
        opened_at=now,
        on_hand=state.on_hand,
        days_of_stock=state.days,
        suggested_quantity=state.suggested,
    )
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:  # another change opened it meanwhile
        return None
    notify(
        users=list(stock_managers()),
        text=(
            f"Reorder {part.number} {part.name}: {state.on_hand} on hand, "
            f"{_fmt_days(state.days)} days of stock (floor {state.floor_days}). "
            f"Suggested order: {state.suggested}."
        ),
    )
    return alert


def stock_receive(
    *,
    part: Part,
    location: StockLocation,
    quantity: int,
    actor: Any,
    reference: str = "",
    reason: str = "",
) -> StockMovement:
    """Parts arrived at `location` (a delivery: `reference` is the order or delivery note)."""
    quantity = _check_quantity(quantity)
    reason, reference = _check_text(reason, reference, reason_required=False)
    _check_location(location)
    with transaction.atomic():
        movement = _move(
            part,
            location,
            quantity,
            kind=MovementKind.RECEIPT,
            actor=actor,
            reason=reason,
            reference=reference,
        )
        _check_floor(part)
    return movement


def stock_adjust(
    *, part: Part, location: StockLocation, change: int, actor: Any, reason: str
) -> StockMovement:
    """Add or remove parts by hand (damaged, found, written off); the reason is required."""
    if isinstance(change, bool) or not isinstance(change, int) or change == 0:
        raise ValidationFailed(
            "Give the change.", errors={"change": ["Give a whole number other than 0."]}
        )
    _check_quantity(abs(change), field="change")
    reason, _ = _check_text(reason, "", reason_required=True)
    with transaction.atomic():
        movement = _move(
            part,
            location,
            change,
            kind=MovementKind.ADJUSTMENT,
            actor=actor,
            reason=reason,
            field="change",
        )
        _check_floor(part)
    return movement


def stock_count(
    *, part: Part, location: StockLocation, counted: int, actor: Any, reason: str
) -> StockMovement:
    """A stock count: what is on the shelf becomes the level (the difference is recorded, 0
    when the count confirms it); the reason is required."""
    counted = _check_quantity(counted, field="counted", allow_zero=True)
    reason, _ = _check_text(reason, "", reason_required=True)
    with transaction.atomic():
        level = _locked_level(part, location)
        movement = _move(
            part,
            location,
            counted - level.on_hand,
            kind=MovementKind.COUNT,
            actor=actor,
            reason=reason,
            field="counted",
            level=level,
        )
        _check_floor(part)
    return movement


def stock_transfer(
    *,
    part: Part,
    source: StockLocation,
    destination: StockLocation,
    quantity: int,
    actor: Any,
    reason: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Move parts between locations: two movements (out, in), each naming the other place."""
    quantity = _check_quantity(quantity)
    reason, _ = _check_text(reason, "", reason_required=False)
    if source.pk == destination.pk:
        raise ValidationFailed(
            "Pick two locations.", errors={"destination": ["Pick another location."]}
        )
    _check_location(destination, "destination")
    with transaction.atomic():
        # lock in a fixed order so two opposite transfers cannot wait on each other
        first, second = sorted((source, destination), key=lambda loc: loc.pk)
        levels = {loc.pk: _locked_level(part, loc) for loc in (first, second)}
        out = _move(
            part,
            source,
            -quantity,
            kind=MovementKind.TRANSFER,
            actor=actor,
            reason=reason,
            other=destination,
            level=levels[source.pk],
        )
        into = _move(
            part,
            destination,
            quantity,
            kind=MovementKind.TRANSFER,
            actor=actor,
            reason=reason,
            other=source,
            level=levels[destination.pk],
        )
    return out, into


def take_for_repair(part: Part, quantity: int, *, actor: Any, reference: str) -> StockMovement:
    """Take `quantity` of `part` out of the repair stock (the location marked as repair stock)
    for the repair named `reference` ("RMA-12"), attributed to `actor`.

    Raises ValidationFailed with a `quantity` message when there is not enough on hand (stock
    never goes below zero) and with a `part` message when no location is the repair stock."""
    quantity = _check_quantity(quantity)
    _, reference = _check_text("", reference, reason_required=False)
    location = repair_location()
    if location is None:
        raise ValidationFailed(
            "No repair stock.",
            errors={"part": ["No stock location is marked as the repair stock."]},
        )
    with transaction.atomic():
        movement = _move(
            part,
            location,
            -quantity,
            kind=MovementKind.CONSUMPTION,
            actor=actor,
            reference=reference,
        )
        _check_floor(part)
    return movement
