"""API token scopes: what a token may be used for, on top of what its owner's role allows.

A scope never grants anything: every operation still asks the owner's role (the same checks a
browser session meets). A token without the operation's scope is refused before that. Which
scopes a person may give a token follows from their role's permissions, checked at creation.

A token that passed authentication leaves a `Grant` on the user object of its request, so the
selectors can limit what they read to the token's organization.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

TICKETS_READ = "tickets:read"
TICKETS_WRITE = "tickets:write"
CONTACTS = "contacts"
AUDIT_READ = "audit:read"
ONCALL = "oncall"
COMPLAINTS = "complaints"
DEVICES = "devices"
KNOWLEDGE = "knowledge"
QUALITY = "quality"
TRAINING = "training"
INCIDENTS = "incidents"
ADMIN = "admin"

# Personal tokens expire; this many days unless their owner chooses (up to the maximum).
PERSONAL_DEFAULT_DAYS = 90
PERSONAL_MAX_DAYS = 365


# configuration a token may change or try (any one of them allows the admin scope)
ADMIN_PERMISSIONS = (
    "sla.add_slapolicy",
    "sla.change_slapolicy",
    "sla.delete_slapolicy",
    "sla.add_calendar",
    "sla.change_calendar",
    "rules.simulate_policy",
)


@dataclass(frozen=True)
class Scope:
    name: str
    label: str
    description: str
    # a role allows the scope when it has any of these permissions...
    permissions: tuple[str, ...]
    # ...or, for accounts that are requesters (patients, clinicians, partner integrations):
    requesters: bool = False  # any requester
    client_admins: bool = False  # an organization's administrators only


SCOPES: dict[str, Scope] = {
    s.name: s
    for s in (
        Scope(
            TICKETS_READ,
            "Read tickets",
            "List and read tickets, their conversations and attachments, and the service "
            "levels they are held to (policies, calendars, achievement).",
            ("tickets.view_ticket",),
            requesters=True,
        ),
        Scope(
            TICKETS_WRITE,
            "Write tickets",
            "Open tickets, reply, add notes, change and escalate tickets, report video-session "
            "failures.",
            ("tickets.add_ticket", "tickets.change_ticket"),
            requesters=True,
        ),
        Scope(
            CONTACTS,
            "Contacts",
            "Read organizations, contacts and teams; create contacts.",
            ("accounts.view_contact", "accounts.view_organization"),
            requesters=True,
        ),
        Scope(
            ONCALL,
            "On-call",
            "Read on-call schedules and who is on call now, add and remove overrides, list "
            "pages and acknowledge them.",
            ("oncall.view_schedule", "oncall.view_page", "oncall.acknowledge_page"),
        ),
        Scope(
            COMPLAINTS,
            "Complaint files",
            "Read, open and complete complaint files, record reportability decisions, export "
            "them and read their trends.",
            ("complaints.view_complaint",),
        ),
        Scope(
            DEVICES,
            "Devices",
            "Read assets (serials, owners, warranty and entitlement), service plans and "
            "contracts, spare parts and their stock; register, change and import assets, make "
            "and cancel contracts, receive and adjust stock, open and work RMA repairs where "
            "the owner's role allows.",
            ("devices.view_asset",),
        ),
        Scope(
            KNOWLEDGE,
            "Knowledge base",
            "Search and read published help articles (the public ones for requesters); authors "
            "create, change, submit and publish articles and read the top articles.",
            ("knowledge.view_article",),
            requesters=True,
        ),
        Scope(
            QUALITY,
            "Quality reviews",
            "Read the QA reviews of your work; reviewers read their queue and submit reviews, "
            "leads read the reports.",
            ("qa.receive_review", "qa.review_quality"),
        ),
        Scope(
            TRAINING,
            "Training",
            "Read one's training and certifications, record shadowed interactions, take exams, "
            "sign off shadowing and approve held replies where certified; training managers "
            "read everyone's certifications and grant them.",
            ("training.view_skill",),
        ),
        Scope(
            INCIDENTS,
            "Incidents",
            "List and read incidents; declare them, post updates (told to the linked "
            "requesters), link tickets and resolve them where the owner's role allows.",
            ("incidents.view_incident",),
        ),
        Scope(
            AUDIT_READ,
            "Read the access audit",
            "Read the access audit (an organization's accounts: that organization's entries).",
            ("compliance.view_auditentry",),
            client_admins=True,
        ),
        Scope(
            ADMIN,
            "Administration",
            "Change service-level policies and calendars; try protocols on a ticket.",
            ADMIN_PERMISSIONS,
        ),
    )
}
ALL_SCOPES = tuple(SCOPES)


def scopes_allowed(user: Any) -> list[str]:
    """The scopes `user`'s role lets them give a token, in catalogue order."""
    if not user.is_active:
        return []
    contact = getattr(user, "contact", None)
    return [
        name
        for name, scope in SCOPES.items()
        if any(user.has_perm(p) for p in scope.permissions)
        or (contact is not None and scope.requesters)
        or (contact is not None and scope.client_admins and contact.is_org_admin)
    ]


def scopes_ordered(names: Iterable[str]) -> list[str]:
    """Known scope names in catalogue order, each once (unknown names are dropped)."""
    wanted = set(names)
    return [name for name in ALL_SCOPES if name in wanted]


@dataclass(frozen=True)
class Grant:
    """What the token a request came with allows: its scopes and its organization, if any."""

    token_id: int
    scopes: frozenset[str]
    organization_id: int | None


_GRANT = "_caredesk_token_grant"


def grant_attach(user: Any, grant: Grant) -> None:
    setattr(user, _GRANT, grant)


def grant_of(user: Any) -> Grant | None:
    """The token's grant, or None for a browser session (which has every scope of its user)."""
    return getattr(user, _GRANT, None)


def organization_limit(user: Any) -> int | None:
    """The one organization a token limits its requests to, or None (no limit)."""
    grant = grant_of(user)
    return grant.organization_id if grant is not None else None
