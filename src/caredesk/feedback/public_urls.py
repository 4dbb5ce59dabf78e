"""The survey links' pages: no desk session, the link's signature is the key."""

from django.urls import path

from caredesk.feedback import views

app_name = "feedback-public"
urlpatterns = [
    path("rate/<str:signed>/", views.rate, name="rate"),
    path("stop/<str:signed>/", views.stop, name="stop"),
]
