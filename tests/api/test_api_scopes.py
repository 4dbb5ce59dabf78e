"""Token scopes, organization limits and expiry: what a token may do on top of its owner's role."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.models import Contact, ContactKind, User
from caredesk.accounts.roles import ROLE_ADMIN, ROLE_AGENT, ROLE_COMPLIANCE, ROLE_SUPERVISOR
from caredesk.accounts.scopes import (
    ADMIN,
    ALL_SCOPES,
    AUDIT_READ,
    COMPLAINTS,
    CONTACTS,
    DEVICES,
    INCIDENTS,
    KNOWLEDGE,
    ONCALL,
    QUALITY,
    TICKETS_READ,
    TICKETS_WRITE,
    TRAINING,
    scopes_allowed,
)
from caredesk.accounts.services import (
    service_account_create,
    token_create,
    token_revoke,
)
from caredesk.compliance.audit import Access, record_many
from caredesk.compliance.models import AuditAction
from caredesk.core.errors import ValidationFailed
from caredesk.sla.models import SlaPolicy
from caredesk.tickets.models import Ticket
from tests.api.conftest import API, assert_problem, counts
from tests.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db


class Token:
    """A JSON client with one token's secret."""

    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        if method == "get":
            return self.client.get(API + path, params, headers=self.headers)
        return getattr(self.client, method)(
            API + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.call("get", path, **params)

    def post(self, path: str, body: Any) -> Any:
        return self.call("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("patch", path, body)


def token(user: User, **kw: Any) -> Token:
    _token, secret = token_create(user=user, name=kw.pop("name", "scoped"), **kw)
    return Token(secret)


@pytest.fixture
def superuser() -> User:
    """A role that allows every scope, so the scope alone decides."""
    user = AgentFactory(role=ROLE_ADMIN)
    user.is_superuser = True
    user.save()
    return user


def _policy_id() -> int:
    return SlaPolicy.objects.order_by("position").values_list("pk", flat=True).first() or 1


# (scope, method, path, body): one or more representative operations per scope
REPRESENTATIVE = [
    (TICKETS_READ, "get", "/tickets", None),
    (TICKETS_READ, "get", "/tickets/{ticket}", None),
    (TICKETS_READ, "get", "/tickets/{ticket}/messages", None),
    (TICKETS_READ, "get", "/sla/calendars", None),
    (TICKETS_WRITE, "post", "/tickets", {"subject": "Scoped", "requester_id": "{requester}"}),
    (TICKETS_WRITE, "patch", "/tickets/{ticket}", {"priority": 2}),
    (TICKETS_WRITE, "post", "/tickets/{ticket}/messages", {"body": "Checked it."}),
    (TICKETS_WRITE, "post", "/tickets/{ticket}/safety", {"action": "review"}),
    (CONTACTS, "get", "/contacts", None),
    (CONTACTS, "get", "/organizations", None),
    (CONTACTS, "post", "/contacts", {"name": "Rhea Vantongeren", "email": "rhea@vh.example"}),
    (ONCALL, "get", "/oncall/schedules", None),
    (ONCALL, "get", "/oncall/pages", None),
    (COMPLAINTS, "get", "/complaints", None),
    (DEVICES, "get", "/assets", None),
    (QUALITY, "get", "/qa/reviews", None),
    (INCIDENTS, "get", "/incidents", None),
    (AUDIT_READ, "get", "/audit", None),
    (ADMIN, "patch", "/sla/policies/{policy}", {"active": True}),
    (ADMIN, "post", "/rules/simulate", {"ticket": {"subject": "Cannot connect"}}),
]


def _fill(path: str, world: Any, ticket: Ticket) -> str:
    return path.format(ticket=ticket.pk, requester=world.requester.pk, policy=_policy_id())


def _body(body: Any, world: Any) -> Any:
    if body is None:
        return None
    return json.loads(json.dumps(body).replace('"{requester}"', str(world.requester.pk)))


@pytest.mark.parametrize(
    ("scope", "method", "path", "body"),
    REPRESENTATIVE,
    ids=[f"{m} {p} {s}" for s, m, p, _b in REPRESENTATIVE],
)
def test_each_operation_needs_its_scope_and_a_token_with_it_gets_through(
    world, superuser, scope, method, path, body
):
    ticket = make_ticket(world.requester, team=world.team_a)
    url, payload = _fill(path, world, ticket), _body(body, world)
    without = token(superuser, scopes=[s for s in ALL_SCOPES if s != scope])
    before = counts()
    refused = without.call(method, url, payload)
    problem = assert_problem(refused, 403)
    assert problem["scope"] == scope
    assert f"`{scope}`" in problem["detail"]
    assert refused["WWW-Authenticate"] == f'Bearer error="insufficient_scope", scope="{scope}"'
    assert counts() == before  # refused before anything was written
    allowed = token(superuser, scopes=[scope]).call(method, url, payload)
    assert allowed.status_code in (200, 201), (allowed.status_code, allowed.content[:300])


def test_a_read_token_reads_but_cannot_write(world):
    ticket = make_ticket(world.requester, team=world.team_a)
    reader = token(world.agent, scopes=[TICKETS_READ])
    assert reader.get("/tickets").json()["items"][0]["id"] == ticket.pk
    assert reader.get(f"/tickets/by-ref/{ticket.ref}").status_code == 200
    assert assert_problem(reader.patch(f"/tickets/{ticket.pk}", {"priority": 1}), 403)["scope"]
    ticket.refresh_from_db()
    assert ticket.priority == 3
    assert assert_problem(reader.get("/contacts"), 403)["scope"] == CONTACTS


def test_a_session_has_every_scope_of_its_user(world):
    """A browser session is not narrowed: its user's role alone decides."""
    from tests.factories import login_verified

    session = Client()
    login_verified(session, world.supervisor)
    assert session.get(f"{API}/tickets").status_code == 200
    assert session.get(f"{API}/contacts").status_code == 200
    simulated = session.post(
        f"{API}/rules/simulate",
        json.dumps({"ticket": {"subject": "x"}}),
        content_type="application/json",
    )
    assert simulated.status_code == 200


# --- scopes narrow, they never grant ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (
            ROLE_AGENT,
            [
                *(TICKETS_READ, TICKETS_WRITE, CONTACTS, ONCALL, COMPLAINTS, DEVICES),
                *(KNOWLEDGE, QUALITY, TRAINING, INCIDENTS),
            ],
        ),
        (
            ROLE_SUPERVISOR,
            [
                *(TICKETS_READ, TICKETS_WRITE, CONTACTS, ONCALL, COMPLAINTS, DEVICES),
                *(KNOWLEDGE, QUALITY, TRAINING, INCIDENTS, ADMIN),
            ],
        ),
        # administrators configure the desk; complaint files are not theirs to read
        (
            ROLE_ADMIN,
            [
                *(TICKETS_READ, TICKETS_WRITE, CONTACTS, ONCALL, DEVICES, KNOWLEDGE, TRAINING),
                *(INCIDENTS, ADMIN),
            ],
        ),
        (ROLE_COMPLIANCE, [AUDIT_READ]),
    ],
)
def test_a_role_allows_the_scopes_its_permissions_cover(role, allowed):
    user = AgentFactory(role=role)
    assert scopes_allowed(user) == allowed
    _token, _secret = token_create(user=user, name="everything allowed")
    assert _token.scopes == allowed  # the default: all the role allows


