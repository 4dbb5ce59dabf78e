"""Agent screens of the incidents domain (this part): services and components, synthetic
monitors and their checks (administrators holding incidents.manage_status)."""

from django.urls import path

from caredesk.incidents import monitor_views as views

urlpatterns = [
    path("", views.monitors, name="monitors"),
    path("new/", views.monitor_new, name="monitor-new"),
    path("run/", views.monitors_run_now, name="monitors-run"),
    path("<int:pk>/", views.monitor_detail, name="monitor"),
    path("<int:pk>/edit/", views.monitor_edit, name="monitor-edit"),
    path("<int:pk>/enabled/", views.monitor_enabled, name="monitor-enabled"),
    path("<int:pk>/check/", views.monitor_check, name="monitor-check"),
    path("components/", views.components, name="components"),
    path("components/new/", views.component_new, name="component-new"),
    path("components/<int:pk>/edit/", views.component_edit, name="component-edit"),
    path("services/new/", views.service_new, name="service-new"),
    path("services/<int:pk>/edit/", views.service_edit, name="service-edit"),
]
