"""Protocols over the API: try the active policies (or a draft) on a ticket."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from caredesk.accounts.scopes import ADMIN
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import SimulateIn, SimulateOut
from caredesk.core import clock
from caredesk.core.errors import PermissionDenied
from caredesk.rules.simulation import instant, run

router = Router(tags=["protocols"])


@router.post(
    "/rules/simulate",
    auth=needs_scope(ADMIN),
    response=SimulateOut,
    summary="What the protocols would do to a ticket",
    description=(
        "Evaluates the active policies, or `policy_yaml` (a draft), against a ticket described "
        "as JSON, at `now` (default: now), for `event` (default `ticket.created`). Nothing is "
        "written. Needs the permission to simulate policies (support leads, administrators)."
    ),
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def simulate(request: HttpRequest, payload: SimulateIn) -> dict[str, Any]:
    if not request.user.has_perm("rules.simulate_policy"):
        raise PermissionDenied("Only support leads can simulate policies.")
    return run(
        ticket=payload.ticket,
        now=instant(payload.now, "now") if payload.now else clock.now(),
        policy_yaml=payload.policy_yaml,
        trigger=payload.event,
    )
