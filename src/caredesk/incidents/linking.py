"""Tickets gathered under an incident: linking (the desk's selection, the ticket page, the API,
the symptom rule), "keep open" choices, suggestions by the incident's symptom words, and the
incident a ticket belongs to.

A ticket joins at most one open incident at a time. Each link writes one ticket event (through
the tickets app's event writer) in the same transaction as the link rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.incidents.models import OPEN_STATES, Incident, IncidentTicket
from caredesk.tickets import selectors
from caredesk.tickets.models import OPEN_STATUSES, EventKind, Ticket
from caredesk.tickets.search import fold, text_match
from caredesk.tickets.services import events
from caredesk.tickets.services.bulk import (
    MAX_BULK,
    NOT_VISIBLE,
    BulkResult,
    SelectionOperation,
    selection_operations,
)

MAX_LINK = 1000  # tickets linked in one call (the API, the rule); the desk's selection is 100
SUGGESTED = 20
IN_ANOTHER = "It already belongs to another open incident."


def incident_number(text: str) -> int | None:
    """The incident a person names: "INC-12", "inc 12" or "12"."""
    found = re.fullmatch(r"\s*(?:inc[-\s]?)?(\d{1,9})\s*", text, flags=re.IGNORECASE)
    return int(found.group(1)) if found else None


def tickets_link(
    *,
    incident: Incident,
    ticket_ids: Sequence[int],
    actor: User | None,
    keep_open: bool = False,
    limit: int = MAX_LINK,
) -> list[BulkResult]:
    """Gather the tickets `actor` may see under `incident` (all of them when `actor` is None:
    the symptom rule); one result per requested ticket, in order. Already linked: unchanged;
    in another open incident: refused."""
    if not ticket_ids:
        raise ValidationFailed(
            "Nothing was linked.", errors={"tickets": ["Select at least one ticket."]}
        )
    if len(ticket_ids) > limit:
        raise ValidationFailed(
            "Nothing was linked.",
            errors={"tickets": [f"Link at most {limit} tickets at a time."]},
        )
    if incident.state not in OPEN_STATES:
        raise Conflict("The incident is resolved; tickets can no longer join it.")
    ids = list(dict.fromkeys(ticket_ids))
    now = clock.now()
    with transaction.atomic():
        qs = Ticket.objects.all() if actor is None else selectors.tickets_visible(actor)
        tickets = {t.pk: t for t in qs.filter(pk__in=ids).only("pk", "status")}
        here = set(
            IncidentTicket.objects.filter(incident=incident, ticket_id__in=ids).values_list(
                "ticket_id", flat=True
            )
        )
        elsewhere = set(
            IncidentTicket.objects.filter(ticket_id__in=ids, incident__state__in=OPEN_STATES)
            .exclude(incident=incident)
            .values_list("ticket_id", flat=True)
        )
        results: list[BulkResult] = []
        new: list[Ticket] = []
        for pk in ids:
            ticket = tickets.get(pk)
            if ticket is None:
                results.append(BulkResult(pk, "", "refused", reason=NOT_VISIBLE))
            elif pk in here:
                results.append(BulkResult(pk, ticket.ref, "unchanged"))
            elif pk in elsewhere:
                results.append(BulkResult(pk, ticket.ref, "refused", reason=IN_ANOTHER))
            else:
                new.append(ticket)
                results.append(BulkResult(pk, ticket.ref, "changed", changed=("incident",)))
        IncidentTicket.objects.bulk_create(
            [
                IncidentTicket(
                    incident=incident, ticket=t, linked_at=now, linked_by=actor, keep_open=keep_open
                )
                for t in new
            ]
        )
        events.record(
            *[
                events.happened(
                    t,
                    EventKind.INCIDENT,
                    actor,
                    incident=incident.number,
                    title=incident.title,
                    action="linked",
                )  # fmt: skip
                for t in new
            ]
        )
        if new:
            Incident.objects.filter(pk=incident.pk).update(updated_at=now)
    return results


def ticket_unlink(*, incident: Incident, ticket: Ticket, actor: User) -> bool:
    """Take a ticket out of the incident (one event); returns whether it was in it."""
    with transaction.atomic():
        removed, _ = IncidentTicket.objects.filter(incident=incident, ticket=ticket).delete()
        if removed:
            events.record(
                events.happened(
                    ticket,
                    EventKind.INCIDENT,
                    actor,
                    incident=incident.number,
                    title=incident.title,
                    action="unlinked",
                )  # fmt: skip
            )
    return bool(removed)


def links_keep_open(*, incident: Incident, keep: Sequence[int]) -> int:
    """The linked tickets (by id) kept open when the incident resolves; the others are solved.
    Returns how many are kept open."""
    links = IncidentTicket.objects.filter(incident=incident)
    with transaction.atomic():
        links.filter(ticket_id__in=keep).update(keep_open=True)
        links.exclude(ticket_id__in=keep).update(keep_open=False)
    return links.filter(keep_open=True).count()


def symptom_words(text: str) -> str:
    """The words of a symptom as the search reads them (folded, letters and digits only)."""
    return " ".join(re.findall(r"\w+", fold(text)))[:200]


def suggested_tickets(incident: Incident, user: User, limit: int = SUGGESTED) -> list[Ticket]:
    """Open tickets `user` may see, opened since the incident began, whose words have every word
    of its symptom (the tickets' full-text search) and that no open incident gathers yet."""
    words = symptom_words(incident.symptom)
    if not words or incident.state not in OPEN_STATES:
        return []
    taken = IncidentTicket.objects.filter(incident__state__in=OPEN_STATES).values("ticket_id")
    return list(
        selectors.tickets_visible(user)
        .filter(
            text_match(user, words),
            status__in=OPEN_STATUSES,
            created_at__gte=incident.started_at,
        )
        .exclude(pk__in=taken)
        .select_related("requester")
        .order_by("-created_at", "-pk")[:limit]
    )


def incident_of(ticket_id: int) -> IncidentTicket | None:
    """The link of the ticket's latest incident (one query)."""
    return (
        IncidentTicket.objects.filter(ticket_id=ticket_id)
        .select_related("incident")
        .order_by("-incident__started_at", "-id")
        .first()
    )


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(state__in=OPEN_STATES).order_by("severity", "-started_at")


def _link_selection(*, ticket_ids: Sequence[int], into: int, actor: User) -> list[BulkResult]:
    """The queue's selection: link the tickets to the open incident numbered `into`."""
    if not actor.has_perm("incidents.manage_incident"):
        raise ValidationFailed(
            "Nothing was linked.", errors={"incident": ["You may not link tickets to incidents."]}
        )
    incident = Incident.objects.filter(number=into).first()
    if incident is None:
        raise ValidationFailed("Nothing was linked.", errors={"incident": ["No such incident."]})
    return tickets_link(incident=incident, ticket_ids=ticket_ids, actor=actor, limit=MAX_BULK)


def register() -> None:
    """Offer linking beside the bulk changes (IncidentsConfig.ready)."""
    selection_operations.register(
        "incident", SelectionOperation("Link to incident…", _link_selection)
    )
