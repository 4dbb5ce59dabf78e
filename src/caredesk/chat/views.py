"""The widget's HTTP doors (cross-origin, for CAREDESK_CHAT_ORIGINS) and the agents' chat page.

The widget's requests are simple CORS requests (form bodies, no custom headers), answered with
Access-Control-Allow-Origin for the configured sites; a request from any other site is refused.
They carry no cookies: a visitor proves a chat is theirs with its signed token.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from caredesk.accounts.capabilities import is_chat_agent
from caredesk.accounts.models import User
from caredesk.chat import services
from caredesk.chat.models import ChatSession, ChatStatus, Side
from caredesk.chat.origins import widget_origin
from caredesk.core import ratelimit
from caredesk.core.access import guard
from caredesk.core.agent_pages import sidebar
from caredesk.core.errors import DomainError, NotFound
from caredesk.tickets.models import Attachment
from caredesk.tickets.services import Upload

# live chat is for the people who work tickets, not every staff role (a compliance officer)
chat_agent_required = guard(is_chat_agent)


def _json(request: HttpRequest, data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    origin = request.headers.get("Origin", "")
    if origin and widget_origin(origin, request.get_host()):
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = "Retry-After"
    patch_vary_headers(response, ["Origin"])
    return response


def _problem(request: HttpRequest, exc: DomainError, **extra: Any) -> JsonResponse:
    body: dict[str, Any] = {"title": exc.title, "detail": exc.detail, "errors": exc.errors}
    body.update(extra)
    return _json(request, body, status=exc.status)


def _refused_origin(request: HttpRequest) -> JsonResponse | None:
    """A browser page from a site that may not embed the widget gets nothing."""
    origin = request.headers.get("Origin", "")
    if origin and not widget_origin(origin, request.get_host()):
        return JsonResponse(
            {"title": "Forbidden", "detail": "This site may not use the chat.", "errors": {}},
            status=403,
        )
    return None


def _limited(request: HttpRequest, scope: str, limit: int) -> JsonResponse | None:
    verdict = ratelimit.hit_request(request, scope, limit=limit, window=60)
    if verdict.allowed:
        return None
    response = _json(
        request,
        {
            "title": "Too many requests",
            "detail": f"Too many attempts from your network. Try again in {verdict.retry_after} "
            "seconds.",
            "errors": {},
            "retry_after": verdict.retry_after,
        },
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


@require_GET
def status(request: HttpRequest) -> JsonResponse:
    """Whether chat is open now (hours and an available agent); the widget asks when opened."""
    refused = _refused_origin(request)
    if refused:
        return refused
    return _json(request, services.chat_availability().as_dict())


@csrf_exempt
@require_POST
def start(request: HttpRequest) -> JsonResponse:
    """A visitor starts a chat: name and email in, a signed token out."""
    refused = _refused_origin(request) or _limited(
        request, "chat-start", settings.CAREDESK_RATE_CHAT
    )
    if refused:
        return refused
    try:
        session = services.chat_start(
            name=request.POST.get("name"),
            email=request.POST.get("email"),
            page_url=request.POST.get("page", ""),
            origin=request.headers.get("Origin", ""),
        )
    except services.ChatClosed as exc:
        return _problem(request, exc, **exc.state.as_dict())
    except DomainError as exc:
        return _problem(request, exc)
    return _json(
        request,
        {"token": services.visitor_token(session), "chat": services.session_payload(session)},
        status=201,
    )


def _one_file(request: HttpRequest) -> Upload | None:
    files = request.FILES.getlist("file")
    if len(files) != 1:
        return None
    f = files[0]
    return Upload(filename=f.name or "attachment", content_type=f.content_type or "", data=f.read())


def _too_large(request: HttpRequest) -> JsonResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.CAREDESK_MAX_ATTACHMENT_BYTES + 64 * 1024:
        limit_mb = settings.CAREDESK_MAX_ATTACHMENT_BYTES // (1024 * 1024)
        return _json(
            request,
            {
                "title": "Too large",
                "detail": f"Files are accepted up to {limit_mb} MB.",
                "errors": {"file": [f"Send a file of at most {limit_mb} MB."]},
            },
            status=413,
        )
    return None


@csrf_exempt
@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """A visitor's file for the next line; answered with the id the line refers to."""
    refused = (
        _refused_origin(request)
        or _too_large(request)
        or _limited(request, "chat-upload", settings.CAREDESK_RATE_CHAT)
    )
    if refused:
        return refused
    try:
        session = services.session_for_token(request.POST.get("token"))
        up = _one_file(request)
        if up is None:
            return _json(
                request,
                {
                    "title": "Validation failed",
                    "detail": "Choose one file.",
                    "errors": {"file": ["Choose one file."]},
                },
                status=422,
            )
        row = services.upload_stage(session=session, side=Side.VISITOR, upload=up)
    except DomainError as exc:
        return _problem(request, exc)
    return _json(request, {"id": row.pk, "name": row.filename, "size": row.size}, status=201)


