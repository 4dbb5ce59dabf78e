"""The clinical and quality role against every route: it works every ticket like a support
lead, decides whether a complaint is reportable and exports complaint files for an auditor, and
acknowledges pages; it does not edit the protocols, move people on call or export queues.

Its decisions are the supervisor's column of the main matrix except where listed below, so a
new route gets a decision for this role the moment it gets one for supervisors; every exception
is written out here.
"""

from __future__ import annotations

from typing import Any

from caredesk.accounts.roles import ROLE_QUALITY
from tests.factories import AgentFactory
from tests.web.test_access_matrix import (
    API_MATRIX,
    FORBIDDEN,
    MATRIX,
    NOT_FOUND,
    OK,
    Column,
)

# Where the role differs from a supervisor (screens).
SCREENS_UNLIKE_A_LEAD: dict[str, Any] = {
    # the status page's maintenance and subscribers are the support leads'
    "incidents:status-maintenance": FORBIDDEN,
    "incidents:status-maintenance-delete": FORBIDDEN,
    "incidents:status-subscribers": FORBIDDEN,
    "incidents:status-subscriber-delete": FORBIDDEN,
    # the protocols, and queue exports, are the support leads'
    "desk:queue-export": FORBIDDEN,
    # the mailboxes are read by support leads and kept by administrators
    "desk:mailboxes": FORBIDDEN,
    "desk:mailbox-new": FORBIDDEN,
    "desk:mailbox": FORBIDDEN,
    "desk:mailbox (changed)": FORBIDDEN,
    # and so are the checklist templates
    "desk:checklists": FORBIDDEN,
    "desk:checklist-new": FORBIDDEN,
    "desk:checklist": FORBIDDEN,
    "desk:policies": FORBIDDEN,
    "desk:policy": FORBIDDEN,
    "desk:policy-new": FORBIDDEN,
    "desk:policy-form": FORBIDDEN,
    "desk:policy-rollback": FORBIDDEN,
    # moving people on call is the leads'; the liaisons see the schedules and acknowledge
    "oncall:override-add": FORBIDDEN,
    "oncall:override-delete": FORBIDDEN,
    # a team's saved view is its lead's to change; this role is outside the team
    "desk:view-change": NOT_FOUND,
    "desk:view-delete": NOT_FOUND,
    # the reportability decision and the auditor's exports are this role's
    "complaints:export": OK,
    "complaints:decision": 422,  # allowed: an empty decision is refused for its fields
    "complaints:export-one": OK,
    # scheduled reports are the support leads' and administrators'
    "reports:schedules": FORBIDDEN,
    "reports:schedule-new": FORBIDDEN,
    "reports:schedule": FORBIDDEN,
    "reports:schedule-delete": FORBIDDEN,
    # the severity targets are kept by support leads and administrators
    "incidents:targets": FORBIDDEN,
    # the desk's custom statuses are kept by support leads and administrators
    "desk:statuses": FORBIDDEN,
    "desk:status-new": FORBIDDEN,
    "desk:status": FORBIDDEN,
    "desk:status-move": FORBIDDEN,
    # importing and editing assets, spare parts and stock are the support leads' and
    # administrators'
    "devices:import": FORBIDDEN,
    "devices:asset-edit": FORBIDDEN,
    "devices:parts": FORBIDDEN,
    "devices:part": FORBIDDEN,
    "devices:part-receive": FORBIDDEN,
    "devices:part-adjust": FORBIDDEN,
    "devices:part-transfer": FORBIDDEN,
    # service plans and contracts: they read contracts and renewals; plans and contract changes
    # are the support leads' and administrators'
    "devices:plans": FORBIDDEN,
    "devices:contract-new": FORBIDDEN,
    "devices:contract-cancel": FORBIDDEN,
    "devices:contract-decline": FORBIDDEN,
    "devices:contract-auto-renew": FORBIDDEN,
    # RMAs: followed and opened from tickets; the bench is the technicians' and the leads'
    "devices:rma-status": FORBIDDEN,
    "devices:rma-bench": FORBIDDEN,
    "devices:rma-part": FORBIDDEN,
    "devices:rma-coverage": FORBIDDEN,
    "devices:rma-check": FORBIDDEN,
    # the supervisor's personal macro is the supervisor's alone
    "desk:macro (someone's personal)": 404,
    # training: their own, and sign-offs once certified; skills, gating, curricula and grants
    # are the support leads'
    "training:team": FORBIDDEN,
    "training:grant": FORBIDDEN,
    "training:skills": FORBIDDEN,
    "training:skill-new": FORBIDDEN,
    "training:skill": FORBIDDEN,
    "training:questions": FORBIDDEN,
    "training:curricula": FORBIDDEN,
    "training:curriculum-new": FORBIDDEN,
    "training:curriculum": FORBIDDEN,
    # an incident review is written by its owner, support leads and administrators; this role
    # reads them
    "incidents:review (saved)": FORBIDDEN,
    "incidents:review-action-add": FORBIDDEN,
    "incidents:review-action-done": FORBIDDEN,
}
API_UNLIKE_A_LEAD: dict[str, Any] = {
    "complaint export": OK,
    "part list": FORBIDDEN,
    "part get": FORBIDDEN,
    "part movements": FORBIDDEN,
    "stock locations": FORBIDDEN,
    "oncall override delete": FORBIDDEN,
    "rma transition": FORBIDDEN,
    "rma parts": FORBIDDEN,
    "training certifications": FORBIDDEN,
    "training sign-off": FORBIDDEN,  # not certified for the skill, and no lead
}


def _screen(name: str, expected: dict[str, Any]) -> Any:
    return SCREENS_UNLIKE_A_LEAD.get(name, expected["supervisor"])


def _api(name: str, expected: dict[str, Any]) -> Any:
    return API_UNLIKE_A_LEAD.get(name, expected["supervisor"])


# checked on every route and operation by the main matrix, against its world
COLUMN = Column(
    role="quality",
    make=lambda world: AgentFactory(role=ROLE_QUALITY, name="Dr. Anneliese Okparaeke"),
    screen=_screen,
    api=_api,
)


def test_the_exceptions_name_routes_and_operations_that_exist():
    assert set(SCREENS_UNLIKE_A_LEAD) <= {m[0] for m in MATRIX}
    assert set(API_UNLIKE_A_LEAD) <= {m[0] for m in API_MATRIX}
