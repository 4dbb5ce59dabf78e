"""factory_boy factories: invented people and organizations only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory
from django.contrib.auth.models import Group
from django.test import Client

from caredesk.accounts import totp
from caredesk.accounts.models import (
    Contact,
    ContactKind,
    Organization,
    Plan,
    SecondFactor,
    Team,
    User,
)
from caredesk.accounts.roles import ROLE_AGENT, ROLE_SUPERVISOR
from caredesk.accounts.sessions import mark_signed_in
from caredesk.accounts.signin import METHOD_TOTP, mfa_confirm, mfa_start
from caredesk.core import clock
from caredesk.tickets.models import RequestField, RequestType
from caredesk.tickets.services import Body, NewTicket, ticket_open

PASSWORD = "correct-horse-battery"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Willowmere Clinic {n}")
    plan = Plan.STANDARD


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@caredesk.example")
    name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def finish(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


class AgentFactory(UserFactory):
    is_staff = True
    email = factory.Sequence(lambda n: f"agent{n}@caredesk.example")
    name = factory.Sequence(lambda n: f"Agent {n}")

    @factory.post_generation
    def role(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.groups.add(Group.objects.get(name=extracted or ROLE_AGENT))

    @factory.post_generation
    def teams(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create and extracted:
            obj.teams.set(extracted)


def supervisor(**kw: Any) -> User:
    return AgentFactory(role=ROLE_SUPERVISOR, **kw)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Requester {n}")
    email = factory.Sequence(lambda n: f"requester{n}@patients.example")
    kind = ContactKind.PATIENT
    organization = factory.SubFactory(OrganizationFactory)


def requester_with_login(**kw: Any) -> Contact:
    """A requester who can sign in to the portal."""
    contact: Contact = ContactFactory(**kw)
    contact.user = UserFactory(email=contact.email, name=contact.name)
    contact.save()
    return contact


class RequestTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestType

    name = factory.Sequence(lambda n: f"Request type {n}")
    slug = factory.Sequence(lambda n: f"request-type-{n}")


class RequestFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestField

    request_type = factory.SubFactory(RequestTypeFactory)
    key = factory.Sequence(lambda n: f"field{n}")
    label = factory.Sequence(lambda n: f"Field {n}")


def make_ticket(requester: Contact | None = None, actor: Any = None, **kw: Any) -> Any:
    """Open a ticket through the service, as every channel does."""
    requester = requester or ContactFactory()
    body = kw.pop("body", "The video visit would not connect.")
    data = NewTicket(
        requester=requester,
        subject=kw.pop("subject", "Unable to connect"),
        body=Body(text=body),
        **kw,
    )
    return ticket_open(data=data, actor=actor or requester)


# --- two-step sign-in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolled:
    secret: str
    recovery_codes: list[str]


def enroll_second_factor(user: User) -> Enrolled:
    """Set up an authenticator for the person, as the enrolment page does."""
    factor = mfa_start(user=user)
    codes = mfa_confirm(user=user, code=totp.code_at(factor.secret, clock.now().timestamp()))
    return Enrolled(secret=factor.secret, recovery_codes=codes)


def second_step_code(user: User) -> str:
    """A code the person's authenticator would show that the desk has not accepted yet.

    Tests sign one person in many times within one 30-second step (the test clock stands
    still), so when every step within the allowed drift was used the replay marker is rewound.
    """
    factor = SecondFactor.objects.get(user=user)
    now = clock.now().timestamp()
    step = totp.step_at(now)
    for candidate in range(step - totp.DRIFT_STEPS, step + totp.DRIFT_STEPS + 1):
        if candidate > factor.last_step:
            return totp.code_at(factor.secret, candidate * totp.STEP_SECONDS)
    SecondFactor.objects.filter(pk=factor.pk).update(last_step=0)
    return totp.code_at(factor.secret, now)


def complete_second_step(client: Client, user: User) -> Any:
    """After the password: type the authenticator's code on the second-step page."""
    return client.post("/login/code/", {"code": second_step_code(user)})


def signed_in(user: User) -> Client:
    """A test client signed in as `user`, past the second step."""
    client = Client()
    login_verified(client, user)
    return client


def login_verified(client: Client, user: User) -> None:
    """`client.force_login` for a session that passed the second step (as a real sign-in does).

    Without it a staff session made by force_login is refused by the session rules, which is
    what protects the desk from any sign-in path that skips the second step.
    """
    client.force_login(user)
    session = client.session
    mark_signed_in(session, METHOD_TOTP)
    session.save()