@require_GET
def file(request: HttpRequest, token: str) -> FileResponse:
    """A file of the visitor's chat, by the signed link the chat gave them."""
    try:
        att = services.attachment_for_file_token(token)
    except NotFound:
        raise Http404("No such file.") from None
    return _download(att)


def _download(att: Attachment) -> FileResponse:
    response = FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.filename,
        content_type=att.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@csrf_exempt
@require_POST
def offline(request: HttpRequest) -> JsonResponse:
    """The message form shown while chat is closed: it opens a ticket answered by mail."""
    refused = _refused_origin(request) or _limited(
        request, "chat-offline", settings.CAREDESK_RATE_PUBLIC_FORM
    )
    if refused:
        return refused
    thanks = {"detail": "Thank you. We have your message and will answer by email."}
    if request.POST.get("website"):  # the field people never see: a robot filled it in
        return _json(request, thanks, status=201)
    try:
        services.offline_message(
            name=request.POST.get("name"),
            email=request.POST.get("email"),
            text=request.POST.get("message"),
            page_url=request.POST.get("page", ""),
            chat_token=request.POST.get("chat"),
        )
    except DomainError as exc:
        return _problem(request, exc)
    return _json(request, thanks, status=201)


# -- agents ----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _lists(user: User) -> dict[str, Any]:
    return {
        "waiting": services.waiting_chats(),
        "mine": services.active_chats(user),
        "cap": settings.CAREDESK_CHAT_MAX_CONCURRENT,
        "available": services.is_available(user),
    }


@chat_agent_required
def chats(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Waiting chats, the agent's own, their availability, and one chat open to answer."""
    user = _user(request)
    current = None
    lines: list[dict[str, Any]] = []
    if pk is not None:
        current = ChatSession.objects.select_related("agent", "ticket").filter(pk=pk).first()
        if current is None or current.agent_id != user.pk:
            raise Http404("No such chat.")
        lines = services.lines_payload(current)
        for line in lines:
            for f in line["attachments"]:
                f["url"] = f"/api/v1/attachments/{f['id']}/download"
    context = {
        **sidebar(user),
        **_lists(user),
        "current": current,
        "lines": lines,
        "last_line": lines[-1]["id"] if lines else 0,
        "ended": current is not None and current.status == ChatStatus.ENDED,
    }
    return render(request, "chat/chats.html", context)


@chat_agent_required
@require_GET
def chat_lists(request: HttpRequest) -> HttpResponse:
    """The waiting and own lists alone (refreshed when the queue changes)."""
    context = {**_lists(_user(request)), "current_id": _int(request.GET.get("current"))}
    return render(request, "chat/_lists.html", context)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@chat_agent_required
@require_POST
def availability(request: HttpRequest) -> HttpResponse:
    available = request.POST.get("available") == "1"
    services.availability_set(agent=_user(request), available=available)
    flash.success(
        request,
        "You are available for chats." if available else "You are away: no new chats for you.",
    )
    return redirect("chat-desk:chats")


@chat_agent_required
@require_POST
def agent_upload(request: HttpRequest, pk: int) -> JsonResponse:
    """An agent's file for the next line in one of their chats."""
    session = ChatSession.objects.filter(pk=pk).first()
    if session is None or session.agent_id != _user(request).pk:
        raise Http404("No such chat.")
    too_large = _too_large(request)
    if too_large:
        return too_large
    up = _one_file(request)
    if up is None:
        return JsonResponse(
            {
                "title": "Validation failed",
                "detail": "Choose one file.",
                "errors": {"file": ["Choose one file."]},
            },
            status=422,
        )
    try:
        row = services.upload_stage(session=session, side=Side.AGENT, upload=up)
    except DomainError as exc:
        return _problem(request, exc)
    return JsonResponse({"id": row.pk, "name": row.filename, "size": row.size}, status=201)
