from django.urls import path

from caredesk.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tickets/", views.tickets, name="tickets"),
    path("repairs/", views.repairs_view, name="repairs"),
    path("executive/", views.executive_view, name="executive"),
    path("organizations/", views.organizations, name="organizations"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/new/", views.schedule_edit, name="schedule-new"),
    path("schedules/<int:pk>/", views.schedule_edit, name="schedule"),
    path("schedules/<int:pk>/delete/", views.schedule_delete, name="schedule-delete"),
]
