"""Writers for people: agents, requesters with portal logins, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from caredesk.accounts.models import ApiToken, Contact, ContactKind, Organization, Team, User
from caredesk.accounts.roles import ROLE_AGENT
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed


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
def partner_account(*, organization: Organization) -> User:
    """The service account a partner's integration signs in with (by API token only).

    It is a client admin of its organization and nothing more: it reads and reports that
    organization's tickets and no other. It has no password and receives no mail.
    """
    email = f"partner-{organization.pk}@partners.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, name=f"{organization.name} (integration)"[:150]
        )
        Contact.objects.create(
            email=None,
            name=user.name,
            kind=ContactKind.CLIENT_ADMIN,
            organization=organization,
            user=user,
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


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token; the secret is returned once and only its digest is kept."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100] or "API token",
        digest=ApiToken.digest_of(secret),
        hint=secret[:8],
        created_at=clock.now(),
    )
    return token, secret


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())


def token_user(secret: str) -> User | None:
    """Return the active user a token secret belongs to, or None."""
    if not secret.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
