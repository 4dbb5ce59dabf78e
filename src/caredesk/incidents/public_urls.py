"""The public status page, its feed and subscription links (no sign-in)."""

from django.urls import URLPattern

app_name = "status"

urlpatterns: list[URLPattern] = []
