"""The REST API at /api/v1/: OpenAPI 3 document and interactive docs included."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from caredesk import __version__
from caredesk.accounts.scopes import TICKETS_READ
from caredesk.api import auth, problems
from caredesk.api.attachments import attachment_response
from caredesk.api.audit import router as audit_router
from caredesk.api.auth import AUTH, TokenAuth, needs_scope
from caredesk.api.bulk import router as bulk_router
from caredesk.api.complaints import router as complaints_router
from caredesk.api.contracts import router as contracts_router
from caredesk.api.devices import router as devices_router
from caredesk.api.directory import router as directory_router
from caredesk.api.feedback import router as feedback_router
from caredesk.api.incidents import router as incidents_router
from caredesk.api.integrations import router as integrations_router
from caredesk.api.knowledge import router as knowledge_router
from caredesk.api.merge import router as merge_router
from caredesk.api.oncall import router as oncall_router
from caredesk.api.parser import StorableTextParser
from caredesk.api.parts import router as parts_router
from caredesk.api.qa import router as qa_router
from caredesk.api.rmas import router as rmas_router
from caredesk.api.rules import router as rules_router
from caredesk.api.schemas import Id
from caredesk.api.search import router as search_router
from caredesk.api.sla import router as sla_router
from caredesk.api.tickets import _user
from caredesk.api.tickets import router as ticket_router
from caredesk.api.training import router as training_router
from caredesk.api.video import router as video_router
from caredesk.core.problems import problem


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Paths under the API that no operation serves: problem details, not the site's HTML page."""
    return problem(404, "Not found", "No such endpoint.")


class ScopedSchema(OpenAPISchema):
    """The OpenAPI document with each operation's scope in its security requirement.

    OpenAPI 3.1 lets a requirement of any scheme list "role names" (for OAuth it would be
    scopes): `[{"TokenAuth": ["tickets:read"]}, {"SessionAuth": []}]`. The scope is repeated
    in the description, since documentation viewers show requirement lists of OAuth only.
    """

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        result = super().operation_security(operation)
        for requirement, callback in zip(result or [], operation.auth_callbacks, strict=False):
            scope = getattr(callback, "scope", None) if isinstance(callback, TokenAuth) else None
            if scope is not None:
                requirement[type(callback).__name__] = [scope]
        return result

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        result = super().operation_details(operation)
        scopes = [s for r in result.get("security", []) for s in r.get("TokenAuth", [])]
        if scopes:
            line = f"Token scope: `{scopes[0]}` (a signed-in session has its user's scopes)."
            described = result.get("description")
            result["description"] = f"{described}\n\n{line}" if described else line
        return result


class CareDeskAPI(NinjaAPI):
    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # Appended after every router, however many are added later, so it never shadows one.
        return [*super()._get_urls(), path("<path:rest>", not_found)]

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ScopedSchema(self, path_prefix)


api = CareDeskAPI(
    title="CareDesk API",
    version=__version__,
    description=(
        "Tickets, conversations, organizations, contacts and teams. Authenticate with an "
        "API token (`Authorization: Bearer cdt_…`) carrying the scope each operation names, "
        "or a signed-in browser session. Errors are problem details (RFC 9457) with an "
        "`errors` object naming the fields."
    ),
    auth=AUTH,
    urls_namespace="api",
    parser=StorableTextParser(),
)
problems.install(api)
auth.install(api)
api.add_router("/", bulk_router)  # before /tickets/{id}, so "bulk" is never read as an id
api.add_router("/", ticket_router)
api.add_router("/", merge_router)
api.add_router("/", directory_router)
api.add_router("/", sla_router)
api.add_router("/", integrations_router)
api.add_router("/", rules_router)
api.add_router("/", video_router)
api.add_router("/", audit_router)
api.add_router("/", training_router)
api.add_router("/", complaints_router)
api.add_router("/", oncall_router)
api.add_router("/", qa_router)
api.add_router("/", devices_router)
api.add_router("/", parts_router)
api.add_router("/", contracts_router)
api.add_router("/", rmas_router)
api.add_router("/", search_router)
api.add_router("/", knowledge_router)
api.add_router("/", feedback_router)
api.add_router("/", incidents_router)


@api.get(
    "/attachments/{attachment_id}/download",
    auth=needs_scope(TICKETS_READ),
    summary="Download an attachment",
    tags=["tickets"],
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with the content type it was stored with",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            },
            **problems.documented(401, 404, 422)["responses"],
        }
    },
)
def attachment_download(request: HttpRequest, attachment_id: Id) -> StreamingHttpResponse:
    return attachment_response(request, _user(request), attachment_id)
