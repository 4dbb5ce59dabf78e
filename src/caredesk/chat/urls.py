"""The widget's doors under /chat/ (cross-origin from the sites in CAREDESK_CHAT_ORIGINS)."""

from django.urls import path

from caredesk.chat import views

app_name = "chat"
urlpatterns = [
    path("status", views.status, name="status"),
    path("start", views.start, name="start"),
    path("upload", views.upload, name="upload"),
    path("offline", views.offline, name="offline"),
    path("files/<str:token>", views.file, name="file"),
]
