"""Reads for the governance screens and services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from caredesk.accounts.capabilities import staff_members
from caredesk.accounts.models import Contact, User
from caredesk.compliance.records import Holds, record_classes
from caredesk.core import clock
from caredesk.governance.models import AccessReview, BreachTask, LegalHold, RetentionRule
from caredesk.governance.pure import RETENTION_DEFAULTS, ReviewFlags, review_flags


@dataclass(frozen=True)
class StaffRow:
    account: User
    roles: list[str]
    last_review: AccessReview | None
    flags: ReviewFlags
    roles_changed: bool


def staff_review_rows() -> list[StaffRow]:
    """Every active staff account with its roles, last review and flags (a fixed query count)."""
    now = clock.now()
    accounts = list(staff_members().prefetch_related("groups").order_by("name", "id"))
    latest: dict[int, AccessReview] = {}
    for review in AccessReview.objects.filter(account__in=accounts).select_related("reviewer"):
        known = latest.get(review.account_id)
        if known is None or review.signed_at > known.signed_at:
            latest[review.account_id] = review
    rows = []
    for account in accounts:
        roles = sorted(g.name for g in account.groups.all())
        last = latest.get(account.pk)
        flags = review_flags(
            now=now,
            joined=account.date_joined,
            last_review=last.signed_at if last else None,
            last_sign_in=account.last_login,
            review_days=settings.CAREDESK_ACCESS_REVIEW_DAYS,
            unused_days=settings.CAREDESK_UNUSED_ACCOUNT_DAYS,
        )
        changed = last is not None and last.roles != roles
        rows.append(StaffRow(account, roles, last, flags, changed))
    return rows


def retention_days() -> dict[str, int | None]:
    """Days kept per record class; None: the class is kept for ever (its rule is off)."""
    days: dict[str, int | None] = dict(RETENTION_DEFAULTS)
    for name, kept in record_classes.items():  # classes whose app gives their default
        if kept.default_days is not None:
            days.setdefault(name, kept.default_days)
    for rule in RetentionRule.objects.all():
        days[rule.record_class] = rule.keep_days if rule.active else None
    return days


def active_holds() -> Holds:
    rows = LegalHold.objects.filter(released_at__isnull=True).values_list(
        "organization_id", "contact_id", "ticket_id"
    )
    orgs, contacts, tickets = set(), set(), set()
    for org, contact, ticket in rows:
        if org:
            orgs.add(org)
        if contact:
            contacts.add(contact)
        if ticket:
            tickets.add(ticket)
    return Holds(frozenset(orgs), frozenset(contacts), frozenset(tickets))


def holds_on_contact(contact: Contact) -> QuerySet[LegalHold]:
    """Active holds that cover a requester: on them, their organization or one of their tickets."""
    cover = Q(contact=contact) | Q(ticket__requester=contact)
    if contact.organization_id:
        cover |= Q(organization_id=contact.organization_id)
    return LegalHold.objects.filter(cover, released_at__isnull=True)


@dataclass(frozen=True)
class TaskAlert:
    task: BreachTask
    overdue: bool


def _due_soon(now: datetime) -> QuerySet[BreachTask]:
    near = now + timedelta(hours=settings.CAREDESK_BREACH_NEAR_HOURS)
    return BreachTask.objects.filter(done_at__isnull=True, due_at__lte=near)


def breach_alerts(*, now: datetime | None = None) -> list[TaskAlert]:
    """Open notification tasks that are overdue or due soon, most urgent first."""
    now = now or clock.now()
    tasks = _due_soon(now).select_related("breach").order_by("due_at", "id")
    return [TaskAlert(t, t.due_at <= now) for t in tasks]


def breach_alerts_count() -> int:
    """How many notification tasks are overdue or due soon (one indexed count)."""
    return _due_soon(clock.now()).count()