def test_requesters_and_client_admins_may_have_these_scopes(world):
    assert scopes_allowed(world.requester.user) == [
        TICKETS_READ,
        TICKETS_WRITE,
        CONTACTS,
        KNOWLEDGE,
    ]
    assert scopes_allowed(world.client_admin.user) == [
        TICKETS_READ,
        TICKETS_WRITE,
        CONTACTS,
        KNOWLEDGE,
        AUDIT_READ,
    ]


def test_a_token_cannot_be_given_a_scope_its_owners_role_lacks(world):
    with pytest.raises(ValidationFailed) as refused:
        token_create(user=world.agent, name="too much", scopes=[TICKETS_READ, ADMIN])
    assert "admin" in refused.value.errors["scopes"][0]
    with pytest.raises(ValidationFailed) as unknown:
        token_create(user=world.agent, name="typo", scopes=["tickets:delete"])
    assert "tickets:delete" in unknown.value.errors["scopes"][0]
    with pytest.raises(ValidationFailed):
        token_create(user=world.agent, name="nothing", scopes=[])


def test_a_scope_grants_nothing_the_owners_role_no_longer_allows(world):
    from django.contrib.auth.models import Group

    lead = AgentFactory(role=ROLE_SUPERVISOR)
    client = token(lead, scopes=[ADMIN, TICKETS_READ])
    assert client.post("/rules/simulate", {"ticket": {"subject": "x"}}).status_code == 200
    lead.groups.set([Group.objects.get(name=ROLE_AGENT)])  # demoted: the token stays
    refused = client.post("/rules/simulate", {"ticket": {"subject": "x"}})
    assert_problem(refused, 403)
    assert "scope" not in refused.json()  # the role refused it, not the scope


