"""API authentication: per-user bearer tokens with scopes, or the browser session (with CSRF).

Every operation declares the one scope it needs, where it is routed:
`@router.get("/tickets", auth=needs_scope(TICKETS_READ), ...)`. A token must carry that scope
(403 naming it otherwise); a signed-in browser session has every scope of its user. Either way
the handler then asks the person's role, as before: a scope never grants anything.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from caredesk.accounts.scopes import SCOPES, grant_of
from caredesk.accounts.services import TokenRefused, token_authenticate
from caredesk.core.problems import problem


class ScopeMissing(Exception):
    """A valid token without the scope the operation needs."""

    def __init__(self, scope: str | None) -> None:
        super().__init__(scope or "")
        self.scope = scope


def _scopes_text() -> str:
    return "\n".join(f"- `{s.name}`: {s.description}" for s in SCOPES.values())


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cdt_…`, accepted when the token carries `scope`."""

    openapi_description = (
        "An API token: `Authorization: Bearer cdt_…`. Each operation lists the scope a token "
        "needs (in its `security` requirement and its description); the token's owner must "
        "also be allowed to do it. Scopes:\n" + _scopes_text()
    )

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        if scope is not None and scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # A bearer header that does not authenticate is an answer (401), not a reason to try
        # the session: the caller meant to use the token.
        user = token_authenticate(token)
        grant = grant_of(user)
        if self.scope is None or grant is None or self.scope not in grant.scopes:
            raise ScopeMissing(self.scope)
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token.

    Ninja's own session auth checks CSRF before it looks for a session, so a request with no
    credentials (or a revoked token) was refused as a CSRF failure (403) instead of 401. The check
    only protects a session, so it runs only when there is a signed-in session.
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The signed-in browser session; unsafe methods need `X-CSRFToken`. A session has every "
        "scope its user's role allows."
    )

    def _get_key(self, request: HttpRequest) -> str | None:
        user = request.user
        if not user.is_authenticated or getattr(user, "is_service_account", False):
            return None  # service accounts have tokens only, never a session
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


def needs_scope(scope: str) -> list[Any]:
    """An operation's authentication: a token carrying `scope`, or a signed-in session."""
    return [TokenAuth(scope), SessionAuth()]


# The API's default, for an operation that declares no scope: sessions only, and a token is
# refused with 403 (the OpenAPI test fails such an operation before it ships).
AUTH = [TokenAuth(None), SessionAuth()]


def _token_refused(exc: TokenRefused) -> HttpResponse:
    response = problem(401, "Unauthorized", str(exc))
    response["WWW-Authenticate"] = f'Bearer error="invalid_token", error_description="{exc}"'
    return response


def _scope_missing(exc: ScopeMissing) -> HttpResponse:
    if exc.scope is None:
        response = problem(403, "Forbidden", "This operation cannot be called with an API token.")
        response["WWW-Authenticate"] = 'Bearer error="insufficient_scope"'
        return response
    response = problem(
        403,
        "Missing scope",
        f"This API token does not have the `{exc.scope}` scope this operation needs.",
        extra={"scope": exc.scope},
    )
    response["WWW-Authenticate"] = f'Bearer error="insufficient_scope", scope="{exc.scope}"'
    return response


def install(api: NinjaAPI) -> None:
    """Answer refused tokens (401) and missing scopes (403) as problem details, with the
    `WWW-Authenticate` challenge of RFC 6750."""

    @api.exception_handler(TokenRefused)
    def _refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
        return _token_refused(exc)

    @api.exception_handler(ScopeMissing)
    def _missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
        return _scope_missing(exc)
