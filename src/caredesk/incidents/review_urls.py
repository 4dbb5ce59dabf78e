"""Agent screens of the root-cause reviews, under /agent/incidents/reviews/."""

from django.urls import path

from caredesk.incidents import review_views as views

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("report/", views.review_report_page, name="review-report"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/actions/", views.review_action_add, name="review-action-add"),
    path("actions/<int:pk>/done/", views.review_action_done, name="review-action-done"),
]
