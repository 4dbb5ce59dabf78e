from django.urls import path

from caredesk.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.choose_type, name="new"),
    path("new/<slug:slug>/", views.new_request, name="new-form"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("devices/", views.devices, name="devices"),
]
