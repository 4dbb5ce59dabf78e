"""Macros agents apply from the reply box: who may keep which, their placeholders filled from a
ticket, and applying one (its message and its actions) through the ticket services.

Shared macros are the desk's: whoever holds `rules.change_macro` keeps them (support leads and
administrators). Everyone who works tickets keeps their own personal macros.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils.text import slugify

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.rules.models import Macro, MacroKind
from caredesk.rules.placeholders import Filled, fill, first_name
from caredesk.tickets.models import CustomStatus, Priority, Status, Ticket
from caredesk.tickets.services.statuses import status_by_id
from caredesk.tickets.services.validation import clean_tags

MANAGE_SHARED = "rules.change_macro"
MAX_BODY = 10_000
MACRO_STATUSES = [s for s in Status if s not in (Status.NEW, Status.CLOSED)]


def may_manage_shared(user: Any) -> bool:
    """Keeps the desk's shared macros (support leads and administrators)."""
    return works_tickets(user) and bool(user.has_perm(MANAGE_SHARED))


def may_change(user: Any, macro: Macro) -> bool:
    return macro.owner_id == user.pk if macro.owner_id else may_manage_shared(user)


def macros_for(user: User) -> QuerySet[Macro]:
    """The active macros `user` may apply: the shared ones and their own, most used first."""
    return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user), active=True).order_by(
        "-usage_count", "name", "id"
    )


def macros_managed(user: User) -> QuerySet[Macro]:
    """Every macro `user` sees on the macros screen (their own and the shared ones)."""
    return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user)).order_by(
        "-active", "owner_id", "name", "id"
    )


def macro_get(*, user: User, pk: int) -> Macro:
    """A macro `user` may use or see, or NotFound (never someone else's personal macro)."""
    macro = Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user), pk=pk).first()
    if macro is None:
        raise NotFound("No such macro.")
    return macro


# -- placeholders ----------------------------------------------------------------------------


def ticket_values(ticket: Ticket, agent: User | None) -> dict[str, str]:
    """What each placeholder stands for on `ticket`, written by `agent`."""
    requester = ticket.requester
    org = ticket.organization
    manager = org.account_manager if org is not None and org.account_manager_id else None
    agent_name = agent.name if agent is not None else ""
    return {
        "requester.first_name": first_name(requester.name),
        "requester.name": requester.name,
        "requester.email": requester.email or "",
        "ticket.reference": ticket.ref,
        "ticket.subject": ticket.subject,
        "ticket.level": f"{ticket.priority} · {Priority(ticket.priority).label}",
        "ticket.status": Status(ticket.status).label,
        "organization.name": org.name if org is not None else "",
        "organization.account_manager": manager.name if manager else "account manager",
        "agent.name": agent_name,
        "agent.first_name": first_name(agent_name),
        "support.phone": settings.CAREDESK_SUPPORT_PHONE,
    }


def macro_text(macro: Macro, ticket: Ticket, agent: User | None) -> Filled:
    """The macro's body filled for this ticket (unknown placeholders left as typed)."""
    return fill(macro.body, ticket_values(ticket, agent))


def macro_status(value: str, *, max_age: float = 0.0) -> CustomStatus | str | None:
    """What a macro's "set status" names: a custom status (kept as its id), a built-in
    category (which keeps the ticket's status if already in it, else takes the category's
    default), or None when the custom status is gone."""
    if not value:
        return None
    if value.isdigit():
        return status_by_id(int(value), max_age=max_age)
    return value if value in MACRO_STATUSES else None


def status_words(value: str) -> str:
    """The status a macro sets, as the preview and the macros screen name it."""
    found = macro_status(value, max_age=30.0)
    if isinstance(found, CustomStatus):
        inactive = "" if found.active else ", no longer in use"
        return f"{found.agent_label} ({found.category_label}{inactive})"
    if found is None:
        return "a status no longer in use"
    return str(Status(found).label)


def macro_actions(macro: Macro) -> list[str]:
    """What applying the macro does besides its message, in words."""
    out = []
    if macro.set_status:
        out.append(f"Status: {status_words(macro.set_status)}")
    if macro.set_priority:
        out.append(f"Level: {macro.set_priority} · {Priority(macro.set_priority).label}")
    if macro.add_tags:
        out.append("Add tags: " + ", ".join(macro.add_tags))
    return out


# -- keeping macros --------------------------------------------------------------------------


@dataclass(frozen=True)
class MacroIn:
    """A macro as its author describes it."""

    name: str
    body: str
    kind: str = MacroKind.PUBLIC
    shared: bool = False
    set_status: str = ""
    set_priority: int | None = None
    add_tags: tuple[str, ...] = ()


