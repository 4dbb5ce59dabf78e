"""What a person may do, decided by the permissions their roles give them, never by `is_staff`.

`is_staff` only opens the door of Django's admin site (Django asks for it); everything the desk,
the API, live chat and the admin show is decided here. A role is a group of permissions
(accounts/roles.py): an agent works tickets because the role gives `tickets.view_ticket` and
`tickets.change_ticket`, not because the account is staff. A compliance officer is staff too
(to reach the audit and governance screens) but works no ticket, so every ticket, note and chat
stays hidden from the role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from caredesk.accounts.models import AccountKind, User
from caredesk.accounts.roles import EXPORT_PERSONAL_DATA  # the privacy role's, never admins'

# what an agent's role holds to see and work the desk's tickets (queue, notes, chats)
TICKET_WORK = ("tickets.view_ticket", "tickets.change_ticket")
# configuring the desk (the admin site's ticket records, unmasked: never; see admin)
TICKETS_ALL = "tickets.view_all_tickets"
PHI = "tickets.view_phi"


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_person(user: Any) -> bool:
    """Someone who signs in, not an integration's service account."""
    return _signed_in(user) and getattr(user, "kind", AccountKind.PERSON) != AccountKind.SERVICE


def is_staff_member(user: Any) -> bool:
    """Anyone a role gives a permission (agents, supervisors, administrators, compliance
    officers) or a superuser: the desk's people, as against requesters, who hold none."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser or user.get_all_permissions())


def guarded_strictly(user: Any) -> bool:
    """Who signs in with a second factor and has the shorter idle limit: anyone a role gives a
    permission, and anyone who may open Django's admin site (`is_staff` opens only that door)."""
    return is_staff_member(user) or bool(_signed_in(user) and user.is_staff)


def works_tickets(user: Any) -> bool:
    """Sees the desk's tickets (by team) and works them: notes, replies, changes. A service
    account acting in such a role does too (through the API)."""
    return _signed_in(user) and all(user.has_perm(p) for p in TICKET_WORK)


def reads_internal_notes(user: Any) -> bool:
    """Internal notes (and their attachments) are for the people working the ticket."""
    return works_tickets(user)


def sees_all_tickets(user: Any) -> bool:
    """Every ticket, whatever its team (supervisors, superusers)."""
    return works_tickets(user) and (user.is_superuser or user.has_perm(TICKETS_ALL))


def may_be_assigned(user: Any) -> bool:
    """A person working tickets; never a service account or a role that works no ticket."""
    return is_person(user) and works_tickets(user)


def is_chat_agent(user: Any) -> bool:
    """Takes visitors' chats: a person who works tickets (a chat is a ticket)."""
    return may_be_assigned(user)


def may_export_personal_data(user: Any) -> bool:
    """Produces a data subject's export (their own data, unmasked): the privacy role, by its
    dedicated permission; not administrators, not superusers by being one."""
    return is_person(user) and _holds(user, EXPORT_PERSONAL_DATA)


def _holds(user: Any, dotted: str) -> bool:
    """Given `dotted` by a role or directly (a superuser's all-permissions does not count)."""
    if not user.is_superuser:
        return bool(user.has_perm(dotted))
    return User.objects.filter(holding(dotted), pk=user.pk).exists()


def holding(dotted: str) -> Q:
    """Accounts given the permission `dotted` by a role or directly (for querysets)."""
    app_label, codename = dotted.split(".")
    return Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )


def _holding_all(perms: tuple[str, ...]) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True)
    for dotted in perms:
        ids = User.objects.filter(holding(dotted)).values("pk")
        qs = qs.filter(Q(is_superuser=True) | Q(pk__in=ids))
    return qs


def ticket_workers() -> QuerySet[User]:
    """Active accounts that work tickets (service accounts included)."""
    return _holding_all(TICKET_WORK)


def assignable_users() -> QuerySet[User]:
    """The people a ticket may be given to, by name."""
    return ticket_workers().exclude(kind=AccountKind.SERVICE).order_by("name", "pk")


def staff_members() -> QuerySet[User]:
    """Active accounts holding any permission (the desk's people and internal integrations),
    or superusers: those an access review signs off and the audit filters by."""
    with_any = User.objects.filter(
        Q(groups__permissions__isnull=False) | Q(user_permissions__isnull=False)
    ).values("pk")
    return User.objects.filter(Q(is_superuser=True) | Q(pk__in=with_any), is_active=True)
