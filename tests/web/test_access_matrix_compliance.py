"""The compliance officer against every route: the audit and governance screens, and no ticket.

The role reads the access audit and runs governance; it has no permission on tickets, so every
ticket page, API read and chat of a ticket answers "not found" exactly as for an outsider. Like
the main matrix, this one must name every route and API operation (the last tests enforce it).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.roles import ROLE_COMPLIANCE
from tests.factories import AgentFactory, login_verified
from tests.web.test_access_matrix import (
    API_MATRIX,
    FORBIDDEN,
    LOGIN,
    MATRIX,
    NOT_FOUND,
    OK,
    _expect,
    api_call,
    world,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db

# Screens: statuses other than the shared constants are the form's answer to an empty post
# (422), a redirect after the action (302) or a probe without content (204).
SCREENS: dict[str, Any] = {
    "healthz": OK,
    "metrics": NOT_FOUND,  # a scraper's token or network, never a session (off in the tests)
    "login": OK,
    "login-code": LOGIN,
    "login-enroll": LOGIN,
    "admin-login": LOGIN,
    "login-sso": NOT_FOUND,
    "login-sso-callback": NOT_FOUND,
    "login-saml": NOT_FOUND,
    "login-saml-acs": NOT_FOUND,
    "login-saml-finish": NOT_FOUND,
    "login-saml-metadata": NOT_FOUND,
    "account": OK,
    "account-enroll": OK,
    "account-codes": 302,
    "account-mfa-off": FORBIDDEN,
    "account-password": 422,
    "sign-out-everywhere": LOGIN,
    "session-status": OK,
    "phone:twilio": NOT_FOUND,
    "selfserve:check": OK,
    "selfserve:ping": 204,
    "selfserve:payload": OK,
    "selfserve:upload": OK,
    "selfserve:new": OK,
    "selfserve:sent": OK,
    "desk:queue": OK,
    "desk:queue-export": FORBIDDEN,
    "desk:search": OK,  # finds nothing: the role works no ticket
    "desk:ticket-new": FORBIDDEN,  # opening tickets is for the roles that work them
    "desk:tokens": OK,
    "desk:audit": OK,
    "desk:audit-export": OK,
    "desk:ticket": NOT_FOUND,
    "desk:ticket-reply": NOT_FOUND,
    "desk:ticket-break-glass": NOT_FOUND,
    "desk:ticket-update": NOT_FOUND,
    "desk:ticket-escalate": NOT_FOUND,
    "desk:notifications": OK,
    "desk:live": OK,
    # mentions and saved views are for the people who work tickets
    "desk:ticket-mention-options": FORBIDDEN,
    "desk:views": FORBIDDEN,
    "desk:view-new": FORBIDDEN,
    "desk:view-change": FORBIDDEN,
    "desk:view-delete": FORBIDDEN,
    # the mailboxes are read by support leads and kept by administrators
    "desk:mailboxes": FORBIDDEN,
    "desk:mailbox-new": FORBIDDEN,
    "desk:mailbox": FORBIDDEN,
    "desk:mailbox (changed)": FORBIDDEN,
    "desk:policies": FORBIDDEN,
    "desk:policy": FORBIDDEN,
    "desk:policy-new": FORBIDDEN,
    "desk:policy-form": FORBIDDEN,
    "desk:policy-rollback": FORBIDDEN,
    "desk:policies-import": FORBIDDEN,
    "desk:ticket-take": NOT_FOUND,
    # macros and bulk actions are for the roles that work tickets
    "desk:macros": FORBIDDEN,
    "desk:macro-new": FORBIDDEN,
    "desk:macro": FORBIDDEN,
    "desk:macro (someone's personal)": FORBIDDEN,
    "desk:ticket-macros": FORBIDDEN,
    "desk:ticket-macro": FORBIDDEN,
    "desk:bulk": FORBIDDEN,
    # the desk's custom statuses are kept by support leads and administrators
    "desk:statuses": FORBIDDEN,
    "desk:status-new": FORBIDDEN,
    "desk:status": FORBIDDEN,
    "desk:status-move": FORBIDDEN,
    "desk:ticket-follow": NOT_FOUND,
    "desk:ticket-merge": FORBIDDEN,
    "desk:ticket-cc-add": FORBIDDEN,
    "desk:ticket-cc-remove": FORBIDDEN,
    "desk:bulk-merge": FORBIDDEN,
    "portal:ticket-cc-add": FORBIDDEN,
    "portal:ticket-cc-remove": FORBIDDEN,
    "desk:ticket-safety": NOT_FOUND,
    "desk:ticket-tasks": NOT_FOUND,
    "desk:ticket-checklist": NOT_FOUND,
    "desk:checklists": FORBIDDEN,
    "desk:checklist-new": FORBIDDEN,
    "desk:checklist": FORBIDDEN,
    "portal:home": FORBIDDEN,
    "portal:new": FORBIDDEN,
    "portal:new-form": FORBIDDEN,
    "portal:ticket": FORBIDDEN,
    "portal:ticket (a colleague's)": FORBIDDEN,
    "portal:devices": FORBIDDEN,
    "admin:index": OK,
    # live chat is for agents (a chat is a ticket), not for every staff role
    "chat-desk:chats": FORBIDDEN,
    "chat-desk:lists": FORBIDDEN,
    "chat-desk:availability": FORBIDDEN,
    "chat-desk:chat": FORBIDDEN,
    "chat-desk:upload": FORBIDDEN,
    "chat:status": OK,
    "chat:start": 422,
    "chat:offline": 422,
    "chat:upload": FORBIDDEN,
    "chat:file": NOT_FOUND,
    "governance:reviews": OK,
    "governance:review-sign": 302,
    "governance:deactivate": 302,
    "governance:people": OK,
    "governance:person": OK,
    "governance:person-export": 422,  # the privacy role's; without a reason it is refused
    "governance:person-erase": 302,
    "governance:breaches": OK,
    "governance:breach": OK,
    "governance:breach-task-done": 302,
    # complaint files are clinical and quality records about tickets: not this role's
    "complaints:list": FORBIDDEN,
    "complaints:trends": FORBIDDEN,
    "complaints:export": FORBIDDEN,
    "complaints:open": FORBIDDEN,
    "complaints:detail": FORBIDDEN,
    "complaints:print": FORBIDDEN,
    "complaints:edit": FORBIDDEN,
    "complaints:decision": FORBIDDEN,
    "complaints:export-one": FORBIDDEN,
    # on call is for the roles that work tickets
    "oncall:schedules": FORBIDDEN,
    # the status page is public; its maintenance and subscribers are the support leads'
    "status:page": OK,
    "status:history-now": OK,
    "status:history": OK,
    "status:incident": OK,
    "status:feed": OK,
    "status:subscribe": OK,
    "status:confirm": NOT_FOUND,
    "status:unsubscribe": NOT_FOUND,
    "incidents:status-maintenance": FORBIDDEN,
    "incidents:status-maintenance-delete": FORBIDDEN,
    "incidents:status-subscribers": FORBIDDEN,
    "incidents:status-subscriber-delete": FORBIDDEN,
    "portal:status": FORBIDDEN,
    "portal:status-remove": FORBIDDEN,
    "devices:assets": FORBIDDEN,
    "devices:models": FORBIDDEN,
    "devices:asset": FORBIDDEN,
    "devices:import": FORBIDDEN,
    "devices:asset-edit": FORBIDDEN,
    "devices:parts": FORBIDDEN,
    "devices:part": FORBIDDEN,
    "devices:part-receive": FORBIDDEN,
    "devices:part-adjust": FORBIDDEN,
    "devices:part-transfer": FORBIDDEN,
    # service plans and contracts are the desk's business
    "devices:plans": FORBIDDEN,
    "devices:plan-new": FORBIDDEN,
    "devices:plan-edit": FORBIDDEN,
    "devices:contracts": FORBIDDEN,
    "devices:contract-new": FORBIDDEN,
    "devices:contract": FORBIDDEN,
    "devices:contract-cancel": FORBIDDEN,
    "devices:contract-decline": FORBIDDEN,
    "devices:contract-auto-renew": FORBIDDEN,
    "devices:renewals": FORBIDDEN,
    # RMA repairs are the desk's and the bench's; their portal pages the requesters'
    "devices:rmas": FORBIDDEN,
    "devices:rma": FORBIDDEN,
    "devices:rma-open": FORBIDDEN,
    "devices:rma-status": FORBIDDEN,
    "devices:rma-bench": FORBIDDEN,
    "devices:rma-part": FORBIDDEN,
    "devices:rma-coverage": FORBIDDEN,
    "devices:rma-check": FORBIDDEN,
    "portal:rmas": FORBIDDEN,
    "portal:rma": FORBIDDEN,
    "oncall:override-add": FORBIDDEN,
    "oncall:override-delete": FORBIDDEN,
    "oncall:pages": FORBIDDEN,
    "oncall:page-ack": FORBIDDEN,
    "oncall-public:ack": NOT_FOUND,
    "oncall-public:sms": NOT_FOUND,
    # incidents are worked by the people who work tickets
    "incidents:list": FORBIDDEN,
    "incidents:declare": FORBIDDEN,
    "incidents:targets": FORBIDDEN,
    "incidents:selection-link": FORBIDDEN,
    "incidents:detail": FORBIDDEN,
    "incidents:clocks": FORBIDDEN,
    "incidents:acknowledge": FORBIDDEN,
    "incidents:update": FORBIDDEN,
    "incidents:link": FORBIDDEN,
    "incidents:resolve": FORBIDDEN,
    # the knowledge base is for the people who work tickets; the help centre is public
    "knowledge:list": FORBIDDEN,
    "knowledge:review": FORBIDDEN,
    "knowledge:report": FORBIDDEN,
    "knowledge:picker": FORBIDDEN,
    "knowledge:read": FORBIDDEN,
    "knowledge:versions": FORBIDDEN,
    "knowledge:new": FORBIDDEN,
    "knowledge:edit": FORBIDDEN,
    "knowledge:readability": FORBIDDEN,
    "knowledge:state": FORBIDDEN,
    "help:home": OK,
    "help:suggest": OK,
    "help:category": OK,
    "help:article": OK,
    "help:solved": 302,
    # quality assurance is the desk's: the officer works no ticket and is reviewed for none
    "qa:queue": FORBIDDEN,
    "qa:review": FORBIDDEN,
    "qa:mine": FORBIDDEN,
    "qa:review-detail": FORBIDDEN,
    "qa:dispute-open": FORBIDDEN,
    "qa:disputes": FORBIDDEN,
    "qa:dispute": FORBIDDEN,
    "qa:calibrations": FORBIDDEN,
    "qa:calibration-new": FORBIDDEN,
    "qa:calibration": FORBIDDEN,
    "qa:calibration-close": FORBIDDEN,
    "qa:rubric": FORBIDDEN,
    "qa:rubric-draft": FORBIDDEN,
    "qa:criterion-add": FORBIDDEN,
    "qa:criterion-remove": FORBIDDEN,
    "qa:rubric-save": FORBIDDEN,
    "qa:reports": FORBIDDEN,
    # training is for the people who work tickets
    "training:mine": FORBIDDEN,
    "training:module-done": FORBIDDEN,
    "training:shadow-add": FORBIDDEN,
    "training:shadow-sign-off": FORBIDDEN,
    "training:exam-start": FORBIDDEN,
    "training:attempt": FORBIDDEN,
    "training:held-send": FORBIDDEN,
    "training:held-return": FORBIDDEN,
    "training:team": FORBIDDEN,
    "training:grant": FORBIDDEN,
    "training:skills": FORBIDDEN,
    "training:skill-new": FORBIDDEN,
    "training:skill": FORBIDDEN,
    "training:questions": FORBIDDEN,
    "training:curricula": FORBIDDEN,
    "training:curriculum-new": FORBIDDEN,
    "training:curriculum": FORBIDDEN,
    # customer feedback is the desk's; the survey links' pages are anyone's with the link
    "feedback:results": FORBIDDEN,
    "feedback:follow-up": FORBIDDEN,
    "feedback-public:rate": OK,
    "feedback-public:stop": OK,
    # the status page's set-up is the administrators'
    "incidents:monitors": FORBIDDEN,
    "incidents:monitor-new": FORBIDDEN,
    "incidents:monitors-run": FORBIDDEN,
    "incidents:monitor": FORBIDDEN,
    "incidents:monitor-edit": FORBIDDEN,
    "incidents:monitor-enabled": FORBIDDEN,
    "incidents:monitor-check": FORBIDDEN,
    "incidents:components": FORBIDDEN,
    "incidents:component-new": FORBIDDEN,
    "incidents:component-edit": FORBIDDEN,
    "incidents:service-new": FORBIDDEN,
    "incidents:service-edit": FORBIDDEN,
    # incident reviews are the desk's; the stakeholders' link page is anyone's with the link
    "incidents:review-list": FORBIDDEN,
    "incidents:review-report": FORBIDDEN,
    "incidents:review": FORBIDDEN,
    "incidents:review (saved)": FORBIDDEN,
    "incidents:review-action-add": FORBIDDEN,
    "incidents:review-action-done": FORBIDDEN,
    "incident-survey:rate": OK,
}

# Through an API token: the role allows only the `audit:read` scope on a token, so every other
# operation is refused for its missing scope before the role is asked.
API: dict[str, Any] = {
    "access audit": OK,
    "ticket list": FORBIDDEN,
    "ticket search": FORBIDDEN,
    "ticket batch": FORBIDDEN,
    "ticket bulk": FORBIDDEN,
    "ticket get": FORBIDDEN,
    "ticket by ref": FORBIDDEN,
    "colleague's ticket": FORBIDDEN,
    "ticket patch": FORBIDDEN,
    "ticket merge": FORBIDDEN,
    "ticket ccs": FORBIDDEN,
    "ticket cc add": FORBIDDEN,
    "ticket cc delete": FORBIDDEN,
    "ticket safety": FORBIDDEN,
    "ticket tasks": FORBIDDEN,
    "ticket checklist": FORBIDDEN,
    "ticket checklist add": FORBIDDEN,
    "ticket checklist tick": FORBIDDEN,
    "messages": FORBIDDEN,
    "organizations": FORBIDDEN,
    "contacts": FORBIDDEN,
    "teams": FORBIDDEN,
    "statuses": FORBIDDEN,
    "SLA policies": FORBIDDEN,
    "SLA calendars": FORBIDDEN,
    "SLA policy change": FORBIDDEN,
    "complaint list": FORBIDDEN,
    "complaint get": FORBIDDEN,
    "complaint versions": FORBIDDEN,
    "complaint export": FORBIDDEN,
    "complaint trends": FORBIDDEN,
    "oncall schedules": FORBIDDEN,
    "asset list": FORBIDDEN,
    "asset get": FORBIDDEN,
    "part list": FORBIDDEN,
    "part get": FORBIDDEN,
    "part movements": FORBIDDEN,
    "stock locations": FORBIDDEN,
    "service plans": FORBIDDEN,
    "contract list": FORBIDDEN,
    "contract get": FORBIDDEN,
    "rma list": FORBIDDEN,
    "rma get": FORBIDDEN,
    "rma create": FORBIDDEN,
    "rma transition": FORBIDDEN,
    "rma parts": FORBIDDEN,
    "oncall now": FORBIDDEN,
    "oncall override delete": FORBIDDEN,
    "oncall pages": FORBIDDEN,
    "oncall page ack": FORBIDDEN,
    "knowledge articles": FORBIDDEN,
    "knowledge article": FORBIDDEN,
    "knowledge article create": FORBIDDEN,
    "knowledge article patch": FORBIDDEN,
    "knowledge article submit": FORBIDDEN,
    "knowledge article publish": FORBIDDEN,
    "knowledge top": FORBIDDEN,
    "incident list": FORBIDDEN,
    "incident get": FORBIDDEN,
    "incident declare": FORBIDDEN,
    "incident update": FORBIDDEN,
    "incident link": FORBIDDEN,
    "incident resolve": FORBIDDEN,
    "qa queue": FORBIDDEN,
    "qa review submit": FORBIDDEN,
    "qa reviews": FORBIDDEN,
    "qa reports": FORBIDDEN,
    "training me": FORBIDDEN,
    "training certifications": FORBIDDEN,
    "training sign-off": FORBIDDEN,
    "training held send": FORBIDDEN,
    "feedback csat": FORBIDDEN,
    "feedback nps": FORBIDDEN,
}


@pytest.fixture
def officer() -> Any:
    return AgentFactory(role=ROLE_COMPLIANCE, name="Hollis Verhoeven")


@pytest.mark.parametrize(("name", "path", "method", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_the_compliance_officer_on_every_screen(world, officer, name, path, method, expected):  # noqa: F811
    client = Client()
    login_verified(client, officer)
    _expect(getattr(client, method)(path(world)), SCREENS[name])


@pytest.mark.parametrize(
    ("name", "path", "method", "expected"), API_MATRIX, ids=[m[0] for m in API_MATRIX]
)
def test_the_compliance_officer_on_every_api_operation(
    world,  # noqa: F811
    officer,
    name,
    path,
    method,
    expected,
):
    response = api_call(world, officer, path, method)
    assert response.status_code == API[name], (name, response.status_code, response.content[:200])


def test_every_route_and_operation_has_a_decision_for_the_compliance_officer():
    assert {m[0] for m in MATRIX} == set(SCREENS)
    assert {m[0] for m in API_MATRIX} == set(API)


def test_the_compliance_officer_reads_no_ticket_anywhere():
    ticket_routes = [n for n in SCREENS if n.startswith(("desk:ticket", "portal:ticket"))]
    assert ticket_routes and all(SCREENS[n] in (NOT_FOUND, FORBIDDEN) for n in ticket_routes)
    chat_routes = [n for n in SCREENS if n.startswith("chat-desk:")]
    assert chat_routes and all(SCREENS[n] in (NOT_FOUND, FORBIDDEN) for n in chat_routes)
    reads = [n for n in API if n.startswith(("ticket get", "ticket by", "colleague", "messages"))]
    assert reads and all(API[n] in (NOT_FOUND, FORBIDDEN) for n in reads)
