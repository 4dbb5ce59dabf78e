"""Public help pages: the device check and the request form for visitors without an account.

Nothing here needs a login. Every refusal is a page or a short answer with a sentence that
says what to do (a 4xx), and the form comes back with everything typed in it."""

from __future__ import annotations

import logging
import os
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caredesk.accounts.services import requester_for_email
from caredesk.core.access import form_errors_from
from caredesk.core.errors import DomainError
from caredesk.core.ratelimit import Verdict, hit_request
from caredesk.intake.acknowledge import acknowledge
from caredesk.selfserve import checks
from caredesk.selfserve.forms import PublicRequestForm
from caredesk.sla.requester import dues_of, promise_lines
from caredesk.tickets.services import Body, NewTicket, Upload, tickets_open
from caredesk.tickets.services.attachments import clean_filename

log = logging.getLogger(__name__)

SENT_SALT = "caredesk.selfserve.sent"
SENT_MAX_AGE = 24 * 3600  # the confirmation link works for a day
CHUNK = 64 * 1024


_Response = TypeVar("_Response", bound=HttpResponse)


def _no_store(response: _Response) -> _Response:
    response["Cache-Control"] = "no-store"
    return response


def _limited(verdict: Verdict, sentence: str) -> JsonResponse:
    response = JsonResponse({"detail": sentence, "retry_after": verdict.retry_after}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return _no_store(response)


def _check_limit(request: HttpRequest) -> JsonResponse | None:
    verdict = hit_request(request, "diagnostics", limit=settings.CAREDESK_RATE_DIAGNOSTICS)
    if verdict.allowed:
        return None
    return _limited(
        verdict,
        f"The check was run too often from this address. Try again in {verdict.retry_after} "
        "seconds.",
    )


# The device check ---------------------------------------------------------------------------


@require_GET
def check(request: HttpRequest) -> HttpResponse:
    versions = checks.THRESHOLDS["min_versions"].items()
    context = {
        "labels": list(checks.LABELS.items()),
        "thresholds": {
            **checks.THRESHOLDS,
            "max_payload_bytes": checks.MAX_PAYLOAD_BYTES,
            "max_upload_bytes": checks.MAX_UPLOAD_BYTES,
        },
        "minimums": ", ".join(f"{name} {version}" for name, version in versions),
    }
    response = render(request, "selfserve/check.html", context)
    # This page alone may ask for the camera and microphone (the rest of CareDesk never does).
    response["Permissions-Policy"] = "camera=(self), microphone=(self), geolocation=()"
    return response


@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    """A tiny answer for timing round trips."""
    return _check_limit(request) or _no_store(HttpResponse(status=204))


@require_GET
def payload(request: HttpRequest) -> HttpResponse:
    """`bytes` random (incompressible) bytes, at most MAX_PAYLOAD_BYTES, for the download test."""
    refused = _check_limit(request)
    if refused:
        return refused
    try:
        size = int(request.GET.get("bytes", "0"))
    except ValueError:
        size = -1
    if not 1 <= size <= checks.MAX_PAYLOAD_BYTES:
        response: HttpResponse = JsonResponse(
            {"detail": f"Ask for 1 to {checks.MAX_PAYLOAD_BYTES} bytes."}, status=400
        )
        return _no_store(response)
    response = HttpResponse(os.urandom(size), content_type="application/octet-stream")
    response["Content-Length"] = str(size)
    return _no_store(response)


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Read and discard up to MAX_UPLOAD_BYTES, for the upload test; reports what arrived."""
    refused = _check_limit(request)
    if refused:
        return refused
    cap = checks.MAX_UPLOAD_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    too_big = JsonResponse({"detail": f"Send at most {cap} bytes."}, status=413)
    if declared > cap:
        return _no_store(too_big)
    received = 0
    while True:
        chunk = request.read(CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > cap:
            return _no_store(too_big)
    return _no_store(JsonResponse({"received": received}))


# The public request form --------------------------------------------------------------------


def _uploads(form: PublicRequestForm) -> tuple[Upload, ...]:
    """The attached files; an oversized one is a field error here, before it is read into
    memory. Their types and programs are judged by the ticket services (check_uploads)."""
    limit = settings.CAREDESK_MAX_ATTACHMENT_BYTES
    out, errors = [], []
    for f in form.cleaned_data.get("attachments") or []:
        name = clean_filename(f.name or "attachment")
        if (f.size or 0) > limit:
            errors.append(f"{name} is larger than {_size(limit)}: attach a smaller file.")
            continue
        out.append(Upload(name, f.content_type or "", f.read()))
    for error in errors:
        form.add_error("attachments", error)
    return tuple(out)


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.3g} MB"
    return f"{max(1, limit // 1024)} KB"


def _promised(opened: Any) -> list[str]:
    """What the ticket's own SLA clocks promise (reply, resolution), as the portal says it."""
    dues = dues_of(list(opened.clocks)).get(opened.ticket.pk, {})
    return [told.text for told in promise_lines(dues)]


def _open(request: HttpRequest, form: PublicRequestForm) -> HttpResponse | None:
    """Open the ticket; None when the services refused it (the errors are on the form)."""
    d = form.cleaned_data
    uploads = _uploads(form)
    if form.errors:
        return None
    results: list[checks.CheckResult] = d["diagnostics"]
    answers = checks.form_answers(results)
    if results:
        agent = request.META.get("HTTP_USER_AGENT", "")
        answers["User agent"] = " ".join(agent.split())[:300] or "(none sent)"
    text = d["description"].strip()
    if results:
        text += "\n\n" + checks.plain_text(results)
    try:
        with transaction.atomic():
            opened = _open_ticket(d, text, answers, uploads)
    except DomainError as exc:
        form_errors_from(form, exc)
        return None
    token = signing.dumps({"ref": opened.ticket.ref, "promised": _promised(opened)}, salt=SENT_SALT)
    return redirect("selfserve:sent", token=token)


def _open_ticket(
    d: dict[str, Any], text: str, answers: dict[str, str], uploads: tuple[Upload, ...]
) -> Any:
    """The ticket and its acknowledgement by mail (the visitor has no account to look in)."""
    requester = requester_for_email(email=d["email"], name=d["name"])
    (opened,) = tickets_open(
        items=[
            NewTicket(
                requester=requester,
                subject=d["subject"],
                body=Body(text=text),
                structured={"device_serial": d["device_serial"]} if d["device_serial"] else {},
                form_data=answers,
                uploads=uploads,
            )
        ],
        actor=requester,
    )
    acknowledge(opened, text)
    return opened


def _form_page(
    request: HttpRequest, form: PublicRequestForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    results: list[checks.CheckResult] = []
    raw = form["diagnostics"].value() or ""
    if not form["diagnostics"].errors:
        try:
            results = checks.parse_results(str(raw))
        except checks.ResultsInvalid:
            results = []
    context = {"form": form, "results": results, **extra}
    return _no_store(render(request, "selfserve/new.html", context, status=status))


def _drop_results(form: PublicRequestForm) -> None:
    """Results that could not be read are not sent again with the corrected form."""
    data = cast(QueryDict, form.data).copy()  # a bound form's data: the request's QueryDict
    data["diagnostics"] = ""
    form.data = data


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, PublicRequestForm())
    if request.POST.get("prefill") == "check":
        # From the device check: a fresh form carrying the results (nothing is opened yet).
        try:
            results = checks.parse_results(request.POST.get("diagnostics", ""))
        except checks.ResultsInvalid:
            results = []
        initial = {"diagnostics": checks.as_json(results) if results else ""}
        initial["subject"] = checks.suggested_subject(results)
        return _form_page(request, PublicRequestForm(initial=initial), from_check=True)

    form = PublicRequestForm(request.POST, request.FILES)
    verdict = hit_request(request, "public-form", limit=settings.CAREDESK_RATE_PUBLIC_FORM)
    if not verdict.allowed:
        response = _form_page(
            request, PublicRequestForm(initial=_typed(form)), status=429, limited=verdict
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if request.POST.get("website", "").strip():
        # A bot filled the hidden field: it sees what a person would, but nothing is opened.
        log.info("public request form: hidden field filled; no ticket opened")
        token = signing.dumps({"ref": "", "due": ""}, salt=SENT_SALT)
        return redirect("selfserve:sent", token=token)
    if form.is_valid():
        done = _open(request, form)
        if done is not None:
            return done
    if form.has_error("diagnostics"):
        _drop_results(form)
    return _form_page(request, form, status=422)


def _typed(form: PublicRequestForm) -> dict[str, Any]:
    """What the visitor typed, to show again (files cannot be given back by a page)."""
    keep = ("name", "email", "subject", "description", "device_serial", "diagnostics")
    return {k: form.data.get(k, "") for k in keep}


@require_GET
def sent(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature:
        return render(request, "selfserve/sent.html", {"expired": True}, status=404)
    promised = [str(line) for line in data.get("promised") or []]
    due = parse_datetime(data.get("due") or "")  # a link written before the promises were
    context = {
        "ref": data.get("ref", ""),
        "promised": promised,
        "due": timezone.localtime(due) if due and not promised else None,
    }
    return _no_store(render(request, "selfserve/sent.html", context))
