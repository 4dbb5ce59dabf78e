from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from caredesk import __version__
from caredesk.core.access import is_staff_member


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and operators."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - report, never raise, from a health check
        db = {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    status = 200 if db["ok"] else 503
    return JsonResponse(
        {"status": "ok" if db["ok"] else "error", "version": __version__, "database": db},
        status=status,
    )


def home(request: HttpRequest) -> HttpResponseRedirect:
    """Send staff to the agent desk, requesters to the portal, others to sign in."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("desk:queue" if is_staff_member(request.user) else "portal:home")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 page; under /api/ a problem-details document, as every other API error is."""
    if request.path.startswith("/api/"):
        from caredesk.core.problems import problem

        return problem(404, "Not found", "No such resource, or one the caller may not see.")
    return render(request, "404.html", status=404)
