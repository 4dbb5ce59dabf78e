from django.urls import path

from caredesk.selfserve import views

app_name = "selfserve"
urlpatterns = [
    path("check/", views.check, name="check"),
    path("check/ping", views.ping, name="ping"),
    path("check/payload", views.payload, name="payload"),
    path("check/upload", views.upload, name="upload"),
    path("new/", views.new_request, name="new"),
    path("new/sent/<str:token>/", views.sent, name="sent"),
]
