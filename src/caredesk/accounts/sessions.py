"""Session rules: the second step, logoff after inactivity, an absolute limit.

Every signed-in request passes `SessionPolicyMiddleware`. A session ends when its person has
been inactive longer than the idle limit (staff: CAREDESK_STAFF_IDLE_MINUTES, others:
CAREDESK_IDLE_MINUTES), when it is older than CAREDESK_SESSION_MAX_HOURS, or when a person who
needs a second factor reached it without one (any sign-in path other than ours).

Requests sent by the page on its own (the header `X-CareDesk-Background: 1`: the session
banner's check, the chat lists refreshed on a websocket message) do not count as activity.
Times come from caredesk.core.clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url

from caredesk.core import clock

MFA = "cd_mfa"  # how the second step was passed, or NOT_NEEDED
STARTED = "cd_started"  # epoch seconds of the sign-in
SEEN = "cd_seen"  # epoch seconds of the last request the person made
SIGNED_OUT = "cd_signed_out"  # why the last session ended (shown on the sign-in page)
NOT_NEEDED = "none"
PASSED = frozenset({"totp", "recovery", "enrolled", "sso"})
BACKGROUND_HEADER = "HTTP_X_CAREDESK_BACKGROUND"
# Activity is written to the session at most this often (seconds), not on every request.
ACTIVITY_EVERY = 20

IDLE, EXPIRED, NO_SECOND_FACTOR = "idle", "expired", "second-factor"
SERVICE_ACCOUNT = "service-account"  # service accounts use API tokens, never a session


@dataclass(frozen=True)
class Limits:
    idle_seconds: int
    max_seconds: int


def limits_for(user: Any) -> Limits:
    """The idle and absolute limits that apply to this person (read at request time)."""
    from caredesk.accounts.capabilities import guarded_strictly  # it reads the models

    staff = guarded_strictly(user)
    minutes = settings.CAREDESK_STAFF_IDLE_MINUTES if staff else settings.CAREDESK_IDLE_MINUTES
    return Limits(int(minutes * 60), int(settings.CAREDESK_SESSION_MAX_HOURS * 3600))


def seconds_left(*, started: float, seen: float, now: float, limits: Limits) -> float:
    """Seconds until the session ends by inactivity or by age, whichever is sooner."""
    return min(limits.idle_seconds - (now - seen), limits.max_seconds - (now - started))


def end_reason(*, started: float, seen: float, now: float, limits: Limits) -> str | None:
    if now - started >= limits.max_seconds:
        return EXPIRED
    if now - seen >= limits.idle_seconds:
        return IDLE
    return None


def mark_signed_in(session: Any, method: str) -> None:
    """Record a completed sign-in: how the second step was passed and when it happened."""
    now = clock.now().timestamp()
    session[MFA] = method
    session[STARTED] = now
    session[SEEN] = now


def _second_step_passed(session: Any, user: Any) -> bool:
    from caredesk.accounts.capabilities import guarded_strictly
    from caredesk.accounts.signin import mfa_required

    marker = session.get(MFA)
    if marker in PASSED:
        return True
    if marker == NOT_NEEDED and not guarded_strictly(user):
        return True
    if marker is None and not mfa_required(user):
        session[MFA] = NOT_NEEDED
        return True
    return False


def session_verdict(session: Any, user: Any) -> tuple[str | None, float]:
    """Why this signed-in session must end (or None) and the seconds it has left."""
    if getattr(user, "is_service_account", False):  # however it was made (a password set
        return SERVICE_ACCOUNT, 0.0  # in the admin, single sign-on), it ends at once
    now = clock.now().timestamp()
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is None or seen is None:  # a session from before these rules: starts now
        started = seen = now
        session[STARTED] = session[SEEN] = now
    limits = limits_for(user)
    reason = end_reason(started=started, seen=seen, now=now, limits=limits)
    if reason is None and not _second_step_passed(session, user):
        reason = NO_SECOND_FACTOR
    return reason, seconds_left(started=started, seen=seen, now=now, limits=limits)


def is_background(request: HttpRequest) -> bool:
    return request.META.get(BACKGROUND_HEADER) == "1"


def end_session(request: HttpRequest, reason: str) -> HttpResponse:
    """Sign the person out and answer in the way the caller can follow."""
    auth.logout(request)
    request.session[SIGNED_OUT] = reason
    login_path = resolve_url(settings.LOGIN_URL)
    if request.path.startswith("/api/"):
        from caredesk.core.problems import problem

        return problem(401, "Signed out", "The session ended; sign in again.")
    if is_background(request) or request.headers.get("HX-Request"):
        response = JsonResponse({"signed_in": False, "reason": reason}, status=401)
        response["HX-Redirect"] = login_path
        return response
    if request.method == "GET":
        return redirect_to_login(request.get_full_path())
    return redirect_to_login("/")


class SessionPolicyMiddleware:
    """End sessions that went idle, grew too old or skipped the second step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            reason, left = session_verdict(request.session, request.user)
            if reason is not None:
                return end_session(request, reason)
            if not is_background(request):
                now = clock.now().timestamp()
                if now - float(request.session[SEEN]) >= ACTIVITY_EVERY:
                    request.session[SEEN] = now
                    left = seconds_left(
                        started=float(request.session[STARTED]),
                        seen=now,
                        now=now,
                        limits=limits_for(request.user),
                    )
            request.session_seconds_left = max(0, int(left))  # type: ignore[attr-defined]
        return self.get_response(request)


def session_alive(session_key: str | None, user_id: int) -> bool:
    """Whether a stored session still signs this person in (for long-lived websockets).

    Reads the session afresh: the page's own requests keep it alive, and sign-out, "sign out
    everywhere", a new password or the limits end it.
    """
    from importlib import import_module

    from caredesk.accounts.models import User

    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()
    if str(data.get(auth.SESSION_KEY)) != str(user_id):
        return False
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    if data.get(auth.HASH_SESSION_KEY) != user.get_session_auth_hash():
        return False
    reason, _left = session_verdict(dict(data), user)
    return reason is None


def banner(request: HttpRequest) -> dict[str, Any]:
    """Context for the inactivity warning on every signed-in page."""
    return {"session_seconds_left": getattr(request, "session_seconds_left", None)}
