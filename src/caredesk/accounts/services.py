"""Writers for people: agents, requesters with portal logins, API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from caredesk.accounts.models import (
    AccountKind,
    ApiToken,
    Contact,
    ContactKind,
    Organization,
    Team,
    User,
)
from caredesk.accounts.roles import ROLE_AGENT
from caredesk.accounts.scopes import (
    ADMIN,
    ALL_SCOPES,
    PERSONAL_DEFAULT_DAYS,
    PERSONAL_MAX_DAYS,
    Grant,
    grant_attach,
    scopes_allowed,
    scopes_ordered,
)
from caredesk.compliance import audit
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed

SERVICE_DOMAIN = "service.invalid"  # a reserved name (RFC 2606): nothing is ever delivered


@transaction.atomic
def agent_create(
    *,
    email: str,
    name: str,
    password: str | None,
    role: str = ROLE_AGENT,
    teams: list[Team] | None = None,
) -> User:
    """Create a staff account in a role group and its teams."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationFailed("That account exists.", errors={"email": ["Already in use."]})
    user = User.objects.create_user(email=email, password=password, name=name, is_staff=True)
    group = Group.objects.filter(name=role).first()
    if group is None:
        raise ValidationFailed("Unknown role.", errors={"role": [f"No role named {role}."]})
    user.groups.add(group)
    if teams:
        user.teams.set(teams)
    return user


@transaction.atomic
def requester_create(
    *,
    email: str,
    name: str,
    organization: Organization | None = None,
    kind: str = ContactKind.OTHER,
    password: str | None = None,
    phone: str = "",
    date_of_birth: str = "",
) -> Contact:
    """Create a requester; with a password they can also sign in to the portal."""
    email = email.strip().lower()
    user = None
    if password is not None:
        user = User.objects.create_user(email=email, password=password, name=name)
    return Contact.objects.create(
        email=email,
        name=name,
        organization=organization,
        kind=kind,
        user=user,
        phone=phone,
        date_of_birth=date_of_birth,
    )


@transaction.atomic
def service_account_create(
    *, name: str, organization: Organization | None = None, role: str | None = None
) -> User:
    """Create a service account: an integration's account that uses API tokens only.

    It has no password, gets no session and no desk, and receives no mail. An organization's
    service account is a client admin of that organization and nothing more (its tokens are
    limited to it); an internal one (no organization) acts in a staff role.
    """
    name = " ".join(name.split())[:150]
    if not name:
        raise ValidationFailed("Name the service account.", errors={"name": ["Required."]})
    if (organization is None) == (role is None):
        raise ValidationFailed(
            "Give an organization or a role.",
            errors={
                "organization": [
                    "Give an organization (a client's integration) or a role "
                    "(an internal one), not both."
                ]
            },
        )
    base = slugify(name)[:40] or "service"
    email = f"{base}@{SERVICE_DOMAIN}"
    n = 1
    while User.objects.filter(email=email).exists():
        n += 1
        email = f"{base}-{n}@{SERVICE_DOMAIN}"
    return _service_account(email=email, name=name, organization=organization, role=role)


def _service_account(
    *, email: str, name: str, organization: Organization | None, role: str | None
) -> User:
    user = User.objects.create_user(
        email=email,
        password=None,  # unusable: no password sign-in
        name=name,
        kind=AccountKind.SERVICE,
        is_staff=role is not None,
    )
    if organization is not None:
        Contact.objects.create(
            email=None,
            name=name,
            kind=ContactKind.CLIENT_ADMIN,
            organization=organization,
            user=user,
        )
    if role is not None:
        group = Group.objects.filter(name=role).first()
        if group is None:
            raise ValidationFailed("Unknown role.", errors={"role": [f"No role named {role}."]})
        user.groups.add(group)
    return user


@transaction.atomic
def partner_account(*, organization: Organization) -> User:
    """The service account a partner's integration signs in with (by API token only), made
    once per organization: a client admin of its organization and nothing more."""
    email = f"partner-{organization.pk}@partners.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = _service_account(
            email=email,
            name=f"{organization.name} (integration)"[:150],
            organization=organization,
            role=None,
        )
    return user


def requester_for_email(*, email: str, name: str = "") -> Contact:
    """The requester with this address, or a new one (placed in the organization whose mail
    domain the address has). How mail and the public forms find who is writing."""
    email = email.strip().lower()
    contact = Contact.objects.select_related("organization").filter(email=email).first()
    if contact is not None:
        return contact
    domain = email.rsplit("@", 1)[-1] if "@" in email else ""
    org = Organization.objects.filter(email_domain__iexact=domain).first() if domain else None
    name = " ".join(name.split()) or email.split("@", 1)[0]
    try:
        return requester_create(email=email, name=name[:200], organization=org)
    except IntegrityError:  # another process (a concurrent mail pipe) added the address just now
        return Contact.objects.select_related("organization").get(email=email)


