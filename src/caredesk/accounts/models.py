"""People and organizations: staff users, requesters, clients and teams (queues)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from email.utils import parseaddr
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac

from caredesk.core.phi import EncryptedCharField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class AccountKind(models.TextChoices):
    PERSON = "person", "Person"
    # an integration's account: API tokens only, never a password, a session or the desk
    SERVICE = "service", "Service account"


class User(AbstractUser):
    """Anyone who signs in: staff (in a role, see accounts/capabilities.py) or requesters with
    a portal login; or a service account, which calls the API with its tokens and never signs
    in. `is_staff` only lets a person into Django's admin site."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=16, choices=AccountKind.choices, default=AccountKind.PERSON, editable=False
    )
    timezone = models.CharField(max_length=64, default="UTC")
    # Part of every session's signature: a new value ends all of the person's sessions.
    session_token = models.CharField(max_length=32, blank=True, default="", editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]
    # users are made by e-mail, so this is not the stubs' username-based UserManager
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_agent(self) -> bool:
        """Works tickets: decided by the role's permissions (accounts/capabilities.py)."""
        from caredesk.accounts.capabilities import works_tickets

        return works_tickets(self)

    @property
    def is_service_account(self) -> bool:
        return self.kind == AccountKind.SERVICE

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django signs sessions with the password hash (a new password ends them); the session
        # token adds "sign out everywhere". Empty, it gives Django's own signature.
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(
            key_salt, self.password + self.session_token, secret=secret, algorithm="sha256"
        ).hexdigest()


def desk_people() -> Q:
    """The people an account manager or an on-call post may name: those whose role works
    tickets (decided by permissions, as everywhere; never by `is_staff`)."""
    from caredesk.accounts.capabilities import assignable_users  # it reads this module

    return Q(pk__in=assignable_users().values("pk"))


class Plan(models.TextChoices):
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"


class OrganizationKind(models.TextChoices):
    CLINIC = "clinic", "Clinic"
    HOSPITAL_NETWORK = "hospital_network", "Hospital network"
    EMPLOYER = "employer", "Employer"
    DISTRIBUTOR = "distributor", "Device distributor"
    OTHER = "other", "Other"


def validate_sender(value: str) -> None:
    """A sender as mail writes it: an address, optionally with a display name."""
    name, address = parseaddr(value)
    if not address or "@" not in address:
        raise ValidationError(
            'Give an address, optionally with a name: "Support <help@x.example>".'
        )
    validate_email(address)


class Organization(models.Model):
    """A client of the support desk, with its support plan and account manager."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(
        max_length=32, choices=OrganizationKind.choices, default=OrganizationKind.CLINIC
    )
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.STANDARD)
    account_manager = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organizations",
        limit_choices_to=desk_people,
    )
    email_domain = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    mail_from = models.CharField(
        max_length=300,
        blank=True,
        default="",
        validators=[validate_sender],
        help_text="Sender of mail to this client's requesters, e.g. \"Willowmere Support "
        "<help@willowmere.example>\"; empty: the desk's own sender.",
    )
    mail_reply_to = models.EmailField(
        blank=True,
        default="",
        help_text="Address replies go to (a ticket token is added to it); empty: the desk's own.",
    )
    notes = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactKind(models.TextChoices):
    PATIENT = "patient", "Patient"
    CLINICIAN = "clinician", "Clinician"
    CLIENT_ADMIN = "client_admin", "Client admin"
    OTHER = "other", "Other"


class Contact(models.Model):
    """A requester. May exist without a login (email, phone); portal users link a User."""

    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True, null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True, default="")
    kind = models.CharField(max_length=16, choices=ContactKind.choices, default=ContactKind.OTHER)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    # Health information: encrypted at rest (ISO date), masked for staff without view_phi.
    date_of_birth = EncryptedCharField(max_length=10, blank=True, default="")
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "name"], name="contact_org_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    @property
    def is_org_admin(self) -> bool:
        return self.kind == ContactKind.CLIENT_ADMIN and self.organization_id is not None


class Tier(models.IntegerChoices):
    TIER1 = 1, "Tier 1"
    TIER2 = 2, "Tier 2"
    TIER3 = 3, "Tier 3"


class Team(models.Model):
    """A group of agents; every team is also a queue."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, null=True, blank=True)
    description = models.TextField(blank=True, default="")
    members = models.ManyToManyField(User, blank=True, related_name="teams")
    on_call = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to=desk_people,
        help_text="Who is paged now (for example the on-call clinical liaison).",
    )
    lead = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The team lead: escalation policies may page them.",
    )
    email = models.EmailField(blank=True, default="", help_text="The team's shared mailbox.")

    class Meta:
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A per-user API token; only its SHA-256 digest is stored.

    `scopes` narrow what the token may do (the owner's role still decides); `organization`,
    when set, limits it to that organization's tickets, contacts and audit entries; past
    `expires_at` it is refused.
    """

    PREFIX = "cdt_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    scopes = models.JSONField(default=list)
    # CASCADE, never SET_NULL: a limited token must not widen when its organization goes
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def expired_at(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class ServiceAccount(User):
    """Service accounts in the admin site (the same rows as User)."""

    class Meta:
        proxy = True
        verbose_name = "service account"


class SecondFactor(models.Model):
    """A person's authenticator app (TOTP). Confirmed once a code from the app was typed."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="second_factor")
    # encrypted like health information: a copy of the database alone cannot make codes
    secret = EncryptedCharField(max_length=64)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # the last 30-second step a code was accepted for: no code is accepted twice
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Authenticator of {self.user}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use code for signing in without the authenticator; only its digest is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_once_per_user")
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.user}"
