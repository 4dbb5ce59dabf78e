from django.urls import path

from caredesk.portal import status_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.choose_type, name="new"),
    path("new/<slug:slug>/", views.new_request, name="new-form"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/ccs/", views.ticket_cc_add, name="ticket-cc-add"),
    path(
        "tickets/<int:pk>/ccs/<int:cc_id>/remove/",
        views.ticket_cc_remove,
        name="ticket-cc-remove",
    ),
    path("devices/", views.devices, name="devices"),
    path("rmas/", views.rma_list, name="rmas"),
    path("rmas/<int:pk>/", views.rma_detail, name="rma"),
    path("status/", status_views.status_subscriptions, name="status"),
    path(
        "status/<int:pk>/remove/",
        status_views.status_subscription_remove,
        name="status-remove",
    ),
]
