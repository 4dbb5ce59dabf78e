"""Signing in (password, then a second step), with failed attempts limited; one's own security
page (two-step sign-in, recovery codes, sign out everywhere); the session status for the page's
inactivity warning."""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from caredesk.accounts import oidc, saml, saml_config, sessions, signin
from caredesk.accounts.capabilities import is_staff_member, staff_members
from caredesk.accounts.models import AccountKind, User
from caredesk.accounts.qr import qr_data_uri
from caredesk.accounts.totp import provisioning_uri
from caredesk.core import clock
from caredesk.core.errors import DomainError
from caredesk.core.ratelimit import Verdict, client_ip, give_back, hit, reset

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
        # Each attempt is counted before its password is looked at, by one atomic increment that
        # returns the new count: attempts made at the same moment cannot all slip under a limit
        # they would pass if each only looked at the count. A success gives its count back.
        per_account, per_address, window = self._limits()
        account = _account_key(request.POST.get("username", ""))
        address = client_ip(request)
        verdict = hit("signin-ip", address, limit=per_address, window=window)
        if verdict.allowed:
            verdict = hit("signin", account, limit=per_account, window=window)
            if not verdict.allowed:  # refused unheard: not a failure of this address
                give_back("signin-ip", address, window=window)
        if not verdict.allowed:
            wait = verdict.retry_after
            minutes = max(1, -(-wait // 60))
            form = self.get_form()
            context = self.get_context_data(form=form, locked_minutes=minutes)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        account = _account_key(self.request.POST.get("username", ""))
        log.info("failed sign-in for account %s", account[:12])  # counted in post()
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["signed_out"] = self.request.session.pop(sessions.SIGNED_OUT, None)
        context["sso_label"] = settings.CAREDESK_OIDC_LABEL if settings.CAREDESK_OIDC_ISSUER else ""
        context["saml_label"] = settings.CAREDESK_SAML_LABEL if saml_config.enabled() else ""
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        _per_account, _per_address, window = self._limits()
        reset("signin", _account_key(self.request.POST.get("username", "")), window=window)
        give_back("signin-ip", client_ip(self.request), window=window)
        user = form.get_user()
        if signin.mfa_required(user):
            _pending_start(self.request, user, self.get_success_url())
            return redirect("login-code" if signin.mfa_enrolled(user) else "login-enroll")
        response = super().form_valid(form)
        sessions.mark_signed_in(self.request.session, sessions.NOT_NEEDED)
        return response


# --- the second step -------------------------------------------------------------------------

PENDING = "cd_pending"  # the person who gave the right password and is now on the second step
PENDING_SECONDS = 10 * 60


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=40, strip=True, error_messages={"required": "Type a code."}
    )


def _pending_start(request: HttpRequest, user: User, next_url: str) -> None:
    if request.user.is_authenticated:  # someone else was signed in on this browser
        auth_logout(request)
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": clock.now().timestamp(),
        "next": next_url,
    }


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if clock.now().timestamp() - float(data.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    # a session without a user id finds nobody
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()  # type: ignore[misc]
    return (user, data) if user is not None else None


def _complete(request: HttpRequest, user: User, pending: dict[str, Any], method: str) -> None:
    auth_login(request, user, backend=pending["backend"])
    request.session.pop(PENDING, None)
    sessions.mark_signed_in(request.session, method)


def _code_limit(user: User) -> tuple[str, int, int]:
    return str(user.pk), settings.CAREDESK_MFA_ATTEMPTS, settings.CAREDESK_SIGNIN_LOCK_MINUTES * 60


def _code_attempt(user: User) -> Verdict:
    """Count one second-step attempt before its code is looked at (see SignInView.post)."""
    key, limit, window = _code_limit(user)
    return hit("mfa", key, limit=limit, window=window)


def _paused_response(
    request: HttpRequest, template: str, context: dict[str, Any], wait: int
) -> HttpResponse:
    context["locked_minutes"] = max(1, -(-wait // 60))
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _check_code(
    request: HttpRequest, user: User, template: str, context: dict[str, Any], check: Any
) -> tuple[Any, HttpResponse | None]:
    """Run `check` on the typed code within the attempt limit: (its result, None) when it
    passed, else (None, the page to show: paused or the form with its error)."""
    paused = _code_attempt(user)
    if not paused.allowed:
        return None, _paused_response(request, template, context, paused.retry_after)
    form = context["form"]
    if form.is_valid():
        try:
            result = check(form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.detail)
        else:
            reset("mfa", str(user.pk), window=_code_limit(user)[2])
            return result, None
    log.info("wrong second-step code for user %s", user.pk)  # counted by _code_attempt
    return None, render(request, template, context, status=422)


def _restart(request: HttpRequest) -> HttpResponse:
    flash.info(request, "Sign in again: the second step took too long or was not started.")
    return redirect("login")


@never_cache
@sensitive_post_parameters("code")
def signin_code(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the authenticator app or a recovery code."""
    pending = _pending(request)
    if pending is None:
        return _restart(request)
    user, data = pending
    if not signin.mfa_enrolled(user):
        return redirect("login-enroll")
    context: dict[str, Any] = {"form": CodeForm(request.POST or None)}
    if request.method != "POST":
        return render(request, "auth/code.html", context)
    method, refused = _check_code(
        request,
        user,
        "auth/code.html",
        context,
        lambda code: signin.mfa_verify(user=user, code=code),
    )
    if refused is not None:
        return refused
    _complete(request, user, data, method)
    if method == signin.METHOD_RECOVERY:
        left = signin.recovery_codes_left(user)
        flash.warning(
            request,
            f"You signed in with a recovery code; {left} left. Make new ones on your "
            "security page if you are running out.",
        )
    return redirect(data["next"])


@never_cache
@sensitive_post_parameters("code")
def signin_enroll(request: HttpRequest) -> HttpResponse:
    """Staff who have no authenticator yet set one up before their first session starts."""
    pending = _pending(request)
    if pending is None:
        return _restart(request)
    user, data = pending
    if signin.mfa_enrolled(user):
        return redirect("login-code")
    return _enrol(
        request,
        user,
        on_done=lambda: _complete(request, user, data, "enrolled"),
        next_url=data["next"],
        action="login-enroll",
    )


def _enrol(
    request: HttpRequest, user: User, *, on_done: Any, next_url: str, action: str
) -> HttpResponse:
    factor = signin.mfa_start(user=user)
    uri = provisioning_uri(factor.secret, account=user.email, issuer=settings.CAREDESK_SITE_NAME)
    context = {
        "form": CodeForm(request.POST or None),
        "qr": qr_data_uri(uri),
        "secret": " ".join(factor.secret[i : i + 4] for i in range(0, len(factor.secret), 4)),
        "action": action,
    }
    if request.method != "POST":
        return render(request, "auth/enroll.html", context)
    codes, refused = _check_code(
        request,
        user,
        "auth/enroll.html",
        context,
        lambda code: signin.mfa_confirm(user=user, code=code),
    )
    if refused is not None:
        return refused
    on_done()
    return _codes_page(request, user, codes, next_url)


def _codes_page(request: HttpRequest, user: User, codes: list[str], next_url: str) -> HttpResponse:
    """The new recovery codes, shown once: to copy, to download as a .txt file, to write down."""
    site = settings.CAREDESK_SITE_NAME
    made = clock.now().strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"{site} recovery codes for {user.email} (made {made})",
        "Each code works once, instead of the authenticator app's code.",
        "",
        *codes,
        "",
    ]
    context = {
        "codes": codes,
        "next_url": next_url,
        "codes_text": "\n".join(codes),
        "codes_file": "\r\n".join(lines),
        "codes_filename": f"{slugify(site) or 'caredesk'}-recovery-codes.txt",
    }
    return render(request, "auth/recovery_codes.html", context)


# --- one's own security page -------------------------------------------------------------------


def _home_url(user: User) -> str:
    return "desk:queue" if is_staff_member(user) else "portal:home"


def _account_page(
    request: HttpRequest,
    user: User,
    form: CodeForm,
    status: int = 200,
    password_form: PasswordChangeForm | None = None,
) -> HttpResponse:
    context = {
        "enrolled": signin.mfa_enrolled(user),
        "required": signin.mfa_role(user),
        "codes_left": signin.recovery_codes_left(user),
        "home_url": _home_url(user),
        "form": form,
        "password_form": password_form or PasswordChangeForm(user),
    }
    return render(request, "auth/account.html", context, status=status)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Two-step sign-in state, recovery codes left, and "sign out everywhere"."""
    return _account_page(request, request.user, CodeForm())  # type: ignore[arg-type]


@never_cache
@login_required
@sensitive_post_parameters("code")
def account_enroll(request: HttpRequest) -> HttpResponse:
    """A signed-in person (a requester choosing to) sets up an authenticator app."""
    user: User = request.user  # type: ignore[assignment]
    if signin.mfa_enrolled(user):
        return redirect("account")

    def done() -> None:
        request.session[sessions.MFA] = "enrolled"

    return _enrol(request, user, on_done=done, next_url="/account/", action="account-enroll")


@never_cache
@login_required
@require_POST
def account_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes; the new ones are shown once."""
    user: User = request.user  # type: ignore[assignment]
    try:
        codes = signin.recovery_codes_regenerate(user=user)
    except DomainError as exc:
        flash.error(request, exc.detail)
        return redirect("account")
    return _codes_page(request, user, codes, "/account/")


@login_required
@require_POST
@sensitive_post_parameters("code")
def account_mfa_off(request: HttpRequest) -> HttpResponse:
    """A requester turns two-step sign-in off, confirming with a current code."""
    user: User = request.user  # type: ignore[assignment]
    if signin.mfa_role(user):
        raise PermissionDenied("Staff accounts must keep two-step sign-in.")
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            signin.mfa_disable(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.detail)
        else:
            request.session[sessions.MFA] = sessions.NOT_NEEDED
            flash.success(request, "Two-step sign-in is off.")
            return redirect("account")
    return _account_page(request, user, form, status=422)


@login_required
@require_POST
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def account_password(request: HttpRequest) -> HttpResponse:
    """Change one's password: every other session ends, this one goes on."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST)
    if not form.is_valid():
        return _account_page(request, user, CodeForm(), status=422, password_form=form)
    signin.password_change(user=user, password=form.cleaned_data["new_password1"])
    update_session_auth_hash(request, user)
    flash.success(request, "Password changed. You were signed out everywhere else.")
    return redirect("account")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End all of one's sessions, this one included."""
    user: User = request.user  # type: ignore[assignment]
    signin.sessions_end_all(user=user, actor=user)
    auth_logout(request)
    request.session[sessions.SIGNED_OUT] = "everywhere"
    return redirect("login")


@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds the session has left (the page's warning asks; asked in the background it
    does not count as activity, so the answer is honest)."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    left = getattr(request, "session_seconds_left", 0)
    return JsonResponse({"signed_in": True, "seconds_left": left})


def admin_login(request: HttpRequest) -> HttpResponse:
    """The administration's sign-in page sends people to the desk's own (with its second step)."""
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.GET.get("next", "/admin/"))


# --- single sign-on (OpenID Connect) for staff -------------------------------------------------

SSO = "cd_oidc"  # state, nonce and PKCE verifier of a single sign-on under way


def _sso_redirect_uri() -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/") + reverse("login-sso-callback")


def _sso_refused(request: HttpRequest, message: str) -> HttpResponse:
    flash.error(request, message)
    return redirect("login")


@never_cache
@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider (only when single sign-on is configured)."""
    if not settings.CAREDESK_OIDC_ISSUER:
        raise Http404
    try:
        provider = oidc.discover(settings.CAREDESK_OIDC_ISSUER)
    except oidc.OidcError as exc:
        log.warning("single sign-on unavailable: %s", exc)
        return _sso_refused(request, f"Single sign-on is not available now. {exc}")
    begun = oidc.start(
        provider, client_id=settings.CAREDESK_OIDC_CLIENT_ID, redirect_uri=_sso_redirect_uri()
    )
    next_url = _safe_next(request)
    request.session[SSO] = {
        "state": begun.state,
        "nonce": begun.nonce,
        "verifier": begun.verifier,
        "next": next_url,
        "at": clock.now().timestamp(),
    }
    return redirect(begun.url)


@never_cache
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back: check everything, then the second step."""
    if not settings.CAREDESK_OIDC_ISSUER:
        raise Http404
    started = request.session.pop(SSO, None)
    state = request.GET.get("state", "")
    fresh = isinstance(started, dict) and clock.now().timestamp() - started["at"] < PENDING_SECONDS
    # bytes: compare_digest refuses str with non-ASCII characters (a 500 for a crafted link)
    if not fresh or not secrets.compare_digest(str(started["state"]).encode(), state.encode()):
        return _sso_refused(request, "Single sign-on did not complete. Try again.")
    if "code" not in request.GET:
        return _sso_refused(request, "The identity provider did not sign you in.")
    try:
        claims = oidc.finish(
            oidc.discover(settings.CAREDESK_OIDC_ISSUER),
            code=request.GET["code"],
            verifier=started["verifier"],
            nonce=started["nonce"],
            client_id=settings.CAREDESK_OIDC_CLIENT_ID,
            client_secret=settings.CAREDESK_OIDC_CLIENT_SECRET,
            redirect_uri=_sso_redirect_uri(),
            now=clock.now().timestamp(),
        )
    except oidc.OidcError as exc:
        log.warning("single sign-on refused: %s", exc)
        return _sso_refused(request, f"Single sign-on failed. {exc}")
    return _sso_sign_in(
        request,
        oidc.verified_email(claims),
        started["next"],
        second_step=settings.CAREDESK_OIDC_SECOND_STEP,
    )


def _sso_sign_in(
    request: HttpRequest, email: str | None, next_url: str, *, second_step: bool
) -> HttpResponse:
    """The provider vouched for this address: an existing active staff account with it goes on
    to the desk's own second step (or straight in, where the provider's own is trusted)."""
    user = staff_members().filter(email__iexact=email).exclude(kind=AccountKind.SERVICE).first()
    if not email or user is None:
        return _sso_refused(
            request, "No CareDesk staff account matches the address your provider confirmed."
        )
    user.backend = "django.contrib.auth.backends.ModelBackend"
    if second_step:
        _pending_start(request, user, next_url)
        return redirect("login-code" if signin.mfa_enrolled(user) else "login-enroll")
    auth_login(request, user, backend=user.backend)
    sessions.mark_signed_in(request.session, "sso")
    return redirect(next_url)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    return next_url


# --- single sign-on (SAML 2.0) for staff -------------------------------------------------------
#
# The provider posts its answer from its own site, so the browser does not send the desk's
# session cookie with it (SameSite=Lax). The answer is therefore checked against the request
# kept on the server, and the browser is then sent on (a top-level GET, which does carry the
# cookie) to finish in the session that started the sign-in. The answer's own step never
# touches a session, so it cannot replace the browser's.

SAML = "cd_saml"  # the AuthnRequest ID this browser is waiting on
SAML_DONE_SECONDS = 120


def _saml_service() -> tuple[str, str]:
    """This desk's entity ID and assertion consumer service URL."""
    base = settings.CAREDESK_BASE_URL.rstrip("/")
    entity = settings.CAREDESK_SAML_SP_ENTITY_ID or base + reverse("login-saml-metadata")
    return entity, base + reverse("login-saml-acs")


@never_cache
@require_GET
def saml_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider with a new AuthnRequest."""
    if not saml_config.enabled():
        raise Http404
    try:
        idp = saml_config.provider()
    except saml.SamlError as exc:
        log.warning("SAML sign-in unavailable: %s", exc)
        return _sso_refused(request, f"Single sign-on is not available now. {exc}")
    entity, acs = _saml_service()
    begun = saml.authn_request(
        idp_sso_url=idp.sso_url,
        sp_entity_id=entity,
        acs_url=acs,
        relay_state="",
        now=clock.now(),
    )
    cache.set(
        f"saml:request:{begun.id}",
        {"next": _safe_next(request), "at": clock.now().timestamp()},
        timeout=PENDING_SECONDS,
    )
    request.session[SAML] = begun.id
    return redirect(begun.url)


def _saml_failed(request: HttpRequest, message: str) -> HttpResponse:
    # shown here, not flashed: this step must not write to a session (see above)
    return render(request, "auth/sso_failed.html", {"message": message}, status=400)


@csrf_exempt  # posted by the identity provider's page; bound to the request kept on the server
@never_cache
@require_POST
def saml_acs(request: HttpRequest) -> HttpResponse:
    """The provider's signed answer: verify everything, then finish in the browser's session."""
    if not saml_config.enabled():
        raise Http404
    posted = request.POST.get("SAMLResponse", "")
    request_id = saml.response_request_id(posted)
    started = cache.get(f"saml:request:{request_id}") if request_id else None
    fresh = isinstance(started, dict) and clock.now().timestamp() - started["at"] < PENDING_SECONDS
    if not fresh or started is None:
        return _saml_failed(
            request, "This sign-in was not started here, was already used, or took too long."
        )
    cache.delete(f"saml:request:{request_id}")  # an answer is used once
    entity, acs = _saml_service()
    try:
        idp = saml_config.provider()
        assertion = saml.read_response(
            posted,
            certificates=idp.certificates,
            idp_entity_id=idp.entity_id,
            sp_entity_id=entity,
            acs_url=acs,
            request_id=request_id,
            now=clock.now(),
        )
    except saml.SamlError as exc:
        log.warning("SAML sign-in refused: %s", exc)
        return _saml_failed(request, f"Single sign-on failed. {exc}")
    lifetime = max(1, int((assertion.valid_until - clock.now()).total_seconds()) + 180)
    if not cache.add(f"saml:assertion:{assertion.id}", 1, timeout=lifetime):
        return _saml_failed(request, "Single sign-on failed. This answer was already used.")
    cache.set(
        f"saml:done:{request_id}",
        {"email": assertion.email(settings.CAREDESK_SAML_EMAIL_ATTRIBUTE), "next": started["next"]},
        timeout=SAML_DONE_SECONDS,
    )
    response = redirect(reverse("login-saml-finish") + f"?request={request_id}")
    response.status_code = 303  # the browser follows with a GET
    return response


@never_cache
@require_GET
def saml_finish(request: HttpRequest) -> HttpResponse:
    """Back in the session that started the sign-in: the desk's own rules from here."""
    if not saml_config.enabled():
        raise Http404
    request_id = request.GET.get("request", "")
    waiting = request.session.pop(SAML, None)
    done = cache.get(f"saml:done:{request_id}") if request_id else None
    if not isinstance(waiting, str) or not secrets.compare_digest(
        waiting.encode(), request_id.encode()
    ):
        return _sso_refused(request, "Single sign-on did not complete. Try again.")
    cache.delete(f"saml:done:{request_id}")
    if not isinstance(done, dict):
        return _sso_refused(request, "Single sign-on did not complete. Try again.")
    return _sso_sign_in(
        request, done["email"], done["next"], second_step=settings.CAREDESK_SAML_SECOND_STEP
    )


@never_cache
@require_GET
def saml_metadata(request: HttpRequest) -> HttpResponse:
    """This desk's service-provider metadata, for the identity provider's administrator."""
    if not saml_config.enabled():
        raise Http404
    entity, acs = _saml_service()
    return HttpResponse(
        saml.metadata(sp_entity_id=entity, acs_url=acs), content_type="application/samlmetadata+xml"
    )
