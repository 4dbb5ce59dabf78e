"""The public status page, its feed and subscription links (no sign-in)."""

from django.urls import path

from caredesk.incidents import status_views as views

app_name = "status"

urlpatterns = [
    path("", views.page, name="page"),
    path("history/", views.history, name="history-now"),
    path("history/<int:year>/<int:month>/", views.history, name="history"),
    path("incidents/<int:number>/", views.incident, name="incident"),
    path("feed.atom", views.feed, name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscriptions/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscriptions/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
