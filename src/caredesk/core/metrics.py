"""Request metrics and the request log line, recorded by the outermost middleware.

Requests are counted by route (the URL pattern that answered, e.g. `/agent/tickets/<int:pk>/`),
method and status class, never by path: paths carry ticket and record ids, and a label per id
would grow without end. The pattern, not its name: one API path serves several operations
(`GET` lists tickets, `POST` opens one) under one name, and the method tells them apart.
With PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps the figures in files there, so any
process on the host can report every process's requests.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import Histogram

log = logging.getLogger("caredesk.request")

REQUEST_SECONDS = Histogram(
    "caredesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered; `static` or `unmatched` when none did."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return "/" + str(match.route)
    if request.path.startswith(settings.STATIC_URL or "/static/"):
        return "static"
    return "unmatched"


class RequestMetricsMiddleware:
    """Time every request, count it, and write one log line without its path or query string."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        status = f"{response.status_code // 100}xx"
        REQUEST_SECONDS.labels(route=route, method=method, status=status).observe(seconds)
        log.info(
            "%s %s %s",
            method,
            route,
            response.status_code,
            extra={
                "method": method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "request_id": getattr(request, "request_id", None),
            },
        )
        return response
