"""Agent screens of the incidents domain: the incident desk (list, declare, the incident's page,
its actions, linking tickets and the severity targets)."""

from django.urls import path

from caredesk.incidents import views

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("declare/", views.incident_new, name="declare"),
    path("targets/", views.targets, name="targets"),
    path("link/", views.selection_link, name="selection-link"),
    path("<int:number>/", views.incident_detail, name="detail"),
    path("<int:number>/clocks/", views.incident_clocks, name="clocks"),
    path("<int:number>/acknowledge/", views.incident_ack, name="acknowledge"),
    path("<int:number>/updates/", views.incident_update, name="update"),
    path("<int:number>/resolve/", views.incident_resolve, name="resolve"),
    path("<int:number>/link/", views.incident_link, name="link"),
]