def _token_organization(user: User, organization: Organization | None) -> Organization | None:
    """The organization a new token is limited to: an organization's service account is always
    limited to its own; a requester may only limit to theirs."""
    contact = getattr(user, "contact", None)
    own: Organization | None = contact.organization if contact is not None else None
    if user.is_service_account and own is not None:
        if organization is not None and organization.pk != own.pk:
            raise ValidationFailed(
                "This account belongs to another organization.",
                errors={"organization": [f"Its tokens are limited to {own.name}."]},
            )
        return own
    if (
        organization is not None
        and contact is not None
        and organization.pk != contact.organization_id
    ):
        raise ValidationFailed(
            "You cannot limit a token to another organization.",
            errors={"organization": ["Choose your own organization or none."]},
        )
    return organization


def _token_scopes(
    user: User, scopes: list[str] | None, organization: Organization | None
) -> list[str]:
    allowed = scopes_allowed(user)
    if scopes is None:  # everything the role allows (what tokens could do before scopes)
        chosen = [s for s in allowed if not (organization is not None and s == ADMIN)]
    else:
        unknown = sorted(set(scopes) - set(ALL_SCOPES))
        if unknown:
            raise ValidationFailed(
                "Unknown scope.",
                errors={
                    "scopes": [
                        f"No scope named {', '.join(unknown)}; choose from {', '.join(ALL_SCOPES)}."
                    ]
                },
            )
        chosen = scopes_ordered(scopes)
        beyond = [s for s in chosen if s not in allowed]
        if beyond:
            raise ValidationFailed(
                "The account's role does not allow these scopes.",
                errors={"scopes": [f"Not allowed for this account's role: {', '.join(beyond)}."]},
            )
    if organization is not None and ADMIN in chosen:
        raise ValidationFailed(
            "Administration is not limited to one organization.",
            errors={"scopes": ["A token limited to an organization cannot have admin."]},
        )
    if not chosen:
        raise ValidationFailed(
            "A token needs at least one scope.",
            errors={"scopes": ["Choose at least one scope this account's role allows."]},
        )
    return chosen


def _token_expiry(user: User, expires_at: datetime | None) -> datetime | None:
    now = clock.now()
    if expires_at is None:
        # people's tokens always expire; an integration's expires only when asked to
        return None if user.is_service_account else now + timedelta(days=PERSONAL_DEFAULT_DAYS)
    if expires_at <= now:
        raise ValidationFailed(
            "The expiry is in the past.", errors={"expires_at": ["Choose a future date."]}
        )
    if not user.is_service_account and expires_at > now + timedelta(days=PERSONAL_MAX_DAYS):
        raise ValidationFailed(
            "Personal tokens last at most a year.",
            errors={"expires_at": [f"At most {PERSONAL_MAX_DAYS} days from now."]},
        )
    return expires_at


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    scopes: list[str] | None = None,
    organization: Organization | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create an API token; the secret is returned once and only its digest is kept.

    `scopes` default to every scope the owner's role allows; `expires_at` to 90 days for a
    person's token and to never for a service account's.
    """
    if not user.is_active:
        raise ValidationFailed("The account is deactivated.", errors={"user": ["Not active."]})
    organization = _token_organization(user, organization)
    chosen = _token_scopes(user, scopes, organization)
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=" ".join(name.split())[:100] or "API token",
        digest=ApiToken.digest_of(secret),
        hint=secret[:8],
        scopes=chosen,
        organization=organization,
        created_at=clock.now(),
        expires_at=_token_expiry(user, expires_at),
    )
    _token_audited(AuditAction.TOKEN_CREATED, token)
    return token, secret


def token_revoke(*, token: ApiToken) -> None:
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True)
    if revoked.update(revoked_at=clock.now()):
        _token_audited(AuditAction.TOKEN_REVOKED, token)


def _token_audited(action: str, token: ApiToken) -> None:
    """Who made or ended which token, its owner and its grant, in the access audit (whichever
    screen or command did it: the desk's token page, the admin, `caredesk token`)."""
    audit.record(
        action=action,
        object_type="accounts.apitoken",
        object_id=token.pk,
        organization_id=token.organization_id,
        fields=[f"owner:{token.user_id}", *token.scopes],
    )


class TokenRefused(Exception):
    """A token that does not authenticate; the message says why, for the caller."""


def token_authenticate(secret: str) -> User:
    """The active account a token secret belongs to, carrying the token's grant.

    Raises TokenRefused (unknown, revoked, expired, or the account is deactivated).
    """
    token = None
    if secret.startswith(ApiToken.PREFIX):
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(secret))
            .first()
        )
    now = clock.now()
    if token is None:
        raise TokenRefused("Unknown API token.")
    if token.revoked_at is not None:
        raise TokenRefused("This API token was revoked.")
    if token.expired_at(now):
        assert token.expires_at is not None
        when = token.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        raise TokenRefused(f"This API token expired on {when}; create a new one.")
    if not token.user.is_active:
        raise TokenRefused("The API token's account is deactivated.")
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user: User = token.user
    grant_attach(
        user,
        Grant(
            token_id=token.pk, scopes=frozenset(token.scopes), organization_id=token.organization_id
        ),
    )
    return user


def token_user(secret: str) -> User | None:
    """Return the active user a usable token secret belongs to, or None."""
    try:
        return token_authenticate(secret)
    except TokenRefused:
        return None
