"""Every API error is RFC 9457 problem details naming the fields at fault."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from caredesk.core.errors import DomainError

SKIP_LOC = {"body", "query", "path", "payload", "data", "filters"}


def problem(
    status: int, title: str, detail: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _field_of(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if str(p) not in SKIP_LOC]
    return ".".join(parts) or "body"


def _message_of(err: dict[str, Any]) -> str:
    if err.get("type") == "extra_forbidden":
        return "Unknown field."
    if err.get("type") == "missing":
        return "This field is required."
    return str(err.get("msg", "Not valid."))


def install(api: NinjaAPI) -> None:
    """Map domain errors, validation errors and bad bodies to problem details."""

    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem(exc.status, exc.title, exc.detail, exc.errors)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            errors.setdefault(_field_of(err.get("loc")), []).append(_message_of(err))
        return problem(422, "Validation failed", "Some fields are not valid.", errors)

    @api.exception_handler(AuthenticationError)
    def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(401, "Unauthorized", "Sign in or send a valid API token.")

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, RequestDataTooBig):
            return problem(413, "Payload too large", "The request body is over the size limit.")
        if exc.status_code == 400:
            return problem(400, "Bad request", str(exc), {"body": ["Send a valid JSON document."]})
        return problem(exc.status_code, "Error", str(exc))

    @api.exception_handler(Http404)
    def _404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, "Not found", "No such resource.")
