"""What each app keeps about people, and how long: registries that governance reads.

Governance owns the requests and the rules (personal-data exports and erasures, legal holds,
retention periods). The apps that hold records of their own (the channels: received mail, chat
sessions, phone calls) register in their ready() how to find those records: what a person's
export holds of them and how an erasure reaches them (`personal_data_register`), and, per
retention class, which records ended before a cutoff and which of them a legal hold covers
(`record_class_register`). Governance never imports the channels' models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.core.registries import Registry


@dataclass(frozen=True)
class Holds:
    """The targets under an active legal hold."""

    organizations: frozenset[int]
    contacts: frozenset[int]
    tickets: frozenset[int]


def held_via_ticket(holds: Holds, prefix: str = "ticket__") -> Q:
    """Records whose ticket (at `prefix`) is held, or whose requester or organization is."""
    return (
        Q(**{f"{prefix}id__in": holds.tickets})
        | Q(**{f"{prefix}requester_id__in": holds.contacts})
        | Q(**{f"{prefix}organization_id__in": holds.organizations})
        | Q(**{f"{prefix}requester__organization_id__in": holds.organizations})
    )


def held_people(holds: Holds) -> Q:
    """Records with a ticket and a requester of their own (chats, calls) that a hold covers."""
    return (
        held_via_ticket(holds)
        | Q(requester_id__in=holds.contacts)
        | Q(requester__organization_id__in=holds.organizations)
    )


@dataclass(frozen=True)
class RecordClass:
    """One class of records with a retention period (its name is governance's RecordClass)."""

    name: str
    ended_before: Callable[[datetime], QuerySet[Any]]  # records that ended before the cutoff
    held: Callable[[Holds], Q]  # which of those a legal hold keeps
    # called inside the deleting transaction with the ids about to go (files, for instance)
    before_delete: Callable[[list[int]], None] | None = None
    # kept this many days unless governance's retention rule for the class says otherwise
    default_days: int | None = None


@dataclass(frozen=True)
class PersonalData:
    """What one app holds about a requester (a contact) and their tickets."""

    name: str  # the part's name in an export (`<name>.json`) and in the request's counts
    export: Callable[[Any, list[int]], list[dict[str, Any]]]  # (contact, ticket ids) -> rows
    # (contact, ticket ids, pseudonym) -> how many records were erased; in the caller's
    # transaction
    erase: Callable[[Any, list[int], str], int]


record_classes: Registry[RecordClass] = Registry("record classes kept by other apps")
personal_data: Registry[PersonalData] = Registry("personal data held by other apps")


def record_class_register(record_class: RecordClass) -> None:
    record_classes.register(record_class.name, record_class)


def personal_data_register(part: PersonalData) -> None:
    personal_data.register(part.name, part)
