from django.urls import path

from caredesk.oncall import views

app_name = "oncall"
urlpatterns = [
    path("", views.schedules, name="schedules"),
    path("<int:pk>/overrides/", views.override_add, name="override-add"),
    path("overrides/<int:pk>/delete/", views.override_delete, name="override-delete"),
    path("pages/", views.pages, name="pages"),
    path("pages/<int:pk>/ack/", views.page_ack, name="page-ack"),
]
