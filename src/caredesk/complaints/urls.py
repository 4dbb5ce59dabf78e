from django.urls import path

from caredesk.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("trends/", views.complaint_trends, name="trends"),
    path("export.csv", views.complaint_export, name="export"),
    path("from-ticket/<int:ticket_pk>/", views.complaint_open_from_ticket, name="open"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/edit/", views.complaint_edit, name="edit"),
    path("<int:pk>/decision/", views.complaint_decision, name="decision"),
    path("<int:pk>/print/", views.complaint_print, name="print"),
    path("<int:pk>/export.csv", views.complaint_export_one, name="export-one"),
]
