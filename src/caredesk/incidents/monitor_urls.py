"""Agent screens of the incidents domain (this part)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
