"""Screens of services, components and synthetic monitors (incidents.manage_status): set them
up, switch monitors off and on, see each monitor's recent checks and the incident it opened,
and ask the worker to run checks now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core.access import staff_with
from caredesk.core.agent_pages import agent_page
from caredesk.incidents import monitors as services
from caredesk.incidents.models import (
    OPEN_STATES,
    Component,
    Incident,
    Monitor,
    MonitorCheck,
    Service,
)
from caredesk.incidents.monitor_forms import ComponentForm, MonitorForm, ServiceForm

MANAGE = "incidents.manage_status"
RECENT_CHECKS = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return agent_page(request, template, context, status=status)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _queue(only: list[int] | None = None) -> None:
    from caredesk.incidents.monitor_tasks import monitors_run_task

    monitors_run_task(only)


# --- monitors -----------------------------------------------------------------------------------


@staff_with(MANAGE)
def monitors(request: HttpRequest) -> HttpResponse:
    rows = list(Monitor.objects.select_related("component__service", "incident").order_by("name"))
    context = {"tab": "monitors", "monitors": rows, **services.monitor_summary(rows)}
    return _page(request, "incidents/monitor_list.html", context)


def _monitor_form(
    request: HttpRequest, form: MonitorForm, monitor: Monitor | None, status: int = 200
) -> HttpResponse:
    context = {"tab": "monitors", "form": form, "monitor": monitor}
    return _page(request, "incidents/monitor_edit.html", context, status)


def _monitor_save(request: HttpRequest, monitor: Monitor | None) -> HttpResponse:
    form = MonitorForm(_data(request), instance=monitor)
    if request.method != "POST":
        return _monitor_form(request, form, monitor)
    if form.is_valid():
        saved = services.monitor_save(monitor=form.save(commit=False), actor=_user(request))
        flash.success(request, f"Monitor “{saved.name}” saved; it is checked at the next sweep.")
        return redirect("incidents:monitor", pk=saved.pk)
    return _monitor_form(request, form, monitor, status=422)


@staff_with(MANAGE)
def monitor_new(request: HttpRequest) -> HttpResponse:
    if not Component.objects.exists():
        flash.info(request, "Add a component first: a monitor watches one.")
        return redirect("incidents:component-new")
    return _monitor_save(request, None)


@staff_with(MANAGE)
def monitor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _monitor_save(request, get_object_or_404(Monitor, pk=pk))


@staff_with(MANAGE)
def monitor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    monitor = get_object_or_404(
        Monitor.objects.select_related("component__service", "component__team", "incident"), pk=pk
    )
    checks = list(
        MonitorCheck.objects.filter(monitor=monitor).order_by("-at", "-id")[:RECENT_CHECKS]
    )
    incident = monitor.incident
    open_incident = incident if incident and incident.state in OPEN_STATES else None
    earlier = Incident.objects.filter(source="monitor", components=monitor.component)
    if open_incident is not None:
        earlier = earlier.exclude(pk=open_incident.pk)
    context = {
        "tab": "monitors",
        "monitor": monitor,
        "checks": checks,
        "open_incident": open_incident,
        "earlier": list(earlier.order_by("-started_at")[:5]),
        "timeout": services.timeout_for(monitor),
    }
    return _page(request, "incidents/monitor_detail.html", context)


@require_POST
@staff_with(MANAGE)
def monitor_enabled(request: HttpRequest, pk: int) -> HttpResponse:
    monitor = get_object_or_404(Monitor, pk=pk)
    enabled = request.POST.get("enabled") == "1"
    services.monitor_enable(monitor=monitor, enabled=enabled, actor=_user(request))
    word = "enabled: it is checked at the next sweep" if enabled else "disabled"
    flash.success(request, f"Monitor “{monitor.name}” {word}.")
    return redirect("incidents:monitor", pk=monitor.pk)


@require_POST
@staff_with(MANAGE)
def monitor_check(request: HttpRequest, pk: int) -> HttpResponse:
    monitor = get_object_or_404(Monitor, pk=pk)
    if not monitor.enabled:
        flash.error(request, "The monitor is disabled; enable it to check it.")
    else:
        _queue([monitor.pk])
        flash.success(request, f"The worker checks “{monitor.name}” now; reload to see the result.")
    return redirect("incidents:monitor", pk=monitor.pk)


@require_POST
@staff_with(MANAGE)
def monitors_run_now(request: HttpRequest) -> HttpResponse:
    _queue()
    flash.success(request, "The worker runs every due check now; reload to see the results.")
    return redirect("incidents:monitors")


# --- services and components --------------------------------------------------------------------


@staff_with(MANAGE)
def components(request: HttpRequest) -> HttpResponse:
    listed = Component.objects.select_related("team").prefetch_related(
        Prefetch("organizations"), Prefetch("monitors", queryset=Monitor.objects.order_by("name"))
    )
    services_ = Service.objects.prefetch_related(Prefetch("components", queryset=listed))
    return _page(
        request, "incidents/component_list.html", {"tab": "components", "services": services_}
    )


def _component_save(request: HttpRequest, component: Component | None) -> HttpResponse:
    form = ComponentForm(_data(request), instance=component)
    context: dict[str, Any] = {"tab": "components", "form": form, "component": component}
    if request.method != "POST":
        return _page(request, "incidents/component_edit.html", context)
    if form.is_valid():
        d = form.cleaned_data
        saved = services.component_save(
            component=form.save(commit=False),
            state=d["state"],
            organizations=d["organizations"],
            actor=_user(request),
        )
        flash.success(request, f"Component “{saved.name}” saved.")
        return redirect("incidents:components")
    return _page(request, "incidents/component_edit.html", context, status=422)


@staff_with(MANAGE)
def component_new(request: HttpRequest) -> HttpResponse:
    if not Service.objects.exists():
        flash.info(request, "Add a service first: components are grouped under one.")
        return redirect("incidents:service-new")
    return _component_save(request, None)


@staff_with(MANAGE)
def component_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _component_save(request, get_object_or_404(Component, pk=pk))


def _service_save(request: HttpRequest, service: Service | None) -> HttpResponse:
    form = ServiceForm(_data(request), instance=service)
    context: dict[str, Any] = {"tab": "components", "form": form, "service": service}
    if request.method != "POST":
        return _page(request, "incidents/component_service_edit.html", context)
    if form.is_valid():
        saved = form.save()
        flash.success(request, f"Service “{saved.name}” saved.")
        return redirect("incidents:components")
    return _page(request, "incidents/component_service_edit.html", context, status=422)


@staff_with(MANAGE)
def service_new(request: HttpRequest) -> HttpResponse:
    return _service_save(request, None)


@staff_with(MANAGE)
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _service_save(request, get_object_or_404(Service, pk=pk))
