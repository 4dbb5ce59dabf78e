"""Every API error is RFC 9457 problem details naming the fields at fault."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from caredesk.api.schemas import Problem
from caredesk.core.errors import DomainError
from caredesk.core.problems import MEDIA_TYPE, problem

SKIP_LOC = {"body", "query", "path", "payload", "data", "filters"}
_WHEN = {
    400: "The body is not a JSON document.",
    401: "No valid token or signed-in session (unknown, revoked or expired token).",
    403: (
        "Not allowed for this person, a token without the operation's scope (`scope` names "
        "it), or a session request without its CSRF token."
    ),
    404: "No such resource, or one the caller may not see.",
    409: "The ticket's state does not allow this (for example, it is closed).",
    413: "The request body is over the size limit.",
    422: "Some fields are not valid; `errors` names them.",
}


def documented(*codes: int) -> dict[str, Any]:
    """OpenAPI `responses` for the problem details an operation can answer with."""
    schema = Problem.model_json_schema()
    return {
        "responses": {
            code: {"description": _WHEN[code], "content": {MEDIA_TYPE: {"schema": schema}}}
            for code in codes
        }
    }


def _field_of(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if str(p) not in SKIP_LOC]
    return ".".join(parts) or "body"


def _message_of(err: dict[str, Any]) -> str:
    if err.get("type") == "extra_forbidden":
        return "Unknown field."
    if err.get("type") == "missing":
        return "This field is required."
    if err.get("type") == "value_error" and "error" in err.get("ctx", {}):
        return str(err["ctx"]["error"])  # our own message, without pydantic's prefix
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
        response = problem(401, "Unauthorized", "Sign in or send a valid API token.")
        response["WWW-Authenticate"] = "Bearer"  # a 401 names its scheme (RFC 9110, 6750)
        return response

    # Ninja reads request.body before its parsing try-block, so an oversized body arrives here
    # as RequestDataTooBig itself (without this handler it became Django's HTML 400 page).
    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(413, "Payload too large", "The request body is over the size limit.")

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, RequestDataTooBig):  # ninja versions that wrap it
            return _too_big(request, exc.__cause__)
        if isinstance(exc.__cause__, ValidationError):  # a body read but refused (parser.py)
            return _validation(request, exc.__cause__)
        if exc.status_code == 400:
            return problem(400, "Bad request", str(exc), {"body": ["Send a valid JSON document."]})
        try:
            title = HTTPStatus(exc.status_code).phrase
        except ValueError:
            title = "Error"
        return problem(exc.status_code, title, str(exc))

    @api.exception_handler(Http404)
    def _404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, "Not found", "No such resource.")
