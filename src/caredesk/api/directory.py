"""Organizations, contacts and teams, each limited to what the caller may see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import Contact, Organization, Team, User
from caredesk.accounts.scopes import CONTACTS, organization_limit
from caredesk.accounts.services import requester_create
from caredesk.api import serialize
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import (
    MAX_ID,
    ContactIn,
    ContactOut,
    ContactPageOut,
    Id,
    ListQuery,
    OrganizationOut,
    OrganizationPageOut,
    TeamOut,
)
from caredesk.core import clock
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.core.pagination import BadCursor, decode_cursor, encode_cursor
from caredesk.tickets.selectors import can_view_phi

router = Router(tags=["directory"])
Visible = Callable[[User], QuerySet[Any]]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _birth_date(text: str | None) -> str:
    """A date of birth as given (YYYY-MM-DD), checked to be a real date in the past."""
    if not text:
        return ""
    try:
        born = date.fromisoformat(text)
    except ValueError:
        born = None
    if born is None or born > clock.now().date():
        raise ValidationFailed(
            "The date of birth is not valid.",
            errors={"date_of_birth": ["Give a real past date as YYYY-MM-DD."]},
        )
    return born.isoformat()


def _phi_shown(request: HttpRequest, contact: Contact) -> bool:
    """A contact's health information: for staff with access to PHI, and for the contact."""
    if not contact.date_of_birth:
        return True  # nothing to hide: no need to read the permissions
    user = _user(request)
    return can_view_phi(user) or (contact.user_id is not None and contact.user_id == user.pk)


def _token_limited(field: str) -> Callable[[Visible], Visible]:
    """Limit a "visible to" query to the organization of a token limited to one."""

    def decorator(visible: Visible) -> Visible:
        @wraps(visible)
        def limited(user: User) -> QuerySet[Any]:
            organization_id = organization_limit(user)
            qs = visible(user)
            return qs if organization_id is None else qs.filter(**{field: organization_id})

        return limited

    return decorator


@_token_limited("pk")
def _orgs_visible(user: User) -> QuerySet[Organization]:
    if user.has_perm("accounts.view_organization"):
        return Organization.objects.all()
    contact = getattr(user, "contact", None)
    if contact is None or contact.organization_id is None:
        return Organization.objects.none()
    return Organization.objects.filter(pk=contact.organization_id)


@_token_limited("organization_id")
def _contacts_visible(user: User) -> QuerySet[Contact]:
    if user.has_perm("accounts.view_contact"):
        return Contact.objects.all()
    contact = getattr(user, "contact", None)
    if contact is None:
        return Contact.objects.none()
    if contact.is_org_admin:
        return Contact.objects.filter(Q(organization_id=contact.organization_id) | Q(pk=contact.pk))
    return Contact.objects.filter(pk=contact.pk)


def _page(qs: QuerySet[Any], query: ListQuery) -> tuple[list[Any], str | None]:
    """Keyset page ordered by name then id."""
    if not 1 <= query.limit <= 100:
        raise ValidationFailed("The page size is not valid.", errors={"limit": ["Use 1 to 100."]})
    if query.cursor:
        try:
            name, pk = decode_cursor(query.cursor)
            # Only our own cursors: a name (no NUL, which databases refuse) and a 64-bit id.
            if not isinstance(name, str) or "\x00" in name or not 0 < pk <= MAX_ID:
                raise BadCursor("cursor is not valid")
        except BadCursor:
            raise ValidationFailed(
                "The cursor is not valid.", errors={"cursor": ["Start again."]}
            ) from None
        qs = qs.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    rows = list(qs.order_by("name", "pk")[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return rows, (encode_cursor(rows[-1].name, rows[-1].pk) if more and rows else None)


@router.get(
    "/organizations",
    auth=needs_scope(CONTACTS),
    response=OrganizationPageOut,
    summary="List organizations",
    openapi_extra=documented(401, 422),
)
def organization_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    qs = _orgs_visible(_user(request)).select_related("account_manager")
    if query.q.strip():
        qs = qs.filter(name__icontains=query.q.strip())
    rows, cursor = _page(qs, query)
    return {"items": [serialize.organization_out(o) for o in rows], "next_cursor": cursor}


@router.get(
    "/organizations/{org_id}",
    auth=needs_scope(CONTACTS),
    response=OrganizationOut,
    summary="Get an organization",
    openapi_extra=documented(401, 404, 422),
)
def organization_get(request: HttpRequest, org_id: Id) -> dict[str, Any]:
    org = _orgs_visible(_user(request)).select_related("account_manager").filter(pk=org_id).first()
    if org is None:
        raise NotFound("No such organization.")
    return serialize.organization_out(org)


@router.get(
    "/contacts",
    auth=needs_scope(CONTACTS),
    response=ContactPageOut,
    summary="List contacts (requesters)",
    openapi_extra=documented(401, 422),
)
def contact_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    qs = _contacts_visible(_user(request)).select_related("organization")
    if query.organization is not None:
        qs = qs.filter(organization_id=query.organization)
    if query.q.strip():
        text = query.q.strip()
        qs = qs.filter(Q(name__icontains=text) | Q(email__icontains=text))
    rows, cursor = _page(qs, query)
    return {
        "items": [serialize.contact_out(c, phi_shown=_phi_shown(request, c)) for c in rows],
        "next_cursor": cursor,
    }


@router.get(
    "/contacts/{contact_id}",
    auth=needs_scope(CONTACTS),
    response=ContactOut,
    summary="Get a contact",
    openapi_extra=documented(401, 404, 422),
)
def contact_get(request: HttpRequest, contact_id: Id) -> dict[str, Any]:
    contact = (
        _contacts_visible(_user(request))
        .select_related("organization")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise NotFound("No such contact.")
    return serialize.contact_out(contact, phi_shown=_phi_shown(request, contact))


@router.post(
    "/contacts",
    auth=needs_scope(CONTACTS),
    response={201: ContactOut},
    summary="Create a contact",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def contact_create(request: HttpRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    user = _user(request)
    if not (works_tickets(user) or user.has_perm("accounts.add_contact")):
        raise PermissionDenied("Only agents can create contacts.")
    if Contact.objects.filter(email=payload.email.lower()).exists():
        raise ValidationFailed("That contact exists.", errors={"email": ["Already in use."]})
    org = None
    org_id = _organization_for_new_contact(user, payload.organization)
    if org_id is not None:
        org = Organization.objects.filter(pk=org_id).first()
        if org is None:
            raise ValidationFailed("Unknown organization.", errors={"organization": ["Not found."]})
    contact = requester_create(
        email=payload.email,
        name=payload.name,
        organization=org,
        kind=payload.kind,
        phone=payload.phone,
        date_of_birth=_birth_date(payload.date_of_birth),
    )
    return Status(201, serialize.contact_out(contact, phi_shown=_phi_shown(request, contact)))


def _organization_for_new_contact(user: User, given: int | None) -> int | None:
    """A token limited to an organization creates contacts in it, and only there."""
    limit = organization_limit(user)
    if limit is not None and given not in (None, limit):
        raise ValidationFailed(
            "This token is limited to another organization.",
            errors={"organization": [f"Leave this out or give {limit}."]},
        )
    return limit if given is None else given


@router.get(
    "/teams",
    auth=needs_scope(CONTACTS),
    response=list[TeamOut],
    summary="List teams (queues)",
    openapi_extra=documented(401, 403),
)
def team_list(request: HttpRequest) -> list[Team]:
    if not _user(request).has_perm("accounts.view_team"):
        raise PermissionDenied("Only agents can list teams.")
    return list(Team.objects.order_by("tier", "name"))
