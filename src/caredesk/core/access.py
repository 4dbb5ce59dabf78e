"""View guards: agents for the desk, requesters for the portal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from caredesk.core.errors import DomainError
from caredesk.core.registries import Slot

# a guarded view keeps its own type (some return a StreamingHttpResponse)
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _guard(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, wrapped)  # wraps() keeps the view's name; the checks add no arguments

    return decorator


# Who is one of the desk's people is the accounts app's decision (by the permissions of their
# roles, never by `is_staff`); it fills the slot when it is ready.
_staff_check: Slot[Callable[[Any], bool]] = Slot("staff check", filled_by="caredesk.accounts")


def staff_check_register(check: Callable[[Any], bool]) -> None:
    _staff_check.fill(check)


def is_staff_member(user: Any) -> bool:
    return _staff_check.get()(user)


agent_required = _guard(is_staff_member)


def staff_with(perm: str) -> Callable[[View], View]:
    """A screen for the desk's people holding `perm` (others: 403; signed out: sign in)."""
    return _guard(lambda u: is_staff_member(u) and u.has_perm(perm))


# a screen for the people holding a capability (accounts/capabilities.py): others get 403
guard = _guard
requester_required = _guard(lambda u: getattr(u, "contact", None) is not None)


def form_errors_from(form: forms.Form, exc: DomainError) -> None:
    """Show a domain error on the form: on its fields where they exist, else on the form."""
    if not exc.errors:
        form.add_error(None, exc.detail)
    for field, messages in exc.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message if target else f"{field}: {message}")
