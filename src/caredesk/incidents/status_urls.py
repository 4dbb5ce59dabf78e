"""Agent screens of the status page: scheduled maintenance and subscribers."""

from django.urls import path

from caredesk.incidents import status_views as views

urlpatterns = [
    path("maintenance/", views.maintenance, name="status-maintenance"),
    path(
        "maintenance/<int:pk>/delete/", views.maintenance_delete, name="status-maintenance-delete"
    ),
    path("subscribers/", views.subscribers, name="status-subscribers"),
    path("subscribers/<int:pk>/delete/", views.subscriber_delete, name="status-subscriber-delete"),
]
