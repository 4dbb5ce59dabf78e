"""Signing in, with failed attempts limited per account and per address."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from caredesk.core.ratelimit import client_ip, hit, peek, reset

log = logging.getLogger(__name__)


def _account_key(email: str) -> str:
    # the address itself is never kept in the cache or the log
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class SignInView(LoginView):
    """Django's sign-in, refusing an account or an address after too many failures.

    The count is kept for any address typed, known or not, so a refusal says nothing about
    whether an account exists. A success clears the account's count.
    """

    template_name = "auth/login.html"

    def _limits(self) -> tuple[int, int, int]:
        return (
            settings.CAREDESK_SIGNIN_ATTEMPTS,
            settings.CAREDESK_SIGNIN_ATTEMPTS_PER_ADDRESS,
            settings.CAREDESK_SIGNIN_LOCK_MINUTES * 60,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        per_account, per_address, window = self._limits()
        account = _account_key(request.POST.get("username", ""))
        verdicts = [
            peek("signin", account, limit=per_account, window=window),
            peek("signin-ip", client_ip(request), limit=per_address, window=window),
        ]
        refused = [v for v in verdicts if not v.allowed]
        if refused:
            wait = max(v.retry_after for v in refused)
            minutes = max(1, -(-wait // 60))
            form = self.get_form()
            context = self.get_context_data(form=form, locked_minutes=minutes)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        per_account, per_address, window = self._limits()
        account = _account_key(self.request.POST.get("username", ""))
        hit("signin", account, limit=per_account, window=window)
        hit("signin-ip", client_ip(self.request), limit=per_address, window=window)
        log.info("failed sign-in for account %s", account[:12])
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        _per_account, _per_address, window = self._limits()
        reset("signin", _account_key(self.request.POST.get("username", "")), window=window)
        return super().form_valid(form)
