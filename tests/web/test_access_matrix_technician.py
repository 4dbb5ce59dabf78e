"""The repair technician against every route: the bench's RMA screens and operations, the
tickets of their own teams, and nothing of the leads' configuration.

Their decisions are the agent's column of the main matrix (a technician works the tickets of
their teams, like an agent of team A) except where listed below; every exception is written out.
"""

from __future__ import annotations

from typing import Any

from caredesk.accounts.roles import ROLE_TECHNICIAN
from tests.factories import AgentFactory
from tests.web.test_access_matrix import (
    API_MATRIX,
    MATRIX,
    NOT_FOUND,
    OK,
    Column,
)

# Where the role differs from an agent of the ticket's team (screens).
SCREENS_UNLIKE_AN_AGENT: dict[str, Any] = {
    # the matrix's QA review is of the agent's work, not the technician's
    "qa:review-detail": NOT_FOUND,
    "qa:dispute-open": NOT_FOUND,
    # a live chat is its agent's alone (the matrix's chat is the agent's)
    "chat-desk:chat": NOT_FOUND,
    "chat-desk:upload": NOT_FOUND,
    # the bench: status moves, the bench record, parts, warranty or paid, validation steps
    # (an empty form is refused for its fields)
    "devices:rma-status": 422,
    "devices:rma-bench": 422,
    "devices:rma-part": 422,
    "devices:rma-coverage": 422,
    "devices:rma-check": 422,
    # the parts they fit: the parts and their stock, read only
    "devices:parts": OK,
    "devices:part": OK,
    # an exam attempt is its agent's alone (the matrix's attempt is the agent's)
    "training:attempt": NOT_FOUND,
    # the rated ticket was the matrix agent's, not theirs
    "feedback:follow-up": 403,
    # the matrix's incident review is the agent's to write (its owner), not theirs
    "incidents:review (saved)": 403,
    "incidents:review-action-add": 403,
    "incidents:review-action-done": 403,
}
API_UNLIKE_AN_AGENT: dict[str, Any] = {
    "rma transition": OK,
    "rma parts": 422,  # allowed: an unknown part number is refused for its field
    "part list": OK,
    "part get": OK,
    "part movements": OK,
    "stock locations": OK,
    # the matrix's held reply is the agent's own; a colleague on the team may approve it
    "training held send": OK,
}


def _screen(name: str, expected: dict[str, Any]) -> Any:
    return SCREENS_UNLIKE_AN_AGENT.get(name, expected["agent"])


def _api(name: str, expected: dict[str, Any]) -> Any:
    return API_UNLIKE_AN_AGENT.get(name, expected["agent"])


def _technician(world: Any) -> Any:
    """A technician of the world ticket's team (team A)."""
    return AgentFactory(role=ROLE_TECHNICIAN, teams=[world.ticket.team], name="Ilse Brandvold")


# checked on every route and operation by the main matrix, against its world
COLUMN = Column(role="technician", make=_technician, screen=_screen, api=_api)


def test_the_exceptions_name_routes_and_operations_that_exist():
    assert set(SCREENS_UNLIKE_AN_AGENT) <= {m[0] for m in MATRIX}
    assert set(API_UNLIKE_AN_AGENT) <= {m[0] for m in API_MATRIX}