# --- refusals: 401 for tokens that do not authenticate ---------------------------------------


def test_an_expired_token_is_refused_with_a_clear_message(world, clock):
    made, secret = token_create(user=world.agent, name="laptop")
    assert made.expires_at == clock.current + timedelta(days=90)  # a person's default
    client = Token(secret)
    clock.advance(days=89, hours=23)
    assert client.get("/tickets").status_code == 200
    clock.advance(hours=1)
    refused = client.get("/tickets")
    body = assert_problem(refused, 401)
    assert body["detail"] == "This API token expired on 2027-01-31 14:00 UTC; create a new one."
    assert refused["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def test_a_person_chooses_an_expiry_of_up_to_a_year(world, clock):
    made, _secret = token_create(
        user=world.agent, name="quarter", expires_at=clock.current + timedelta(days=30)
    )
    assert made.expires_at == clock.current + timedelta(days=30)
    for too_far in (clock.current + timedelta(days=366), clock.current - timedelta(minutes=1)):
        with pytest.raises(ValidationFailed) as refused:
            token_create(user=world.agent, name="bad", expires_at=too_far)
        assert "expires_at" in refused.value.errors


def test_revoked_and_unknown_tokens_are_refused_saying_why(world):
    made, secret = token_create(user=world.agent, name="old")
    token_revoke(token=made)
    assert assert_problem(Token(secret).get("/tickets"), 401)["detail"] == (
        "This API token was revoked."
    )
    unknown = Token("cdt_" + "x" * 43).get("/tickets")
    assert assert_problem(unknown, 401)["detail"] == "Unknown API token."
    missing = Client().get(f"{API}/tickets")
    assert assert_problem(missing, 401)["detail"] == "Sign in or send a valid API token."
    assert missing["WWW-Authenticate"] == "Bearer"


def test_a_bad_token_is_not_rescued_by_a_session(world):
    from tests.factories import login_verified

    session = Client()
    login_verified(session, world.agent)
    response = session.get(f"{API}/tickets", headers={"Authorization": "Bearer cdt_forged"})
    assert_problem(response, 401)


# --- organization limit ----------------------------------------------------------------------


@pytest.fixture
def two_orgs(world):
    ours = make_ticket(world.requester, team=world.team_a)
    theirs = make_ticket(world.outsider, team=world.team_a)
    limited = token(world.supervisor, organization=world.org)
    return ours, theirs, limited


def test_an_organization_limited_token_lists_and_reads_only_that_organization(world, two_orgs):
    ours, theirs, limited = two_orgs
    listed = {t["id"] for t in limited.get("/tickets", limit=100).json()["items"]}
    assert listed == {ours.pk}
    assert limited.get("/tickets", organization=world.other_org.pk).json()["items"] == []
    assert limited.get("/tickets", queue="breaching").status_code == 200
    assert limited.get(f"/tickets/{ours.pk}").status_code == 200
    for path in (f"/tickets/{theirs.pk}", f"/tickets/by-ref/{theirs.ref}"):
        assert_problem(limited.get(path), 404)
    assert_problem(limited.get(f"/tickets/{theirs.pk}/messages"), 404)
    # the same person's unlimited token sees both
    everything = token(world.supervisor).get("/tickets", limit=100).json()["items"]
    assert {t["id"] for t in everything} == {ours.pk, theirs.pk}


def test_an_organization_limited_token_writes_only_that_organization(world, two_orgs):
    ours, theirs, limited = two_orgs
    before = counts()
    assert_problem(limited.patch(f"/tickets/{theirs.pk}", {"priority": 1}), 404)
    assert_problem(limited.post(f"/tickets/{theirs.pk}/messages", {"body": "hi"}), 404)
    refused = limited.post("/tickets", {"subject": "Elsewhere", "requester_id": world.outsider.pk})
    assert_problem(refused, 422, "requester_id")
    batch = limited.post(
        "/tickets/batch", {"tickets": [{"subject": "Elsewhere", "requester_id": world.outsider.pk}]}
    )
    assert_problem(batch, 422, "tickets.0.requester_id")
    assert counts() == before
    assert limited.patch(f"/tickets/{ours.pk}", {"priority": 1}).status_code == 200
    opened = limited.post("/tickets", {"subject": "Ours", "requester_id": world.requester.pk})
    assert opened.status_code == 201
    new_person = limited.post(
        "/tickets",
        {"subject": "New patient", "requester": {"email": "ivo@patients.example", "name": "Ivo"}},
    )
    assert new_person.status_code == 201, new_person.content
    assert Contact.objects.get(email="ivo@patients.example").organization == world.org


def test_an_organization_limited_token_sees_and_creates_only_its_contacts(world, two_orgs):
    _ours, _theirs, limited = two_orgs
    contacts = limited.get("/contacts", limit=100).json()["items"]
    assert contacts and {c["organization"]["id"] for c in contacts} == {world.org.pk}
    assert_problem(limited.get(f"/contacts/{world.outsider.pk}"), 404)
    assert limited.get(f"/contacts/{world.requester.pk}").status_code == 200
    orgs = limited.get("/organizations").json()["items"]
    assert [o["id"] for o in orgs] == [world.org.pk]
    assert_problem(limited.get(f"/organizations/{world.other_org.pk}"), 404)
    elsewhere = limited.post(
        "/contacts",
        {"name": "Odile Brandt", "email": "odile@x.example", "organization": world.other_org.pk},
    )
    assert_problem(elsewhere, 422, "organization")
    created = limited.post("/contacts", {"name": "Odile Brandt", "email": "odile@x.example"})
    assert created.status_code == 201
    assert created.json()["organization"]["id"] == world.org.pk


def test_an_organization_limited_token_reads_only_that_organizations_audit(world):
    officer = AgentFactory(role=ROLE_COMPLIANCE)
    record_many(
        accesses=[
            Access(AuditAction.TICKET_VIEWED, "ticket", 1, organization_id=world.org.pk),
            Access(AuditAction.TICKET_VIEWED, "ticket", 2, organization_id=world.other_org.pk),
        ],
        actor=world.agent,
    )
    items = token(officer, organization=world.org).get("/audit").json()["items"]
    # the ticket seen in that organization, and the making of the token limited to it
    assert {(i["object_type"], i["object_id"]) for i in items if i["object_type"] == "ticket"} == {
        ("ticket", "1")
    }
    assert {i["action"] for i in items} == {"ticket.viewed", "token.created"}
    assert {i["organization_id"] for i in items} == {world.org.pk}
    everything = token(officer).get("/audit").json()["items"]
    seen = {i["object_id"] for i in everything if i["object_type"] == "ticket"}
    assert {"1", "2"} <= seen


def test_an_organization_limit_excludes_admin_and_other_organizations_of_requesters(world):
    with pytest.raises(ValidationFailed):
        token_create(user=world.supervisor, name="x", scopes=[ADMIN], organization=world.org)
    with pytest.raises(ValidationFailed) as refused:
        token_create(user=world.requester.user, name="x", organization=world.other_org)
    assert "organization" in refused.value.errors


def test_deleting_the_organization_ends_its_limited_tokens_rather_than_widening_them(world):
    made, _secret = token_create(user=world.supervisor, name="x", organization=world.other_org)
    world.other_org.delete()
    assert not type(made).objects.filter(pk=made.pk).exists()


# --- service accounts ------------------------------------------------------------------------


def test_an_enterprise_clients_audit_token_reads_only_its_organizations_entries(world):
    feed = service_account_create(name="Willowmere audit feed", organization=world.org)
    assert feed.is_service_account and not feed.has_usable_password()
    record_many(
        accesses=[
            Access(AuditAction.TICKET_VIEWED, "ticket", 7, organization_id=world.org.pk),
            Access(AuditAction.TICKET_VIEWED, "ticket", 8, organization_id=world.other_org.pk),
        ],
        actor=world.agent,
    )
    made, secret = token_create(user=feed, name="SIEM export", scopes=[AUDIT_READ])
    assert (made.organization, made.expires_at) == (world.org, None)  # its own; no expiry
    client = Token(secret)
    items = client.get("/audit").json()["items"]
    # its own token's making is in its organization's audit, newest first, then the ticket
    assert [(i["action"], i["object_id"]) for i in items] == [
        ("token.created", str(made.pk)),
        ("ticket.viewed", "7"),
    ]
    assert all(i["ip"] is None for i in items)
    make_ticket(world.requester)
    assert assert_problem(client.get("/tickets"), 403)["scope"] == TICKETS_READ
    assert assert_problem(client.get("/contacts"), 403)["scope"] == CONTACTS


def test_an_organizations_service_account_is_limited_to_it(world):
    feed = service_account_create(name="Willowmere sync", organization=world.org)
    with pytest.raises(ValidationFailed) as refused:
        token_create(user=feed, name="x", organization=world.other_org)
    assert "organization" in refused.value.errors
    made, _secret = token_create(user=feed, name="sync")
    assert made.organization == world.org
    assert made.scopes == [TICKETS_READ, TICKETS_WRITE, CONTACTS, KNOWLEDGE, AUDIT_READ]


def test_an_internal_service_account_acts_in_its_role(world):
    bot = service_account_create(name="Triage bot", role=ROLE_AGENT)
    assert bot.is_staff and bot.email == "triage-bot@service.invalid"
    assert service_account_create(name="Triage bot", role=ROLE_AGENT).email == (
        "triage-bot-2@service.invalid"
    )
    ticket = make_ticket(world.requester)  # no team: every agent sees it
    made, secret = token_create(user=bot, name="triage", scopes=[TICKETS_READ])
    assert made.expires_at is None
    assert Token(secret).get(f"/tickets/{ticket.pk}").status_code == 200
    with pytest.raises(ValidationFailed):
        service_account_create(name="Both", role=ROLE_AGENT, organization=world.org)
    with pytest.raises(ValidationFailed):
        service_account_create(name="Neither")


def test_a_service_account_never_has_a_session(world):
    from tests.factories import login_verified

    bot = service_account_create(name="Night importer", role=ROLE_AGENT)
    bot.set_password("a-password-someone-set-1")  # say, in the admin
    bot.save()
    desk = Client()
    # however a session was made (a password, single sign-on, a test), it ends at once
    assert desk.login(email=bot.email, password="a-password-someone-set-1")
    response = desk.get("/agent/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "A service account cannot sign in" in desk.get(response["Location"]).content.decode()
    login_verified(desk, bot)
    assert_problem(desk.get(f"{API}/tickets"), 401)


def test_the_partner_account_is_a_service_account(world):
    from caredesk.accounts.services import partner_account

    partner = partner_account(organization=world.org)
    assert partner.is_service_account
    assert partner.contact.kind == ContactKind.CLIENT_ADMIN
    made, _secret = token_create(user=partner, name="platform")
    assert made.organization == world.org and made.expires_at is None


def test_an_operation_that_declares_no_scope_refuses_every_token(world, rf):
    """The API's default when an operation forgets `auth=needs_scope(...)`: fail closed."""
    from caredesk.api.auth import ScopeMissing, TokenAuth

    _made, secret = token_create(user=world.agent, name="x")
    with pytest.raises(ScopeMissing) as refused:
        TokenAuth(None).authenticate(rf.get("/api/v1/anything"), secret)
    assert refused.value.scope is None
    with pytest.raises(ValueError, match="unknown scope"):
        TokenAuth("tickets:delete")
