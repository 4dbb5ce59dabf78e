"""API authentication: per-user bearer tokens, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from caredesk.accounts.services import token_user


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token: `Authorization: Bearer cdt_…`"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


AUTH = [TokenAuth(), django_auth]
