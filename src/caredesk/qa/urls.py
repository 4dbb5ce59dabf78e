from django.urls import path

from caredesk.qa import views

app_name = "qa"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("samples/<int:pk>/", views.review, name="review"),
    path("mine/", views.mine, name="mine"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/dispute/", views.dispute_open, name="dispute-open"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<int:pk>/", views.dispute, name="dispute"),
    path("calibration/", views.calibrations, name="calibrations"),
    path("calibration/new/", views.calibration_new, name="calibration-new"),
    path("calibration/<int:pk>/", views.calibration, name="calibration"),
    path("calibration/<int:pk>/close/", views.calibration_close, name="calibration-close"),
    path("rubric/", views.rubric, name="rubric"),
    path("rubric/draft/", views.rubric_draft, name="rubric-draft"),
    path("rubric/criteria/", views.criterion_add, name="criterion-add"),
    path("rubric/criteria/<int:pk>/remove/", views.criterion_remove, name="criterion-remove"),
    path("rubric/save/", views.rubric_save, name="rubric-save"),
    path("reports/", views.reports, name="reports"),
]
