"""The REST API at /api/v1/: OpenAPI 3 document and interactive docs included."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from ninja import NinjaAPI

from caredesk import __version__
from caredesk.api import problems
from caredesk.api.attachments import attachment_response
from caredesk.api.auth import AUTH
from caredesk.api.directory import router as directory_router
from caredesk.api.tickets import _user
from caredesk.api.tickets import router as ticket_router

api = NinjaAPI(
    title="CareDesk API",
    version=__version__,
    description=(
        "Tickets, conversations, organizations, contacts and teams. Authenticate with a "
        "personal token (`Authorization: Bearer cdt_…`) or a signed-in browser session. "
        "Errors are problem details (RFC 9457) with an `errors` object naming the fields."
    ),
    auth=AUTH,
    urls_namespace="api",
)
problems.install(api)
api.add_router("/", ticket_router)
api.add_router("/", directory_router)


@api.get(
    "/attachments/{int:attachment_id}/download",
    summary="Download an attachment",
    tags=["tickets"],
    response={200: None},
    openapi_extra={
        "responses": {200: {"description": "The file", "content": {"application/octet-stream": {}}}}
    },
)
def attachment_download(request: HttpRequest, attachment_id: int) -> StreamingHttpResponse:
    return attachment_response(_user(request), attachment_id)
