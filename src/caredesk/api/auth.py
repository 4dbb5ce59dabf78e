"""API authentication: per-user bearer tokens, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from caredesk.accounts.services import token_user


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token: `Authorization: Bearer cdt_…`"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token.

    Ninja's own session auth checks CSRF before it looks for a session, so a request with no
    credentials (or a revoked token) was refused as a CSRF failure (403) instead of 401. The check
    only protects a session, so it runs only when there is a signed-in session.
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The signed-in browser session; unsafe methods need `X-CSRFToken`."

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


AUTH = [TokenAuth(), SessionAuth()]
