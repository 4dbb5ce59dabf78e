"""Calls from other systems: the engineering tracker reports an issue's new status."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Body, Router, Schema
from ninja.security import APIKeyHeader, APIKeyQuery

from caredesk.api.problems import documented
from caredesk.core.errors import NotFound
from caredesk.integrations.services import tracker_webhook

router = Router(tags=["integrations"])


def _secret_ok(key: str | None) -> bool:
    expected = settings.CAREDESK_JIRA_WEBHOOK_SECRET
    return bool(expected and key and hmac.compare_digest(key.encode(), expected.encode()))


class TrackerSecretHeader(APIKeyHeader):
    param_name = "X-CareDesk-Secret"
    openapi_description = "The tracker webhook's shared secret (`CAREDESK_JIRA_WEBHOOK_SECRET`)."

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return key if _secret_ok(key) else None


class TrackerSecretQuery(APIKeyQuery):
    param_name = "secret"
    openapi_description = (
        "The same secret as a query parameter, for trackers that cannot set headers."
    )

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return key if _secret_ok(key) else None


class TrackerHookOut(Schema):
    issue: str
    status: str
    ticket: str


@router.post(
    "/integrations/tracker/webhook",
    auth=[TrackerSecretHeader(), TrackerSecretQuery()],
    response=TrackerHookOut,
    summary="Tracker webhook: an issue's status changed",
    description=(
        "For Jira's webhook (issue updated). The linked ticket gets an internal note and an "
        "event. Authenticated by the shared secret, not by a person's token."
    ),
    openapi_extra=documented(400, 401, 404, 413, 422),
)
def tracker_hook(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, str]:
    # ninja sets `auth` on the request: what TrackerSecretHeader or TrackerSecretQuery returned
    issue = tracker_webhook(secret=str(request.auth), payload=payload)  # type: ignore[attr-defined]
    if issue is None:
        raise NotFound("No ticket is linked to that issue.")
    return {"issue": issue.key, "status": issue.status, "ticket": issue.ticket.ref}