def _validated(data: MacroIn) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = " ".join(data.name.split())
    if not name:
        errors["name"] = ["Give the macro a name."]
    elif len(name) > 120:
        errors["name"] = ["Keep the name to 120 characters or fewer."]
    if not data.body.strip():
        errors["body"] = ["Write the text the macro inserts."]
    elif len(data.body) > MAX_BODY:
        errors["body"] = [f"Keep the text to {MAX_BODY:,} characters or fewer."]
    if data.kind not in MacroKind.values:
        errors["kind"] = ["Choose a public reply or an internal note."]
    if data.set_status:
        wanted = macro_status(data.set_status)
        if wanted is None:
            errors["set_status"] = ["Choose a status in use (or no change)."]
        elif isinstance(wanted, CustomStatus) and not wanted.active:
            errors["set_status"] = ["This status is no longer in use."]
    if data.set_priority is not None and data.set_priority not in Priority.values:
        errors["set_priority"] = ["Choose a level from 1 to 4 (or no change)."]
    tags = clean_tags(list(data.add_tags), errors)
    if errors:
        raise ValidationFailed("The macro could not be saved.", errors=errors)
    return {
        "name": name,
        "body": data.body,
        "kind": data.kind,
        "set_status": data.set_status,
        "set_priority": data.set_priority,
        "add_tags": tags,
    }


def _slug_for(name: str, owner: User | None) -> str:
    base = (slugify(name) or "macro")[:40]
    if owner is not None:
        base = f"{base}-u{owner.pk}"
    slug, n = base, 1
    while Macro.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def macro_save(*, macro: Macro | None, data: MacroIn, actor: User) -> Macro:
    """Create or change a macro: shared ones need `rules.change_macro`; personal ones are their
    owner's. A shared macro stays shared (and a personal one personal)."""
    shared = data.shared if macro is None else macro.shared
    if not works_tickets(actor) or (shared and not may_manage_shared(actor)):
        raise PermissionDenied("Only support leads and administrators keep shared macros.")
    if macro is not None and not may_change(actor, macro):
        raise PermissionDenied("This macro is someone else's.")
    values = _validated(data)
    owner = None if shared else actor
    clash = Macro.objects.filter(name=values["name"], owner=owner)
    if macro is not None:
        clash = clash.exclude(pk=macro.pk)
    taken = {"name": ["A macro with this name exists already."]}
    if clash.exists():
        raise ValidationFailed("The macro could not be saved.", errors=taken)
    if macro is None:
        macro = Macro(owner=owner, slug=_slug_for(values["name"], owner))
    for key, value in values.items():
        setattr(macro, key, value)
    try:
        with transaction.atomic():
            macro.save()
    except IntegrityError:  # the same name saved at the same moment
        raise ValidationFailed("The macro could not be saved.", errors=taken) from None
    return macro


def macro_set_active(*, macro: Macro, active: bool, actor: User) -> Macro:
    """Retire a macro (it leaves the picker; rules naming it stop) or bring it back."""
    if not may_change(actor, macro):
        raise PermissionDenied("Only support leads and administrators keep shared macros.")
    macro.active = active
    macro.save(update_fields=["active"])
    return macro


# -- applying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    message_id: int
    changed: tuple[str, ...]


@transaction.atomic
def macro_apply(
    *,
    macro: Macro,
    ticket: Ticket,
    actor: User,
    body: str | None = None,
    kind: str | None = None,
    uploads: tuple[Any, ...] = (),
    status_after: str | None = None,
) -> Applied:
    """Write the macro's message (as the agent edited it, else filled for the ticket) and carry
    out its actions, each through the ticket services (one event per change); count its use.

    A status the agent chose in the reply box wins over the macro's."""
    from caredesk.tickets.services import Body, message_add, ticket_update

    if not macro.active or not (macro.shared or macro.owner_id == actor.pk):
        raise NotFound("No such macro.")
    text = body if body is not None else macro_text(macro, ticket, actor).text
    before = Ticket.objects.values_list("status", "custom_status_id").get(pk=ticket.pk)
    # the status goes with the message (one change, as "send and set status" makes it)
    status = status_after or macro.set_status or None
    message = message_add(
        ticket=ticket,
        kind=kind or macro.kind,
        body=Body(text=text),
        actor=actor,
        uploads=uploads,
        status_after=status,
    )
    changes: dict[str, Any] = {}
    current = sorted(ticket.tags.values_list("name", flat=True))
    if macro.set_priority:
        changes["priority"] = macro.set_priority
    if macro.add_tags:
        changes["tags"] = sorted({*current, *macro.add_tags})
    after = ticket_update(ticket=ticket, changes=changes, actor=actor) if changes else None
    changed: tuple[str, ...] = ()
    if status and tuple(
        Ticket.objects.values_list("status", "custom_status_id").get(pk=ticket.pk)
    ) != tuple(before):
        changed += ("status",)
    if after is not None and "priority" in changes and ticket.priority != after.priority:
        changed += ("priority",)
    if "tags" in changes and changes["tags"] != current:
        changed += ("tags",)
    Macro.objects.filter(pk=macro.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=clock.now()
    )
    return Applied(message_id=message.pk, changed=changed)
