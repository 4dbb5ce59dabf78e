"""Custom statuses: the desk's names for the built-in categories, and keeping them.

A ticket's `status` holds the category (what the SLA engine, the queues and the rules read);
its `custom_status` the name the desk chose. Setting a category picks that category's default
status, unless the ticket's status is already in it; `new` and `closed` have none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, IntegerField, Max, Value, When
from django.db.models.functions import Lower

from caredesk.core import confcache
from caredesk.core.errors import NotFound, ValidationFailed
from caredesk.tickets.defaults import install_default_statuses
from caredesk.tickets.models import CustomStatus, StatusCategory, Ticket

MANAGE = "tickets.change_customstatus"
CREATE = "tickets.add_customstatus"


@dataclass(frozen=True)
class StatusIn:
    agent_label: str
    requester_label: str
    category: str
    description: str = ""
    active: bool = True


def statuses_all() -> list[CustomStatus]:
    """Every status in the order the desk lists them (by category, then position)."""
    order = {c: i for i, c in enumerate(StatusCategory.values)}
    query = CustomStatus.objects.order_by(*_category_order(order), "position", "id")
    found = list(query)
    if len({s.category for s in found if s.default}) < len(order):  # an emptied database
        install_default_statuses(CustomStatus)
        found = list(query.all())
    return found


def _category_order(order: dict[str, int]) -> list[Any]:
    return [
        Case(
            *[When(category=c, then=Value(i)) for c, i in order.items()],
            output_field=IntegerField(),
        )
    ]


def statuses_active() -> list[CustomStatus]:
    return [s for s in statuses_all() if s.active]


def grouped(statuses: Sequence[CustomStatus]) -> list[tuple[str, list[CustomStatus]]]:
    """(category label, its statuses) in category order, for optgroups."""
    out: list[tuple[str, list[CustomStatus]]] = []
    for category in StatusCategory:
        members = [s for s in statuses if s.category == category.value]
        if members:
            out.append((str(category.label), members))
    return out


def status_get(pk: Any) -> CustomStatus:
    try:
        return CustomStatus.objects.get(pk=int(pk))
    except (CustomStatus.DoesNotExist, TypeError, ValueError):
        raise NotFound("No such status.") from None


def default_status(category: str) -> CustomStatus | None:
    """The category's default status (None for `new` and `closed`, which have none)."""
    return _defaults().get(category)


CONFIG = "custom_statuses"


def _defaults() -> dict[str, CustomStatus]:
    """Each category's default status, from the process's snapshot."""
    return {s.category: s for s in _snapshot().values() if s.default}


def status_by_id(pk: int | None, *, max_age: float = 0.0) -> CustomStatus | None:
    """A status by id, from the process's snapshot (None if there is no such status, or none
    asked for); `max_age` as for `confcache.cached` (readers that only look)."""
    return _snapshot(max_age).get(pk) if pk is not None else None


def status_named(name: str) -> CustomStatus | None:
    """The status in use whose name for agents is `name` (whatever the capitals)."""
    wanted = name.strip().casefold()
    return next(
        (s for s in _snapshot().values() if s.active and s.agent_label.casefold() == wanted), None
    )


def _snapshot(max_age: float = 0.0) -> dict[int, CustomStatus]:
    """Every status by id, kept current by `confcache` (a stamp read per change, none inside a
    bulk change): a ticket's status change reads no status row."""
    return confcache.cached(CONFIG, _load, max_age=max_age)


def _load() -> dict[int, CustomStatus]:
    found = list(CustomStatus.objects.all())
    if len({s.category for s in found if s.default}) < len(StatusCategory.values):
        install_default_statuses(CustomStatus)  # made again in an emptied database
        found = list(CustomStatus.objects.all())
    return {s.pk: s for s in found}


def name_statuses(tickets: Sequence[Ticket]) -> None:
    """Give new tickets opened in a category (assigned, or routed by a protocol) that
    category's default status: one query for a whole batch, none when all are new."""
    named = [t for t in tickets if t.status in StatusCategory.values and t.custom_status is None]
    if named:
        defaults = _defaults()
        for ticket in named:
            ticket.custom_status = defaults.get(ticket.status)


def custom_for(category: str, current: CustomStatus | None) -> CustomStatus | None:
    """The custom status a ticket set to `category` ends up with: its current one if in that
    category, else the category's default."""
    if current is not None and current.category == category:
        return current
    return default_status(category)


def _validated(data: StatusIn, status: CustomStatus | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    agent = " ".join(data.agent_label.split())
    requester = " ".join(data.requester_label.split())
    description = data.description.strip()
    if not agent:
        errors["agent_label"] = ["Give the status a name."]
    elif len(agent) > 60:
        errors["agent_label"] = ["Keep the name to 60 characters or fewer."]
    else:
        clash = CustomStatus.objects.annotate(lower=Lower("agent_label")).filter(
            lower=agent.lower()
        )
        if status is not None:
            clash = clash.exclude(pk=status.pk)
        if clash.exists():
            errors["agent_label"] = ["Another status already has this name."]
    if not requester:
        errors["requester_label"] = ["Say what the requester sees."]
    elif len(requester) > 60:
        errors["requester_label"] = ["Keep it to 60 characters or fewer."]
    if len(description) > 300:
        errors["description"] = ["Keep the description to 300 characters or fewer."]
    if data.category not in StatusCategory.values:
        errors["category"] = ["Choose open, pending, on hold or solved."]
    elif status is not None and data.category != status.category:
        errors["category"] = ["A status keeps its category; add a new status instead."]
    if status is not None and status.default and not data.active:
        errors["active"] = ["A category's default status cannot be deactivated."]
    if errors:
        raise ValidationFailed("The status was not saved.", errors=errors)
    return {
        "agent_label": agent,
        "requester_label": requester,
        "description": description,
        "category": data.category,
        "active": data.active,
    }


@transaction.atomic
def status_save(*, status: CustomStatus | None, data: StatusIn) -> CustomStatus:
    """Add a status (at the end of its category) or change one; field errors otherwise."""
    values = _validated(data, status)
    if status is None:
        last = CustomStatus.objects.aggregate(m=Max("position"))["m"]
        return CustomStatus.objects.create(**values, position=(last or 0) + 10)
    for key, value in values.items():
        setattr(status, key, value)
    status.save(update_fields=list(values))
    return status


@transaction.atomic
def status_move(*, status: CustomStatus, up: bool) -> None:
    """Swap the status with its neighbour within its category."""
    siblings = list(
        CustomStatus.objects.select_for_update()
        .filter(category=status.category)
        .order_by("position", "id")
    )
    at = next(i for i, s in enumerate(siblings) if s.pk == status.pk)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(siblings):
        return
    siblings[at], siblings[other] = siblings[other], siblings[at]
    base = min(s.position for s in siblings)
    for i, s in enumerate(siblings):
        s.position = base + i * 10
    CustomStatus.objects.bulk_update(siblings, ["position"])
    confcache.bump(CONFIG)
