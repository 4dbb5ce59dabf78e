"""Agent screens under /agent/incidents/: each part of the domain keeps its own URL module."""

from django.urls import include, path

app_name = "incidents"

urlpatterns = [
    path("", include("caredesk.incidents.desk_urls")),
    path("monitors/", include("caredesk.incidents.monitor_urls")),
    path("status/", include("caredesk.incidents.status_urls")),
    path("reviews/", include("caredesk.incidents.review_urls")),
]
