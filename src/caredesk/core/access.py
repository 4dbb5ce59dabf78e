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


agent_required = _guard(lambda u: u.is_staff and u.is_active)
requester_required = _guard(lambda u: getattr(u, "contact", None) is not None)


def form_errors_from(form: forms.Form, exc: DomainError) -> None:
    """Show a domain error on the form: on its fields where they exist, else on the form."""
    if not exc.errors:
        form.add_error(None, exc.detail)
    for field, messages in exc.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message if target else f"{field}: {message}")
